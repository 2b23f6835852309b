"""Writes for a person's own settings."""

from django.db import transaction

from cdmo_eval.service import service

from .models import Profile


@service
@transaction.atomic
def profile_update(*, user, by, **fields) -> Profile:
    """Change ``user``'s own settings (today: their time zone). Checked as the form
    checks them; nothing is saved when one is refused."""
    profile = Profile.objects.select_for_update().filter(user=user).first()
    if profile is None:
        profile = Profile(user=user)  # made by its first change: one audit entry
    for name, value in fields.items():
        setattr(profile, name, value)
    profile.full_clean(exclude=["user"])
    profile.save()
    return profile
