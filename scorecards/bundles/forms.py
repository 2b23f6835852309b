import json

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_BUNDLE_BYTES = 5 * 1024 * 1024


class BundleUploadForm(forms.Form):
    """A bundle file; `clean_bundle` gives the parsed JSON document."""

    bundle = forms.FileField(
        label=_("Bundle (JSON)"),
        help_text=_(
            "An evaluation bundle as exported from this or another installation "
            "(at most 5 MB). Its evaluation key must be new."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": "application/json,.json"}),
    )

    def clean_bundle(self):
        upload = self.cleaned_data["bundle"]
        if upload.size > MAX_BUNDLE_BYTES:
            raise forms.ValidationError(
                _("The file is %(mb).1f MB; a bundle may be at most 5 MB."),
                params={"mb": upload.size / 1024 / 1024},
            )
        try:
            return json.loads(upload.read().decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise forms.ValidationError(_("The file is not UTF-8 text.")) from exc
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                _("Not valid JSON: %(msg)s (line %(line)s, column %(col)s)."),
                params={"msg": exc.msg, "line": exc.lineno, "col": exc.colno},
            ) from exc
