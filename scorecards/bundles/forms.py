from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from .errors import InvalidBundle
from .limits import read_bundle


class BundleUploadForm(forms.Form):
    """A bundle file; `clean_bundle` gives the parsed JSON document, read within
    the bundle limits (`limits`)."""

    bundle = forms.FileField(
        label=_("Bundle (JSON)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/json,.json"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bundle"].help_text = _(
            "An evaluation bundle as exported from this or another installation "
            "(at most %(size)s). Its evaluation key must be new."
        ) % {"size": filesizeformat(settings.BUNDLE_MAX_BYTES)}

    def clean_bundle(self):
        upload = self.cleaned_data["bundle"]
        if upload.size > settings.BUNDLE_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s; a bundle may be at most %(max)s.")
                % {
                    "size": filesizeformat(upload.size),
                    "max": filesizeformat(settings.BUNDLE_MAX_BYTES),
                }
            )
        try:
            return read_bundle(upload.read())
        except InvalidBundle as exc:
            raise forms.ValidationError([str(e) for e in exc.errors]) from exc
