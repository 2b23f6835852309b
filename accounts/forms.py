from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import Digest
from .zones import time_zones


def _zone_choices():
    default = _("The installation's (%(zone)s)") % {"zone": settings.TIME_ZONE}
    return [("", default), *((name, name.replace("_", " ")) for name in time_zones())]


class ProfileForm(forms.Form):
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=_zone_choices,
        required=False,
        help_text=_(
            "Dates and times on pages, in exports and in e-mails are shown in this "
            "zone. Reports and signed records name the zone of every time they show."
        ),
    )
    digest = forms.ChoiceField(
        label=_("Reminder e-mails"),
        choices=Digest.choices,
        initial=Digest.DAILY,
        help_text=_(
            "A digest of what is due in the next days or overdue; each item is "
            "mentioned once as it comes due and once when it is late."
        ),
    )
