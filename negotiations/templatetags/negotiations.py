"""Template filters for negotiation pages and reports: how signals read on a page.
They format values already computed; none of them touches the database."""

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from ..signals import HEALTHY_AMENDMENT_ROUNDS, USUAL_MONTHS_TO_SIGNATURE

register = template.Library()

# The thresholds pages and reports state in words, from where they are defined.
RULES = {
    "healthy_rounds": HEALTHY_AMENDMENT_ROUNDS,
    "usual_months_low": USUAL_MONTHS_TO_SIGNATURE[0],
    "usual_months_high": USUAL_MONTHS_TO_SIGNATURE[1],
}

# How each signal reads on a page; shares are shown as percentages.
_FORMATS = {
    "median_response_days": 1,
    "overdue_request_share": "percent",
    "max_amendment_rounds": 0,
    "median_reviewers_per_round": 1,
    "median_decision_days": 1,
    "months_to_signature": 1,
}

# A slope smaller than this (days per request) reads as steady.
STEADY = 0.25


@register.filter
def percent(value) -> str:
    if value is None or value == "":
        return "—"
    return f"{number_format(round(float(value) * 100), 0)} %"


@register.filter
def signal(signals: dict, name: str) -> str:
    """A signal's value formatted for a page, "—" when it has no value."""
    value = signals.get(name)
    if value is None:
        return "—"
    decimals = _FORMATS.get(name, 1)
    if decimals == "percent":
        return percent(value)
    # number_format cuts extra decimals off; round first so 8.77 reads 8.8.
    return number_format(round(value, decimals), decimals)


@register.filter
def trend_text(slope) -> str:
    """Plain words for the response trend (positive slope: answers slowing down)."""
    if slope is None or slope == "":
        return _("too few requests to tell")
    if slope > STEADY:
        return _("getting slower (+%(n)s days per request)") % {
            "n": number_format(round(slope, 1), 1)
        }
    if slope < -STEADY:
        return _("getting faster (%(n)s days per request)") % {
            "n": number_format(round(slope, 1), 1)
        }
    return _("steady")


@register.simple_tag
def rule(name: str) -> int:
    """A negotiation threshold by name: ``{% rule "healthy_rounds" as n %}``."""
    return RULES[name]
