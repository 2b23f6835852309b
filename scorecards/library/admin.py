"""The criteria library in the admin: what staff configure."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..models import (
    Category,
    Criterion,
    PlanCriterion,
    ScaleAnchor,
    Source,
    StandingBand,
    StandingScale,
    Template,
    TemplateCategory,
    TemplateCriterion,
)
from ..scoring import Band, validate_bands
from .curve import CurveField


class ScaleAnchorInline(admin.TabularInline):
    model = ScaleAnchor
    extra = 0
    max_num = 5
    min_num = 0


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "weight", "order", "criteria_count"]
    list_editable = ["weight", "order"]
    search_fields = ["name", "key"]
    prepopulated_fields = {"key": ["name"]}

    @admin.display(description=_("criteria"))
    def criteria_count(self, obj):
        return obj.criteria.count()


class RatedFromFilter(admin.SimpleListFilter):
    title = _("rated from")
    parameter_name = "source"

    def lookups(self, request, model_admin):
        return Source.choices

    def queryset(self, request, queryset):
        if self.value() in Source.values:
            # The list is stored as JSON text; match the quoted value.
            return queryset.filter(sources__icontains=f'"{self.value()}"')
        return queryset


class CriterionForm(forms.ModelForm):
    sources = forms.MultipleChoiceField(
        label=_("Rated from"),
        choices=Source.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Who may rate a rated criterion; none for derived criteria."),
    )
    curve = CurveField(
        label=_("Curve"),
        help_text=_(
            "Each point maps a signal value to a score (0–100); between points the "
            "score is linear, beyond the first and last it stays flat."
        ),
    )

    class Meta:
        model = Criterion
        fields = [
            "category",
            "name",
            "key",
            "description",
            "weight",
            "order",
            "kind",
            "sources",
            "gate_threshold",
            "signal",
            "curve",
        ]

    def clean_curve(self):
        return self.cleaned_data.get("curve") or []


@admin.register(Criterion)
class CriterionAdmin(admin.ModelAdmin):
    form = CriterionForm
    list_display = [
        "name",
        "key",
        "category",
        "weight",
        "kind",
        "signal",
        "gate_threshold",
        "order",
    ]
    list_filter = ["category", "kind", RatedFromFilter]
    list_editable = ["weight", "order"]
    search_fields = ["name", "key", "description"]
    list_select_related = ["category"]
    prepopulated_fields = {"key": ["name"]}
    inlines = [ScaleAnchorInline]
    fieldsets = [
        (
            None,
            {"fields": ["category", "name", "key", "description", "weight", "order"]},
        ),
        (
            _("How it is scored"),
            {
                "fields": [
                    "kind",
                    "sources",
                    "gate_threshold",
                    "signal",
                    "curve",
                ],
                "description": _(
                    "Rated criteria use the anchored 1–5 scale below. Derived criteria "
                    "map a negotiation signal through the curve."
                ),
            },
        ),
        (_("Where it is used"), {"fields": ["used_by"]}),
    ]
    readonly_fields = ["used_by"]

    @admin.display(description=_("Evaluations using it"))
    def used_by(self, obj) -> str:
        """Evaluations whose criteria were copied with this criterion: editing it
        here changes none of them (each keeps its snapshot)."""
        if obj.pk is None:
            return "—"
        names = list(
            PlanCriterion.objects.filter(key=obj.key)
            .order_by("plan__evaluation__name")
            .values_list("plan__evaluation__name", flat=True)
            .distinct()
        )
        if not names:
            return _("None yet.")
        return _("%(names)s (each keeps its own copy; an edit here changes none)") % {
            "names": ", ".join(names)
        }


class StandingBandFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        bands = [
            Band(
                f.cleaned_data["label"],
                float(f.cleaned_data["low"]),
                float(f.cleaned_data["high"]),
            )
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        errors = validate_bands(bands)
        if errors:
            raise ValidationError(errors)


class StandingBandInline(admin.TabularInline):
    model = StandingBand
    formset = StandingBandFormSet
    extra = 0


@admin.register(StandingScale)
class StandingScaleAdmin(admin.ModelAdmin):
    list_display = ["name"]
    inlines = [StandingBandInline]


class TemplateCategoryFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if not any(
            f.cleaned_data and not f.cleaned_data.get("DELETE") for f in self.forms
        ):
            raise ValidationError(_("Give the template at least one category weight."))


class TemplateCriterionFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if not any(
            f.cleaned_data and not f.cleaned_data.get("DELETE") for f in self.forms
        ):
            raise ValidationError(_("A template needs at least one criterion."))


class TemplateCategoryInline(admin.TabularInline):
    model = TemplateCategory
    formset = TemplateCategoryFormSet
    extra = 0


class TemplateCriterionInline(admin.TabularInline):
    model = TemplateCriterion
    formset = TemplateCriterionFormSet
    extra = 0
    autocomplete_fields = ["criterion"]


@admin.register(Template)
class TemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "standing_scale", "active"]
    list_filter = ["active"]
    search_fields = ["name", "key"]
    prepopulated_fields = {"key": ["name"]}
    inlines = [TemplateCategoryInline, TemplateCriterionInline]
