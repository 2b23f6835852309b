"""Forms of the shared CDMO directory: a company, its sites and its people."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Cdmo, Contact, Site

KEY_HELP = _(
    "Short identifier used in links: letters, digits and hyphens, kept lower-case."
)


class _KeyMixin:
    """Keys are compared case-sensitively by the database; store them lower-case so
    "Lonza" and "lonza" cannot both exist."""

    def clean_key(self):
        return self.cleaned_data["key"].strip().lower()


class CdmoForm(_KeyMixin, forms.ModelForm):
    class Meta:
        model = Cdmo
        fields = [
            "name",
            "key",
            "headquarters",
            "website",
            "ownership",
            "modalities",
            "culture_meaning",
            "culture_how_built",
            "culture_customer_impact",
            "culture_vision",
        ]
        widgets = {
            "culture_meaning": forms.Textarea(attrs={"rows": 3}),
            "culture_how_built": forms.Textarea(attrs={"rows": 3}),
            "culture_customer_impact": forms.Textarea(attrs={"rows": 3}),
            "culture_vision": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "key": KEY_HELP,
            "modalities": _("Separate modalities with commas, e.g. mAbs, ADCs."),
        }
        error_messages = {
            "key": {
                "unique": _("Another CDMO already uses this key. Choose another one.")
            }
        }


class SiteForm(_KeyMixin, forms.ModelForm):
    class Meta:
        model = Site
        fields = [
            "name",
            "key",
            "city",
            "country",
            "capabilities",
            "scale",
            "stage",
            "last_inspection_date",
            "last_inspection_outcome",
        ]
        widgets = {
            "capabilities": forms.Textarea(attrs={"rows": 3}),
            "last_inspection_date": forms.DateInput(
                attrs={"type": "date"}, format="%Y-%m-%d"
            ),
        }
        help_texts = {"key": KEY_HELP}
        error_messages = {
            "key": {
                "unique": _("Another site already uses this key. Choose another one.")
            }
        }

    def clean_country(self):
        country = self.cleaned_data["country"].strip().upper()
        if country and not (len(country) == 2 and country.isalpha()):
            raise forms.ValidationError(
                _("Use the two-letter ISO code, e.g. IE or CH."), code="invalid"
            )
        return country


class ContactForm(_KeyMixin, forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["name", "key", "title", "level", "site", "email"]
        help_texts = {
            "key": KEY_HELP,
            "site": _("Where this person works, if at one of the CDMO's sites."),
        }
        error_messages = {
            "key": {
                "unique": _(
                    "Another contact already uses this key. Choose another one."
                )
            },
            "site": {"invalid_choice": _("Choose one of this CDMO's sites.")},
        }

    def __init__(self, *args, cdmo: Cdmo, **kwargs):
        super().__init__(*args, **kwargs)
        # Only this CDMO's sites are offered, or accepted.
        self.fields["site"].queryset = Site.objects.filter(cdmo=cdmo).order_by("name")
