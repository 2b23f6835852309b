from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.utils.translation import gettext_lazy as _

from cdmo_eval.dates import plausible_date
from partners.forms.evidence import DATE, AttachmentField, members_of
from partners.models import Candidate

from .models import (
    Agreement,
    AmendmentRound,
    Escalation,
    InformationRequest,
    Milestone,
    SteeringMeeting,
)


def _helper(*layout) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(*layout)
    return helper


class MilestonesForm(forms.Form):
    """One date per milestone kind; an empty date means it has not happened. The
    rules between dates are milestones_save's; the view shows its refusal per field."""

    def __init__(self, *args, milestones=(), **kwargs):
        initial = {m.kind: m.date for m in milestones}
        super().__init__(*args, initial=initial, **kwargs)
        for value, label in Milestone.Kind.choices:
            self.fields[value] = forms.DateField(
                label=label,
                required=False,
                widget=DATE,
                validators=[plausible_date],
            )
        self.fields["reason"] = forms.CharField(
            label=_("Reason"),
            required=False,
            max_length=500,
            help_text=_("Needed when you clear a date that was recorded."),
        )
        names = [value for value, _label in Milestone.Kind.choices]
        rows = [names[i : i + 4] for i in range(0, len(names), 4)]
        self.helper = _helper(
            *(Row(*(Column(n, css_class="col-md-3") for n in row)) for row in rows),
            "reason",
        )

    @property
    def dates(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "reason"}


class OwnerField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class _OwnedForm(forms.ModelForm):
    """Requests and escalations: editors choose the owner; an evaluator owns what
    they log, so the field is not offered to them."""

    owner = OwnerField(label=_("Sponsor owner"), queryset=None, required=False)

    def __init__(self, *args, candidate: Candidate, choose_owner: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidate = candidate
        if choose_owner:
            self.fields["owner"].queryset = members_of(candidate.evaluation)
        else:
            del self.fields["owner"]


class RequestForm(_OwnedForm):
    class Meta:
        model = InformationRequest
        fields = ["subject", "sent", "due", "answered", "complete", "owner"]
        widgets = {"sent": DATE, "due": DATE, "answered": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["due"].help_text = _(
            "Empty: the sent date plus the response target (%(days)s days)."
        ) % {"days": self.candidate.evaluation.response_target_days}
        self.fields["complete"].help_text = _(
            "Tick once the answer has come and it is complete; leave it unticked "
            "for a partial answer."
        )
        if self.instance.pk is None:
            # Nothing has been answered yet, so nothing is complete yet.
            self.initial["complete"] = False
        self.helper = _helper(
            "subject",
            Row(Column("sent"), Column("due"), Column("answered")),
            "complete",
            *(["owner"] if "owner" in self.fields else []),
        )

    def clean(self):
        data = super().clean()
        if data.get("complete") and not data.get("answered"):
            self.add_error(
                "complete",
                _(
                    "Give the date the answer came, or untick: an answer that has "
                    "not come cannot be complete."
                ),
            )
        return data


class RoundForm(forms.ModelForm):
    agreement = forms.ChoiceField(label=_("Agreement"), choices=Agreement.Kind.choices)
    redline_file = AttachmentField(label=_("Redline"))

    class Meta:
        model = AmendmentRound
        fields = [
            "sent_by",
            "sent",
            "returned",
            "reviewers",
            "comments",
            "actionable_comments",
        ]
        widgets = {"sent": DATE, "returned": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        editing = self.instance.pk is not None
        if editing:
            # A round stays with its agreement; its number is the service's.
            del self.fields["agreement"]
        if editing and self.instance.redline:
            self.fields["redline_file"].help_text = _(
                "Uploading a file replaces %(name)s. %(rules)s"
            ) % {
                "name": self.instance.redline_name,
                "rules": self.fields["redline_file"].help_text,
            }
        self.helper = _helper(
            *(["agreement"] if not editing else []),
            Row(Column("sent_by"), Column("sent"), Column("returned")),
            Row(Column("reviewers"), Column("comments"), Column("actionable_comments")),
            "redline_file",
        )


class EscalationForm(_OwnedForm):
    class Meta:
        model = Escalation
        fields = ["question", "raised", "decided", "stakeholders", "owner"]
        widgets = {
            "raised": DATE,
            "decided": DATE,
            "question": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            "question",
            Row(Column("raised"), Column("decided"), Column("stakeholders")),
            *(["owner"] if "owner" in self.fields else []),
        )


class MeetingForm(forms.ModelForm):
    class Meta:
        model = SteeringMeeting
        fields = ["planned", "held", "attendees", "outcome"]
        widgets = {
            "planned": DATE,
            "held": DATE,
            "attendees": forms.Textarea(attrs={"rows": 2}),
            "outcome": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, candidate: Candidate, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidate = candidate
        self.helper = _helper(
            Row(Column("planned"), Column("held")), "attendees", "outcome"
        )
