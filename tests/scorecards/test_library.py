"""The criteria library: the default that ships, admin validation, snapshots."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from partners.models import Evaluation
from scorecards.models import (
    Category,
    Criterion,
    Kind,
    PlanCategory,
    PlanCriterion,
    StandingScale,
    Template,
)
from scorecards.scoring import KNOWN_SIGNALS
from scorecards.setup import services as setup_services
from scorecards.setup.selectors import selection_plan
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DEFAULT_WEIGHTS = {
    "quality": 20,
    "technical": 15,
    "capacity": 10,
    "tech_transfer": 10,
    "communication": 10,
    "culture": 15,
    "negotiation": 10,
    "commercial": 5,
    "supply": 5,
}


def test_default_library_has_the_categories_and_weights_of_the_issue():
    assert dict(Category.objects.values_list("key", "weight")) == DEFAULT_WEIGHTS
    biologics = Template.objects.get(key="biologics")
    assert {tc.category.key: tc.weight for tc in biologics.categories.all()} == (
        DEFAULT_WEIGHTS
    )
    assert Template.objects.filter(key="small-molecule").exists()


def test_every_rated_criterion_has_five_anchors_and_derived_ones_a_known_signal():
    rated = Criterion.objects.filter(kind=Kind.RATED).prefetch_related("anchors")
    assert rated.count() >= 20
    for criterion in rated:
        assert [a.value for a in criterion.anchors.all()] == [1, 2, 3, 4, 5], criterion
        assert all(a.text for a in criterion.anchors.all())
    derived = Criterion.objects.filter(kind=Kind.DERIVED)
    assert {c.signal for c in derived} == set(KNOWN_SIGNALS)
    for criterion in Criterion.objects.all():
        criterion.full_clean()


def test_negotiation_criteria_are_derived_and_culture_has_its_five():
    negotiation = Criterion.objects.filter(category__key="negotiation")
    assert {c.kind for c in negotiation} == {Kind.DERIVED}
    assert set(
        Criterion.objects.filter(category__key="culture").values_list("key", flat=True)
    ) == {
        "articulated_culture",
        "patient_focus",
        "openness",
        "empowered_team",
        "no_overpromising",
    }


@pytest.mark.parametrize(
    "changes, field, message",
    [
        (
            {"kind": "derived", "signal": "coffee_breaks"},
            "signal",
            "not a valid choice",
        ),
        (
            {
                "kind": "derived",
                "signal": "median_response_days",
                "curve": [[5, 0], [2, 100]],
            },
            "curve",
            "x must increase",
        ),
        (
            {
                "kind": "derived",
                "signal": "median_response_days",
                "curve": [[2, 0], [2, 100]],
            },
            "curve",
            "appears twice",
        ),
        ({"weight": 0}, "weight", "greater than or equal to 1"),
        ({"sources": []}, "sources", "at least one source"),
        ({"sources": ["scorecard", "gossip"]}, "sources", "is not a source"),
        ({"sources": ["scorecard", "scorecard"]}, "sources", "listed twice"),
        (
            {"kind": "derived", "signal": "median_response_days", "curve": [[1, 0]]},
            "sources",
            "has no sources",
        ),
    ],
)
def test_criterion_validation_names_the_field(changes, field, message):
    criterion = Criterion.objects.get(key="transparency")
    for name, value in changes.items():
        setattr(criterion, name, value)
    with pytest.raises(ValidationError) as exc:
        criterion.full_clean()
    assert message in " ".join(exc.value.message_dict[field])


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def _inline(prefix, rows, extra=None):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{k}": v for k, v in row.items()})
    return data


def test_admin_refuses_overlapping_or_gapped_bands(admin_client):
    url = reverse("admin:scorecards_standingscale_add")
    overlapping = _inline(
        "bands",
        [
            {"label": "Preferred", "low": "70", "high": "100"},
            {"label": "Acceptable", "low": "50", "high": "80"},
            {"label": "Not recommended", "low": "0", "high": "50"},
        ],
    )
    response = admin_client.post(url, {"name": "Strict", **overlapping})
    assert response.status_code == 200
    assert "overlap" in response.content.decode()
    gapped = _inline(
        "bands",
        [
            {"label": "Preferred", "low": "80", "high": "100"},
            {"label": "Not recommended", "low": "0", "high": "60"},
        ],
    )
    response = admin_client.post(url, {"name": "Strict", **gapped})
    assert "have no band" in response.content.decode()
    assert not StandingScale.objects.filter(name="Strict").exists()


def test_admin_refuses_a_template_without_criteria(admin_client):
    scale = StandingScale.objects.first()
    data = {
        "key": "empty",
        "name": "Empty",
        "standing_scale": scale.pk,
        "active": "on",
        **_inline(
            "categories",
            [{"category": Category.objects.get(key="quality").pk, "weight": "10"}],
        ),
        **_inline("criteria", []),
    }
    response = admin_client.post(reverse("admin:scorecards_template_add"), data)
    assert "A template needs at least one criterion." in response.content.decode()
    assert not Template.objects.filter(key="empty").exists()


def test_admin_refuses_a_category_weight_of_zero(admin_client):
    category = Category.objects.get(key="supply")
    response = admin_client.post(
        reverse("admin:scorecards_category_change", args=[category.pk]),
        {"key": "supply", "name": category.name, "weight": "0", "order": "9"},
    )
    assert "greater than or equal to 1" in response.content.decode()
    category.refresh_from_db()
    assert category.weight == 5


def test_admin_library_pages_open(admin_client):
    for name in ("category", "criterion", "template", "standingscale"):
        assert (
            admin_client.get(reverse(f"admin:scorecards_{name}_changelist")).status_code
            == 200
        )
    criterion = Criterion.objects.get(key="inspection_history")
    page = admin_client.get(
        reverse("admin:scorecards_criterion_change", args=[criterion.pk])
    )
    assert page.status_code == 200
    assert "Open warning letter" in page.content.decode()


def test_snapshot_is_frozen_against_later_library_edits(evaluation, member):
    lead = member("lead")
    setup_services.evaluation_snapshot(
        evaluation=evaluation, template=Template.objects.get(key="biologics"), by=lead
    )
    Category.objects.filter(key="quality").update(weight=99, name="Changed")
    Criterion.objects.filter(key="inspection_history").update(weight=9)
    quality = PlanCategory.objects.get(plan__evaluation=evaluation, key="quality")
    assert (quality.weight, quality.name) == (20, "Quality & regulatory track record")
    inspection = PlanCriterion.objects.get(
        plan__evaluation=evaluation, key="inspection_history"
    )
    assert inspection.weight == 3
    assert inspection.anchors["1"].startswith("Open warning letter")
    with pytest.raises(ValidationError):
        setup_services.evaluation_snapshot(
            evaluation=evaluation,
            template=Template.objects.get(key="biologics"),
            by=lead,
        )


def test_lead_chooses_the_template_in_the_browser(evaluation, member, as_user):
    lead = member("lead")
    template = Template.objects.get(key="small-molecule")
    response = as_user(lead).post(
        reverse("criteria_snapshot", args=[evaluation.key]), {"template": template.pk}
    )
    assert response.status_code == 302
    page = (
        as_user(lead).get(reverse("criteria", args=[evaluation.key])).content.decode()
    )
    assert "Small-molecule API" in page
    assert (
        PlanCategory.objects.get(plan__evaluation=evaluation, key="capacity").weight
        == 15
    )


@pytest.mark.parametrize("role, status", [("evaluator", 403), ("observer", 403)])
def test_only_the_lead_snapshots_or_changes_weights(
    evaluation, member, as_user, role, status
):
    client = as_user(member(role))
    template = Template.objects.get(key="biologics")
    url = reverse("criteria_snapshot", args=[evaluation.key])
    assert client.post(url, {"template": template.pk}).status_code == status
    assert client.get(reverse("weights", args=[evaluation.key])).status_code == status


def test_strangers_get_404_on_criteria_pages(evaluation, stranger, as_user):
    client = as_user(stranger)
    for name in ("criteria", "weights", "scoring", "conflicts"):
        assert client.get(reverse(name, args=[evaluation.key])).status_code == 404


def test_lead_adjusts_weights_before_scoring_opens(evaluation, member, as_user):
    lead = member("lead")
    setup_services.evaluation_snapshot(
        evaluation=evaluation, template=Template.objects.get(key="biologics"), by=lead
    )
    client = as_user(lead)
    page = client.get(reverse("weights", args=[evaluation.key]))
    form = page.context["form"]
    data = {
        name: field.initial for name, field in form.fields.items() if name != "reason"
    }
    culture = PlanCategory.objects.get(plan__evaluation=evaluation, key="culture")
    data[f"cat-{culture.pk}"] = 25
    # no reason: refused, nothing saved, the typed weight kept
    response = client.post(reverse("weights", args=[evaluation.key]), data)
    assert response.status_code == 400
    assert 'value="25"' in response.content.decode()
    culture.refresh_from_db()
    assert culture.weight == 15
    data["reason"] = "Culture matters more for a decade-long partnership."
    assert (
        client.post(reverse("weights", args=[evaluation.key]), data).status_code == 302
    )
    culture.refresh_from_db()
    assert culture.weight == 25
    # once scoring opens, criterion weights are frozen
    setup_services.scoring_open(evaluation=evaluation, by=lead)
    evaluation.refresh_from_db()
    assert evaluation.status == Evaluation.Status.SCORING
    criterion = PlanCriterion.objects.filter(plan__evaluation=evaluation).first()
    with pytest.raises(ValidationError):
        setup_services.weights_save(
            plan=selection_plan(evaluation),
            category_weights={},
            criterion_weights={criterion.pk: 5},
            reason="late",
            by=lead,
        )


def test_a_library_criterion_shows_which_evaluations_use_it(db, client):
    from django.contrib.auth import get_user_model

    from scorecards.models import Criterion, Template
    from scorecards.setup import services as setup_services
    from tests.factories import EvaluationFactory

    admin_user = get_user_model().objects.create_superuser("root", password="x" * 12)
    evaluation = EvaluationFactory(name="ABX drug substance")
    setup_services.evaluation_snapshot(
        evaluation=evaluation,
        template=Template.objects.get(key="biologics"),
        by=admin_user,
    )
    used = Criterion.objects.filter(
        key__in=evaluation.plans.get().criteria.values("key")
    ).first()
    client.force_login(admin_user)
    page = client.get(
        reverse("admin:scorecards_criterion_change", args=[used.pk])
    ).content.decode()
    assert "Evaluations using it" in page
    assert "ABX drug substance (each keeps its own copy" in page


# --- the curve of a derived criterion, edited as points -----------------------------


def _curve_data(form, rows):
    data = {
        name: value
        for name, value in form.initial.items()
        if name not in ("curve", "sources")
    }
    data["category"] = form.instance.category_id
    for i, (x, y) in enumerate(rows):
        data[f"curve_{2 * i}"], data[f"curve_{2 * i + 1}"] = x, y
    return data


def test_the_admin_shows_a_derived_criterions_curve_as_points_with_a_preview(
    admin_client,
):
    criterion = Criterion.objects.get(signal="median_response_days")
    html = admin_client.get(
        reverse("admin:scorecards_criterion_change", args=[criterion.pk])
    ).content.decode()
    x, y = criterion.curve[0]
    assert f'name="curve_0" value="{x:g}"' in html
    assert f'name="curve_1" value="{y:g}"' in html
    assert 'aria-label="Point 1: signal value"' in html
    assert '<svg class="curve-preview"' in html
    points = ", ".join(f"{a:g} → {b:g}" for a, b in criterion.curve)
    assert f"Curve: signal value → score: {points}" in html
    assert "[[" not in html.split('id="id_curve')[1][:2000]  # no raw JSON


def test_curve_points_are_saved_in_order_and_empty_rows_left_out():
    from scorecards.library.admin import CriterionForm

    criterion = Criterion.objects.get(signal="median_response_days")
    form = CriterionForm(instance=criterion)
    data = _curve_data(form, [("1", "100"), ("", ""), ("4.5", "60"), ("12", "0")])
    form = CriterionForm(data, instance=criterion)
    assert form.is_valid(), form.errors
    assert form.save().curve == [[1, 100], [4.5, 60], [12, 0]]


@pytest.mark.parametrize(
    "rows, message",
    [
        ([("1", "100"), ("3", "")], "Point 2 needs both a signal value and a score."),
        ([("5", "0"), ("2", "100")], "x must increase"),
        ([("2", "0"), ("2", "100")], "appears twice"),
        ([("2", "0"), ("4", "150")], "outside 0-100"),
        ([("2", "0")], "at least two points"),
    ],
)
def test_a_wrong_curve_is_refused_next_to_it_and_keeps_what_was_typed(rows, message):
    from scorecards.library.admin import CriterionForm

    criterion = Criterion.objects.get(signal="median_response_days")
    before = list(criterion.curve)
    form = CriterionForm(
        _curve_data(CriterionForm(instance=criterion), rows), instance=criterion
    )
    assert not form.is_valid()
    assert message in " ".join(form.errors["curve"])
    html = str(form["curve"])
    assert f'name="curve_0" value="{rows[0][0]}"' in html
    criterion.refresh_from_db()
    assert criterion.curve == before
