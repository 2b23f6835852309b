"""Blind scoring hides the ranking, not only the ratings (#16.6).

An evaluator who has submitted some but not all of the candidates they may score
must not learn where the others stand: no page, partial or export they can reach
shows a rank, a rank range, P(first), a sensitivity verdict, a standing, or lists
candidates in score order. The walk covers every GET route of the site-wide
permission table (`tests/routes.py`), for each candidate of the world.
"""

import dataclasses
import io
import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from scorecards.alignment.services import alignment_recompute
from scorecards.models import PlanCriterion, Scorecard
from scorecards.rating import services as rating_services
from scorecards.reports.exports import TABLES
from scorecards.setup.selectors import selection_plan
from tests.factories import CandidateFactory, CdmoFactory
from tests.routes import ROUTES, build_world

WORDS = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"\branks?\b",
        r"\branked\b",
        r"\brank_(low|high)\b",
        r"\bp\(first\)",
        r"\bp_first\b",
        # The verdict, not an anchor's "robust method transfer".
        r"\bis robust\b|\brobustly\b|>\s*robust\s*<",
        # The verdict, not the setting "Sensitivity δ" in the evaluation's history.
        r"\bsensitivity\b(?! δ)",
        r"\bdraws\b",
    )
]
# A candidate's standing on the biologics template's scale. The scale itself (a
# label followed by its range, or as stored in the history) is configuration.
STANDINGS = [
    re.compile(rf"(?<!'label': '){s}\b(?![\s\d–-]*\d)")
    for s in ("Preferred", "Acceptable", "Not recommended")
]
RANKING_HEADING = re.compile(r"<h[1-6][^>]*>\s*Ranking\b")


class _Text(HTMLParser):
    """What a reader perceives: text outside scripts and styles, and the titles and
    labels a screen reader or a tooltip speaks."""

    SPOKEN = {"title", "aria-label", "alt", "aria-description"}

    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        self.parts.extend(v for k, v in attrs if k in self.SPOKEN and v)

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def perceived(response) -> str:
    kind = response.get("Content-Type", "")
    body = b"".join(response) if response.streaming else response.content
    if "spreadsheetml" in kind:
        book = load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(
            " ".join("" if v is None else str(v) for v in row)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
        )
    if "html" in kind:
        parser = _Text()
        parser.feed(body.decode())
        return " ".join(parser.parts) + "\n" + body.decode()
    if kind.startswith(("text/", "application/json")):
        return body.decode()
    return ""  # files: PDFs (refused to evaluators while blind), redlines


def leaks(text: str, html: bool) -> list[str]:
    seen = [p.pattern for p in WORDS + STANDINGS if p.search(text)]
    if html and RANKING_HEADING.search(text):
        seen.append("Ranking heading")
    return seen


def _score(candidate, user, score):
    plan = selection_plan(candidate.evaluation)
    scorecard = Scorecard.objects.filter(
        plan=plan, candidate=candidate, evaluator=user
    ).first() or rating_services.scorecard_start(
        plan=plan, candidate=candidate, evaluator=user
    )
    for criterion in PlanCriterion.objects.filter(plan=plan).rated_from("scorecard"):
        rating_services.rating_save(
            scorecard=scorecard,
            criterion=criterion,
            score=score,
            rationale="Seen on the visit.",
            seen_version=scorecard.ratings.filter(criterion=criterion)
            .values_list("version", flat=True)
            .first(),
            by=user,
        )
    return rating_services.scorecard_submit(scorecard=scorecard, by=user)


@pytest.fixture
def blind(db):
    """The permission table's world, plus Zenith: evaluator2 has submitted Acme
    (scored 3) and Zenith (scored 5), so in score order Zenith leads Acme, while in
    name order Acme comes first; the third candidate they have not submitted."""
    world = build_world()
    evaluator2 = get_user_model().objects.get(username="evaluator2")
    zenith = CandidateFactory(
        evaluation=world.evaluation, cdmo=CdmoFactory(key="zenith", name="Zenith Bio")
    )
    _score(zenith, evaluator2, 5)
    alignment_recompute(plan_id=selection_plan(world.evaluation).pk, draws=200)
    return world, evaluator2, zenith


def _pages(world, user, candidates):
    """Every GET of the permission table the user is given (200), for each
    candidate in turn, and every export table in both formats."""
    client = Client()
    client.force_login(user)
    seen = {}
    for candidate in candidates:
        w = dataclasses.replace(world, candidate=candidate)
        for route in ROUTES:
            if route.get is None:
                continue
            url = reverse(route.name, args=route.args(w)) + route.query
            if url in seen:
                continue
            response = client.get(url)
            if response.status_code == 200:
                response.route = route.name
                seen[url] = response
    for table in TABLES:
        for fmt in ("csv", "xlsx"):
            url = reverse("report_export", args=[world.evaluation.key, table, fmt])
            response = client.get(url)
            assert response.status_code == 200, url
            response.route = "report_export"
            seen[url] = response
    return seen


def test_an_evaluator_who_has_not_submitted_every_candidate_sees_no_ranking(blind):
    world, evaluator2, zenith = blind
    pages = _pages(world, evaluator2, [world.candidate, zenith, world.conflicted])
    assert reverse("dashboard", args=[world.evaluation.key]) in pages
    problems = {}
    order = {}
    for url, response in pages.items():
        text = perceived(response)
        found = leaks(text, "html" in response.get("Content-Type", ""))
        if found:
            problems[url] = found
        if "history" in response.route:
            continue  # changes, newest first: Zenith's are the newest
        acme, zen = text.find("Acme Biologics"), text.find("Zenith Bio")
        if acme >= 0 and zen >= 0 and zen < acme:
            order[url] = "Zenith (higher score) listed before Acme"
    assert problems == {}
    assert order == {}
    # The team's scores of the submitted candidates are there, by name.
    dashboard = perceived(pages[reverse("dashboard", args=[world.evaluation.key])])
    assert "Acme Biologics" in dashboard and "Zenith Bio" in dashboard
    assert "Scoring is blind" in dashboard


def test_the_same_walk_finds_the_ranking_once_every_candidate_is_submitted(blind):
    """The walk can fail: the lead sees ranks, and so does evaluator2 once the last
    candidate they may score is submitted."""
    world, evaluator2, zenith = blind
    key = world.evaluation.key
    for user in (world.users["lead"], None):
        if user is None:
            _score(world.conflicted, evaluator2, 2)
            alignment_recompute(plan_id=selection_plan(world.evaluation).pk, draws=200)
            user = evaluator2
        client = Client()
        client.force_login(user)
        dashboard = client.get(reverse("dashboard", args=[key]))
        assert leaks(perceived(dashboard), html=True), user
        ranking = perceived(
            client.get(reverse("report_export", args=[key, "ranking", "csv"]))
        )
        assert "p_first" in ranking
        assert ranking.find("Zenith Bio") < ranking.find("Acme Biologics")
        alignment = perceived(
            client.get(reverse("candidate_alignment", args=[zenith.pk]))
        )
        assert re.search(r"\bRank\b", alignment)
