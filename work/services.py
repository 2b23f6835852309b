"""Writes of `work`: reminder digests, and the read marker of "My work"."""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Digest, Profile
from cdmo_eval.service import service

from .models import Reminder, WorkSeen
from .selectors import all_items, my_work

log = logging.getLogger(__name__)

HORIZON = {Digest.DAILY: dt.timedelta(days=3), Digest.WEEKLY: dt.timedelta(days=7)}
"""How far ahead a digest looks: what is due within it is "due soon"."""


@service
def work_seen(*, user, at: dt.datetime | None = None) -> WorkSeen:
    """Mark what waits for ``user`` as seen (they opened "My work")."""
    seen, _created = WorkSeen.objects.update_or_create(
        user=user, defaults={"seen_at": at or timezone.now()}
    )
    return seen


def _claim(user, item: str, threshold: str) -> Reminder | None:
    """The right to mention ``item`` at ``threshold`` to ``user``: the unique key
    makes a second claim (another worker, a rerun) fail. None when taken."""
    try:
        with transaction.atomic():
            return Reminder.objects.create(user=user, item=item, threshold=threshold)
    except IntegrityError:
        return None


@service
def reminders_send(*, today: dt.date | None = None) -> int:
    """E-mail each member their digest of what is due soon or overdue: daily, or on
    Mondays for those who chose weekly, never for those who turned it off. Each
    item is mentioned once as it comes due and once when it is late; a digest that
    could not be sent gives its claims back, so the next run tries again. Returns
    the number of e-mails sent."""
    today = today or timezone.localdate()
    users = (
        get_user_model()
        .objects.filter(is_active=True, memberships__isnull=False)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )
    chosen = {
        user_id: (zone, digest)
        for user_id, zone, digest in Profile.objects.filter(user__in=users).values_list(
            "user_id", "time_zone", "digest"
        )
    }
    sent = 0
    for user in users:
        zone, digest = chosen.get(user.pk, ("", Digest.DAILY))
        if digest == Digest.OFF or (digest == Digest.WEEKLY and today.weekday() != 0):
            continue
        with timezone.override(zoneinfo.ZoneInfo(zone or settings.TIME_ZONE)):
            sent += _send_digest(user, today, today + HORIZON[digest])
    return sent


def _send_digest(user, today: dt.date, horizon: dt.date) -> int:
    lines, claims = [], []
    for evaluation, item in all_items(my_work(user, today=today)):
        if item.due is None or item.due > horizon:
            continue
        overdue = item.is_overdue(today)
        threshold = Reminder.Threshold.OVERDUE if overdue else Reminder.Threshold.SOON
        claim = _claim(user, item.key, threshold)
        if claim is None:
            continue
        claims.append(claim)
        lines.append((evaluation, item, overdue))
    if not lines:
        return 0
    overdue = sum(1 for _e, _i, late in lines if late)
    subject = ngettext(
        "%(n)d item due soon or overdue", "%(n)d items due soon or overdue", len(lines)
    ) % {"n": len(lines)}
    if overdue:
        subject += " " + _("(%(n)d overdue)") % {"n": overdue}
    base = settings.SITE_URL.rstrip("/")
    try:
        send_mail(
            subject=subject,
            message=render_to_string(
                "work/email/digest.txt",
                {
                    "user": user,
                    "lines": [
                        (evaluation, item, late, base + item.url)
                        for evaluation, item, late in lines
                    ],
                    "today": today,
                    "home": base + reverse("my_work"),
                    "profile": base + reverse("profile"),
                },
            ),
            from_email=None,
            recipient_list=[user.email],
        )
    except Exception:
        log.exception("Reminder digest for user %s not sent", user.pk)
        for claim in claims:
            claim.delete()
        return 0
    return 1
