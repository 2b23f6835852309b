"""The negotiations section of the candidate page (a `partners.panels` panel)."""

from django.utils.translation import gettext_lazy as _

from partners.panels import Panel, register

from . import selectors


def _candidate_section(request, candidate) -> dict:
    return {"candidate": candidate, **selectors.candidate_summary(candidate)}


def register_panels() -> None:
    register(
        Panel(
            slot="candidate.sections",
            template="negotiations/_candidate_section.html",
            build=_candidate_section,
            order=50,
            nav_label=_("Negotiations"),
            anchor="negotiations",
        )
    )
