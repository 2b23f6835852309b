"""Reads of a person's own settings."""

from django.conf import settings

from .models import Profile


def time_zone_of(user) -> str:
    """The zone ``user`` reads dates in: theirs, or the installation's."""
    chosen = (
        Profile.objects.filter(user=user).values_list("time_zone", flat=True).first()
    )
    return chosen or settings.TIME_ZONE
