"""Filters of an evaluation's history: by person, kind of record and date."""

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEntry

from .selectors import kinds

DATE = forms.DateInput(attrs={"type": "date"})


class HistoryFilter(django_filters.FilterSet):
    actor = django_filters.ModelChoiceFilter(
        label=_("Person"),
        queryset=get_user_model().objects.none(),
        empty_label=_("Anyone"),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind of record"),
        field_name="content_type_id",
        choices=[],
        empty_label=_("Any"),
    )
    since = django_filters.DateFilter(
        label=_("From"), field_name="timestamp", lookup_expr="date__gte", widget=DATE
    )
    until = django_filters.DateFilter(
        label=_("To"), field_name="timestamp", lookup_expr="date__lte", widget=DATE
    )

    class Meta:
        model = AuditEntry
        fields = ["actor", "kind", "since", "until"]

    def __init__(self, *args, evaluation, **kwargs):
        super().__init__(*args, **kwargs)
        # Everyone who changed something here, members who left included.
        self.filters["actor"].queryset = (
            get_user_model()
            .objects.filter(
                pk__in=AuditEntry.objects.filter(evaluation_id=evaluation.pk).values(
                    "actor"
                )
            )
            .order_by("username")
        )
        self.filters["kind"].extra["choices"] = kinds()
