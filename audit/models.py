"""The audit trail: one append-only table of every change to a tracked record.

An entry says who (``actor``), what (content type, id and a readable name of the
record — no foreign key to it, so deleting a record never touches its history),
which fields with their old and new values (``changes``), when (``timestamp``,
UTC), why (``reason``), and which request or job did it (``cid``:
``req-…``/``job-…``). ``evaluation_id`` and ``candidate_id`` say whose history it
belongs to, for the history pages and their access rules.

Rows are never updated or deleted: triggers refuse it in the database (migration
0002), the admin offers neither, and no command or service does.
"""

from auditlog.models import AbstractLogEntry, LogEntryManager
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import context
from .registry import describe, scope_of


class AuditManager(LogEntryManager):
    def log_create(self, instance, force_log: bool = False, **kwargs):
        kwargs.setdefault("object_repr", describe(instance))
        evaluation_id, candidate_id = scope_of(instance)
        kwargs.setdefault("evaluation_id", evaluation_id)
        kwargs.setdefault("candidate_id", candidate_id)
        return super().log_create(instance, force_log=force_log, **kwargs)

    def log_m2m_changes(self, changed_queryset, instance, operation, field_name, **kw):
        """As auditlog's, with each related record named as the trail names it
        (a contact by its key, never by name: `registry.describe`)."""
        if not changed_queryset:
            return None
        names = [describe(obj) for obj in changed_queryset]
        return self.log_create(
            instance,
            action=AuditEntry.Action.UPDATE,
            changes={
                field_name: {"type": "m2m", "operation": operation, "objects": names}
            },
            force_log=True,
            **kw,
        )


class AuditEntry(AbstractLogEntry):
    # Accounts are deactivated, never deleted, while their trail exists; and a
    # content type with history stays.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        blank=True,
        null=True,
        related_name="+",
        verbose_name=_("who"),
    )
    content_type = models.ForeignKey(
        "contenttypes.ContentType",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("kind of record"),
    )
    reason = models.TextField(_("reason"), blank=True)
    evaluation_id = models.PositiveIntegerField(null=True, blank=True, db_index=True)
    candidate_id = models.PositiveIntegerField(null=True, blank=True, db_index=True)

    objects = AuditManager()

    class Meta(AbstractLogEntry.Meta):
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["-timestamp", "-pk"]
        indexes = [models.Index(fields=["evaluation_id", "timestamp"])]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Audit entries are append-only.")
        context.fill(self)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit entries are append-only.")
