from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row, Submit
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cdmo_eval.forms import IdsChoiceField

from ..evidence import EVIDENCE_KINDS
from ..models import Candidate, Contact, CultureInterview, Finding, Site, SiteVisit
from ..uploads import sniff_upload

User = get_user_model()
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PersonChoiceField(IdsChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class SiteChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.cdmo.name} — {obj}"


def members_of(evaluation):
    return User.objects.filter(memberships__evaluation=evaluation).order_by(
        "first_name", "username"
    )


class AttachmentField(forms.FileField):
    """An optional document, checked by its content (PDF, PNG, JPEG, DOCX, XLSX)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text",
            _("PDF, PNG, JPEG, DOCX or XLSX, checked by content; 20 MB at most."),
        )
        super().__init__(allow_empty_file=True, **kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload:
            sniff_upload(upload)
        elif data is not None and getattr(data, "size", None) == 0:
            raise ValidationError(_("The file is empty."), code="empty")
        return upload


class CandidateAddForm(forms.ModelForm):
    bulk_site = SiteChoiceField(
        label=_("Proposed bulk-manufacturing site"),
        queryset=Site.objects.select_related("cdmo"),
        required=False,
    )

    class Meta:
        model = Candidate
        fields = ["cdmo", "bulk_site", "stage"]


class CandidateEditForm(forms.ModelForm):
    class Meta:
        model = Candidate
        fields = ["bulk_site"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bulk_site"].queryset = Site.objects.filter(cdmo=self.instance.cdmo)


class StageForm(forms.Form):
    stage = forms.ChoiceField(label=_("Move to"), choices=Candidate.Stage.choices)
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class EvidenceForm(forms.ModelForm):
    """The form of an evidence kind (partners.evidence): its record's fields, the
    people it involves, and a file to attach."""

    attachment = AttachmentField(label=_("Attach a file"))

    def __init__(self, *args, candidate: Candidate, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidate = candidate

    def uploads(self) -> list:
        upload = self.cleaned_data.get("attachment")
        return [upload] if upload else []

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise ValidationError(_("The date cannot be in the future."))
        return date


def _helper(*layout) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.layout = Layout(*layout, Submit("save", _("Save")))
    return helper


class InterviewForm(EvidenceForm):
    interviewees = IdsChoiceField(
        label=_("Interviewees"),
        queryset=Contact.objects.none(),
        help_text=_("The CDMO people you met; their level is shown."),
    )
    interviewers = PersonChoiceField(
        label=_("Interviewers"), queryset=User.objects.none()
    )

    class Meta:
        model = CultureInterview
        fields = [
            "date",
            "site",
            "interviewees",
            "interviewers",
            "meaning",
            "how_built",
            "customer_impact",
            "vision",
            "strengths",
            "weaknesses",
            "gaps",
            "notes",
        ]
        widgets = {
            "date": DATE,
            **{
                name: forms.Textarea(attrs={"rows": 3})
                for name in (
                    "meaning",
                    "how_built",
                    "customer_impact",
                    "vision",
                    "strengths",
                    "weaknesses",
                    "gaps",
                )
            },
            "notes": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cdmo = self.candidate.cdmo
        self.fields["site"].queryset = Site.objects.filter(cdmo=cdmo)
        self.fields["interviewees"].queryset = Contact.objects.filter(cdmo=cdmo)
        self.fields["interviewers"].queryset = members_of(self.candidate.evaluation)
        self.fields["interviewees"].label_from_instance = lambda c: (
            f"{c.name} — {c.get_level_display()}" + (f" ({c.title})" if c.title else "")
        )
        self.helper = _helper(
            Row(Column("date"), Column("site")),
            Row(Column("interviewees"), Column("interviewers")),
            Fieldset(
                _("The culture guide"),
                "meaning",
                "how_built",
                "customer_impact",
                "vision",
                "strengths",
                "weaknesses",
                "gaps",
            ),
            "notes",
            "attachment",
        )


class VisitForm(EvidenceForm):
    attendees = PersonChoiceField(
        label=_("Sponsor attendees"), queryset=User.objects.none()
    )

    class Meta:
        model = SiteVisit
        fields = [
            "site",
            "date",
            "attendees",
            "contact_attendees",
            "agenda",
            "observations",
        ]
        field_classes = {"contact_attendees": IdsChoiceField}
        widgets = {
            "date": DATE,
            "agenda": forms.Textarea(attrs={"rows": 3}),
            "observations": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cdmo = self.candidate.cdmo
        self.fields["site"].queryset = Site.objects.filter(cdmo=cdmo)
        self.fields["contact_attendees"].queryset = Contact.objects.filter(cdmo=cdmo)
        self.fields["attendees"].queryset = members_of(self.candidate.evaluation)
        self.helper = _helper(
            Row(Column("site"), Column("date")),
            Row(Column("attendees"), Column("contact_attendees")),
            "agenda",
            "observations",
            "attachment",
        )


class AttachmentForm(forms.Form):
    file = AttachmentField(label=_("File"), required=True)


class FindingForm(forms.ModelForm):
    owner = forms.ModelChoiceField(
        label=_("Owner"), queryset=User.objects.none(), required=False
    )

    class Meta:
        model = Finding
        fields = [
            "kind",
            "text",
            "source",
            *(k.name for k in EVIDENCE_KINDS),
            "source_note",
            "bridging_plan",
            "owner",
            "carry_to_msa",
            "status",
        ]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 3}),
            "bridging_plan": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, candidate: Candidate, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidate = candidate
        for kind in EVIDENCE_KINDS:
            self.fields[kind.name].queryset = kind.model.objects.filter(
                candidate=candidate
            ).select_related("site")
        self.fields["owner"].queryset = members_of(candidate.evaluation)
        self.fields["owner"].label_from_instance = lambda u: (
            u.get_full_name() or u.get_username()
        )
