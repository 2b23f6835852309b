"""Show every page in the signed-in person's time zone."""

import zoneinfo

from django.utils import timezone

SESSION_KEY = "accounts_time_zone"
"""The zone in the session: read at sign-in and on a profile change, so a page
costs no query for it."""


class TimeZoneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        name = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
        if name:
            try:
                timezone.activate(zoneinfo.ZoneInfo(name))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


def remember_time_zone(request, name: str) -> None:
    request.session[SESSION_KEY] = name
