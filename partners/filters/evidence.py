import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..models import Candidate, Finding


class CandidateFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    stage = django_filters.ChoiceFilter(
        label=_("Stage"), choices=Candidate.Stage.choices, empty_label=_("All stages")
    )
    order = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=(("cdmo__name", "name"), ("stage", "stage"), ("added_at", "added")),
        field_labels={
            "cdmo__name": _("Name"),
            "stage": _("Stage"),
            "added_at": _("Added"),
        },
    )

    class Meta:
        model = Candidate
        fields = ["q", "stage"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(cdmo__name__icontains=value) | Q(bulk_site__name__icontains=value)
        )


class FindingFilter(django_filters.FilterSet):
    candidate = django_filters.ModelChoiceFilter(
        label=_("Candidate"), queryset=Candidate.objects.none(), empty_label=_("All")
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Finding.Kind.choices, empty_label=_("All kinds")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Finding.Status.choices, empty_label=_("Any status")
    )
    carry_to_msa = django_filters.BooleanFilter(
        label=_("Carry into the agreements"),
        widget=django_filters.widgets.BooleanWidget(),
    )
    order = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=(
            ("candidate__cdmo__name", "candidate"),
            ("kind", "kind"),
            ("status", "status"),
            ("updated_at", "updated"),
        ),
    )

    class Meta:
        model = Finding
        fields = ["candidate", "kind", "status", "carry_to_msa"]

    def __init__(self, *args, evaluation, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["candidate"].queryset = Candidate.objects.filter(
            evaluation=evaluation
        ).select_related("cdmo")
