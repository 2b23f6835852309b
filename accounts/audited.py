"""What of `accounts` the audit trail records."""

from audit.registry import track

from .models import Profile


def register() -> None:
    track(Profile)
