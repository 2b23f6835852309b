"""Forms of an evaluation's set-up: template, weights, conflicts."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cdmo_eval.forms import IdsChoiceField

from ..models import Template


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
    candidates = IdsChoiceField(
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
