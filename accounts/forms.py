from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import Digest, Profile
from .zones import time_zones


def _zone_choices():
    default = _("The installation's (%(zone)s)") % {"zone": settings.TIME_ZONE}
    return [("", default), *((name, name.replace("_", " ")) for name in time_zones())]


class ProfileForm(forms.Form):
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=_zone_choices,
        required=False,
        help_text=Profile._meta.get_field("time_zone").help_text,
    )
    digest = forms.ChoiceField(
        label=_("Reminder e-mails"),
        choices=Digest.choices,
        initial=Digest.DAILY,
        help_text=Profile._meta.get_field("digest").help_text,
    )
