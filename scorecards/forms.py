from django import forms
from django.utils.translation import gettext_lazy as _

from .models import SCORE_CHOICES, Template

NOT_APPLICABLE = "na"
RATING_CHOICES = [*[(str(v), label) for v, label in SCORE_CHOICES]] + [
    (NOT_APPLICABLE, _("n/a"))
]


class TemplateChoiceForm(forms.Form):
    template = forms.ModelChoiceField(
        label=_("Criteria template"),
        queryset=Template.objects.filter(active=True),
        empty_label=None,
        help_text=_(
            "Its criteria, weights and anchors are copied into this evaluation; "
            "later edits of the library do not change it."
        ),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class WeightsForm(forms.Form):
    """One weight field per category (and per criterion while in set-up)."""

    reason = forms.CharField(
        label=_("Reason for the change"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )

    def __init__(self, *args, categories, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.category_fields = []
        self.criterion_fields = []
        for cat in categories:
            name = f"cat-{cat.pk}"
            self.fields[name] = forms.IntegerField(
                label=cat.name, min_value=1, max_value=1000, initial=cat.weight
            )
            self.category_fields.append((cat, name))
        for crit in criteria:
            name = f"crit-{crit.pk}"
            self.fields[name] = forms.IntegerField(
                label=crit.name, min_value=1, max_value=1000, initial=crit.weight
            )
            self.criterion_fields.append((crit, name))
        self.order_fields([n for _c, n in self.category_fields] + ["reason"])

    @property
    def category_rows(self):
        return [(c, self[n]) for c, n in self.category_fields]

    @property
    def criterion_rows(self):
        return [(c, self[n]) for c, n in self.criterion_fields]

    def weights(self) -> tuple[dict[int, int], dict[int, int]]:
        data = self.cleaned_data
        return (
            {c.pk: data[n] for c, n in self.category_fields},
            {c.pk: data[n] for c, n in self.criterion_fields},
        )


class ConflictForm(forms.Form):
    NONE, CONFLICT = "none", "conflict"
    answer = forms.ChoiceField(
        label=_("Do you have a conflict of interest with any candidate?"),
        choices=[
            (NONE, _("No, I have no conflict of interest")),
            (CONFLICT, _("Yes, I declare a conflict with the candidates below")),
        ],
        widget=forms.RadioSelect,
    )
    candidates = forms.ModelMultipleChoiceField(
        label=_("Candidates"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    text = forms.CharField(
        label=_("Describe the conflict"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        help_text=_("E.g. a former employer, shares, a relative working there."),
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["candidates"].queryset = candidates

    def clean(self):
        data = super().clean()
        if data.get("answer") == self.CONFLICT:
            if not data.get("candidates"):
                self.add_error(
                    "candidates", _("Name the candidates you conflict with.")
                )
            if not (data.get("text") or "").strip():
                self.add_error("text", _("Describe the conflict."))
        elif data.get("answer") == self.NONE:
            data["candidates"] = []
        return data


class ConsensusForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("Consensus rating"), choices=SCORE_CHOICES, coerce=int
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
        help_text=_("What the team agreed and why."),
    )


def parse_score(value: str) -> tuple[bool, int | None]:
    """(chosen, score): "" is not yet rated; "na" is not applicable (None)."""
    if value in ("", None):
        return False, None
    if value == NOT_APPLICABLE:
        return True, None
    return True, int(value)


class RatingForm(forms.Form):
    """One criterion's row of a scorecard; prefixed by the criterion id."""

    score = forms.ChoiceField(
        label=_("Rating"),
        choices=RATING_CHOICES,
        widget=forms.RadioSelect,
        required=False,
    )
    rationale = forms.CharField(
        label=_("Rationale"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    rests_on = forms.ChoiceField(
        label=_("Rests on"),
        required=False,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, criterion, evidence_choices, evidence, **kwargs):
        self.criterion = criterion
        self.evidence = evidence
        super().__init__(*args, prefix=f"c{criterion.pk}", **kwargs)
        self.fields["rests_on"].choices = evidence_choices

    def clean_rests_on(self):
        value = self.cleaned_data["rests_on"]
        if value and value not in self.evidence:
            raise forms.ValidationError(_("Choose evidence about this candidate."))
        return self.evidence.get(value)

    def clean(self):
        data = super().clean()
        data["chosen"], data["value"] = parse_score(data.get("score", ""))
        return data


class EvidenceRatingsForm(forms.Form):
    """Ratings an interview or visit gives to criteria that allow that source."""

    def __init__(self, *args, criteria, current, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for c in self.criteria:
            self.fields[f"crit-{c.pk}"] = forms.TypedChoiceField(
                label=c.name,
                choices=[("", _("not rated"))] + SCORE_CHOICES,
                coerce=int,
                empty_value=None,
                required=False,
                initial=current.get(c.pk),
                help_text=" · ".join(f"{v}: {t}" for v, t in c.anchor_list() if t),
            )
