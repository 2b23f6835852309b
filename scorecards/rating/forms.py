"""Forms of scorecards, evidence ratings and consensus."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import SCORE_CHOICES

NOT_APPLICABLE = "na"


RATING_CHOICES = [*[(str(v), label) for v, label in SCORE_CHOICES]] + [
    (NOT_APPLICABLE, _("n/a"))
]


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
        self.fields["reason"] = forms.CharField(
            label=_("Reason"),
            required=False,
            max_length=500,
            help_text=_("Needed when you clear a rating that was given."),
        )
