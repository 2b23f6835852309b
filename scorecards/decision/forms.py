"""Forms of the decision page: record it, sign it, name a co-signer, verify a
copy."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from cdmo_eval.forms import IdsChoiceField
from partners.models import Candidate, Membership

from ..models import ReportJob
from .services import COSIGNER_MEANINGS, COSIGNER_ROLES

RATIONALE_MAX = 10_000


class ReportChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, job: ReportJob) -> str:
        subject = job.candidate.cdmo.name if job.candidate_id else _("all candidates")
        when = date_format(timezone.localtime(job.finished_at), "DATETIME_FORMAT")
        return f"{job.get_kind_display()}: {subject} · {when}"


class DecisionForm(forms.Form):
    selected = forms.ModelChoiceField(
        label=_("Selected candidate"),
        queryset=Candidate.objects.none(),
        required=False,
        empty_label=_("None selected"),
    )
    rationale = forms.CharField(
        label=_("Rationale"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=RATIONALE_MAX,
        # The service asks for it, with every other missing reason at once.
        required=False,
        help_text=_("Why this candidate (or none): it is printed on the signed copy."),
    )
    report = ReportChoiceField(
        label=_("The report the decision rests on"),
        queryset=ReportJob.objects.none(),
        required=False,
        empty_label=_("Choose a report"),
        help_text=_(
            "The selected candidate's due-diligence report, or the comparison report "
            "when none is selected, rendered from today's results. Its SHA-256 is "
            "what everyone signs."
        ),
    )
    cosigners = IdsChoiceField(
        label=_("Co-signers"),
        queryset=Membership.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Besides you: procurement signs “approved for procurement”, an observer "
            "“approved as quality approver”."
        ),
    )

    def __init__(self, *args, evaluation, reports, earlier: dict[int, str], **kw):
        super().__init__(*args, **kw)
        candidates = list(
            Candidate.objects.filter(evaluation=evaluation).select_related("cdmo")
        )
        self.fields["selected"].queryset = Candidate.objects.filter(
            evaluation=evaluation
        ).select_related("cdmo")
        self.fields["selected"].label_from_instance = lambda c: c.cdmo.name
        self.fields["report"].queryset = reports
        members = Membership.objects.filter(
            evaluation=evaluation, role__in=COSIGNER_ROLES
        ).select_related("user")
        self.fields["cosigners"].queryset = members
        self.fields["cosigners"].label_from_instance = lambda m: (
            f"{m.user.get_full_name() or m.user.get_username()} — "
            f"{COSIGNER_MEANINGS[m.role]}"
        )
        self.declined_fields = []
        for c in candidates:
            name = f"declined-{c.pk}"
            self.fields[name] = forms.CharField(
                label=_("Why %(c)s is declined") % {"c": c.cdmo.name},
                widget=forms.Textarea(attrs={"rows": 2}),
                max_length=RATIONALE_MAX,
                required=False,
                initial=earlier.get(c.pk, ""),
                help_text=_("Leave empty for the selected candidate."),
            )
            self.declined_fields.append(name)

    @property
    def declined_bound(self):
        return [self[name] for name in self.declined_fields]

    def declined(self) -> dict[int, str]:
        return {
            int(name.split("-", 1)[1]): self.cleaned_data.get(name, "")
            for name in self.declined_fields
        }

    def cosigner_pairs(self) -> list[tuple[object, str]]:
        return [
            (m.user, str(COSIGNER_MEANINGS[m.role]))
            for m in self.cleaned_data.get("cosigners") or []
        ]


class SignForm(forms.Form):
    username = forms.CharField(
        label=_("Your user name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Signing asks for your user name and password, every time."),
    )
    confirm = forms.BooleanField(
        label=_(
            "I sign this decision electronically; my signature has the meaning "
            "shown above."
        ),
    )


class SignerForm(forms.Form):
    signer = forms.ModelChoiceField(
        label=_("Member"), queryset=Membership.objects.none(), empty_label=None
    )
    meaning = forms.CharField(
        label=_("Meaning of their signature"),
        max_length=200,
        initial=COSIGNER_MEANINGS[COSIGNER_ROLES[0]],
    )

    def __init__(self, *args, evaluation, **kw):
        super().__init__(*args, **kw)
        self.fields["signer"].queryset = Membership.objects.filter(
            evaluation=evaluation, role__in=COSIGNER_ROLES
        ).select_related("user")
        self.fields["signer"].label_from_instance = lambda m: (
            f"{m.user.get_full_name() or m.user.get_username()} "
            f"({m.get_role_display()})"
        )


class VerifyForm(forms.Form):
    file = forms.FileField(
        label=_("A PDF to check"),
        help_text=_("The file is read to compute its SHA-256, then discarded."),
    )

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > settings.UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(max)s.")
                % {"max": filesizeformat(settings.UPLOAD_MAX_BYTES)}
            )
        return f
