"""Search, filter and ordering for the shared CDMO directory."""

import re

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from ..models import Cdmo

# Modalities are free text ("mAbs, ADCs; cell therapy"); these split it into terms.
MODALITY_SEPARATORS = re.compile(r"[,;\n]+")


def modality_choices() -> list[tuple[str, str]]:
    """Every modality named in the directory, once, whatever its case."""
    seen: dict[str, str] = {}
    texts = Cdmo.objects.exclude(modalities="").values_list("modalities", flat=True)
    for text in texts:
        for term in MODALITY_SEPARATORS.split(text):
            term = term.strip()
            if term:
                seen.setdefault(term.casefold(), term)
    return sorted(((term, term) for term in seen.values()), key=lambda c: c[0].lower())


class StableOrderingFilter(django_filters.OrderingFilter):
    """Ordering with a unique tie-breaker, so a page never repeats or skips a row
    when many CDMOs share a headquarters."""

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        return qs.order_by(*qs.query.order_by, "name", "pk")


class CdmoFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Company, city, modality…")}
        ),
    )
    modality = django_filters.ChoiceFilter(
        label=_("Modality"),
        field_name="modalities",
        lookup_expr="icontains",
        choices=modality_choices,
        empty_label=_("Any modality"),
    )
    ordering = StableOrderingFilter(
        label=_("Sort by"),
        fields=(("name", "name"), ("headquarters", "headquarters")),
        field_labels={
            "name": _("Company (A–Z)"),
            "-name": _("Company (Z–A)"),
            "headquarters": _("Headquarters (A–Z)"),
            "-headquarters": _("Headquarters (Z–A)"),
        },
        empty_label=None,
    )

    class Meta:
        model = Cdmo
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else None
            field.widget.attrs["class"] = css or "form-control"

    def search(self, queryset: QuerySet[Cdmo], name: str, value: str):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value)
            | Q(headquarters__icontains=value)
            | Q(modalities__icontains=value)
        )
