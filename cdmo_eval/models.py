"""The record base every app's evidence and negotiation records share."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Record(models.Model):
    """Who created a record and when, and when it last changed.

    The services set ``created_by`` (the acting user, or for imported history the
    importing user); the database keeps the times. Every change itself, with its
    old and new values, is in the audit trail.
    """

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


def exactly_one_of(fields: list[str]) -> Q:
    """A check that exactly one of these foreign keys is set."""
    condition = Q()
    for chosen in fields:
        condition |= Q(
            **{f"{f}__isnull": f != chosen for f in fields},
        )
    return condition
