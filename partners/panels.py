"""Panels: how other apps add their part to a `partners` page.

`partners` may not import `negotiations` or `scorecards`, yet its candidate,
evaluation and evidence pages show their data (a report request, the negotiation
summary, the ratings an interview gives). Each of those apps registers a `Panel`
for a slot in its ``AppConfig.ready()``; the `partners` view asks `render_slot`
for the panels of its page and the template prints them where the slot is.

A panel's ``build`` runs in the view, never in the template: it checks what the
viewer may see through its own app's access rules, reads what it shows (a fixed
number of queries), and returns the template context, or None to show nothing.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

# The slots partners pages offer, and the object each one's panels receive.
SLOTS = {
    "evaluation_list.actions": "the user's evaluations, each with ``my_role``",
    "evaluation.sections": "the evaluation (membership attached)",
    "candidate.actions": "the candidate (its evaluation's membership attached)",
    "candidate.sections": "the candidate",
    "evidence.sections": "an interview or a site visit",
    "candidate_list.row_actions": (
        "the candidates of a list page (a row slot: build returns a context per "
        "candidate id, read in a fixed number of queries for the whole page)"
    ),
}


@dataclass(frozen=True)
class Panel:
    slot: str
    template: str
    build: Callable[[HttpRequest, object], dict | None]
    order: int = 100
    nav_label: str = ""
    """Set for a section the page's section navigation should link to."""
    anchor: str = ""


@dataclass(frozen=True)
class Rendered:
    html: SafeString
    nav_label: str
    anchor: str

    def __str__(self) -> str:
        return self.html


_registry: dict[str, list[Panel]] = defaultdict(list)


def register(panel: Panel) -> None:
    """Add a panel to its slot (from ``AppConfig.ready()``); idempotent."""
    if panel.slot not in SLOTS:
        raise ValueError(f"unknown panel slot {panel.slot!r}")
    panels = _registry[panel.slot]
    if panel not in panels:
        panels.append(panel)
        panels.sort(key=lambda p: p.order)


def render_slot(slot: str, request: HttpRequest, obj=None) -> list[Rendered]:
    """The slot's panels for this request, rendered, in order; panels whose
    ``build`` returns None (nothing to show, or nothing this viewer may see) are
    left out."""
    out = []
    for panel in _registry.get(slot, ()):
        context = panel.build(request, obj)
        if context is None:
            continue
        html = render_to_string(panel.template, context, request=request)
        out.append(Rendered(html, str(panel.nav_label), panel.anchor))
    return out


def render_rows(slot: str, request: HttpRequest, objs) -> dict[int, list[SafeString]]:
    """A row slot's panels for each of ``objs``: their ``build`` is called once
    with all of them and returns {pk: context} for the rows it adds to."""
    out: dict[int, list[SafeString]] = defaultdict(list)
    objs = list(objs)
    for panel in _registry.get(slot, ()):
        for pk, context in (panel.build(request, objs) or {}).items():
            out[pk].append(render_to_string(panel.template, context, request=request))
    return out
