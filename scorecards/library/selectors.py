"""Reads of the criteria library."""

from ..models import Template

DEFAULT_TEMPLATE = "biologics"
"""The template of the default library (`library.default`)."""


def default_bands() -> list[dict]:
    """The standing bands of the default template, for evaluations that state
    none (BUNDLE.md bands are optional)."""
    template = (
        Template.objects.filter(key=DEFAULT_TEMPLATE)
        .select_related("standing_scale")
        .first()
    )
    return template.standing_scale.as_bands() if template else []
