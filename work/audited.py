"""What of `work` the audit trail records: the reminders sent."""

from audit.registry import track

from .models import Reminder


def register() -> None:
    track(Reminder)
