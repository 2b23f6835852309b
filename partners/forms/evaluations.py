from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from ..models import Evaluation, Role

User = get_user_model()


class EvaluationForm(forms.ModelForm):
    class Meta:
        model = Evaluation
        fields = [
            "name",
            "key",
            "program",
            "modality",
            "phase",
            "scope",
            "as_of",
            "response_target_days",
        ]
        widgets = {
            "as_of": forms.DateInput(attrs={"type": "date"}),
            "scope": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"key": _("Short identifier used in links and bundles.")}


class EvaluationEditForm(EvaluationForm):
    """The key names the evaluation in links and bundles, so it stays as created."""

    class Meta(EvaluationForm.Meta):
        fields = [f for f in EvaluationForm.Meta.fields if f != "key"]


class MemberAddForm(forms.Form):
    user = forms.CharField(
        label=_("Username or email"),
        max_length=254,
        help_text=_("Someone who already has an account."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)

    def clean_user(self):
        value = self.cleaned_data["user"].strip()
        user = (
            User.objects.filter(is_active=True, username__iexact=value).first()
            or User.objects.filter(is_active=True, email__iexact=value).first()
        )
        if user is None:
            raise forms.ValidationError(
                _("No active account is called “%(value)s”. Invite them by email."),
                params={"value": value},
            )
        return user


class MemberInviteForm(forms.Form):
    email = forms.EmailField(label=_("Email"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    reason = forms.CharField(label=_("Reason"), max_length=500)


class MemberRemoveForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)
