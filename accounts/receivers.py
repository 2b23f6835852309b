"""Read a person's time zone into their session when they sign in."""

from django.contrib.auth.signals import user_logged_in


def _on_login(sender, request, user, **kwargs) -> None:
    from .middleware import remember_time_zone
    from .selectors import time_zone_of

    if request is not None and hasattr(request, "session"):
        remember_time_zone(request, time_zone_of(user))


def connect() -> None:
    user_logged_in.connect(_on_login, dispatch_uid="accounts.time_zone")
