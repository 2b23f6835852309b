"""A person's own settings: what they see, not what they may do."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .zones import is_time_zone


def validate_time_zone(value: str) -> None:
    if value and not is_time_zone(value):
        raise ValidationError(
            _("Choose a time zone from the list, such as Europe/Berlin."),
            code="time_zone",
        )


class Digest(models.TextChoices):
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly, on Mondays")
    OFF = "off", _("Off")


class Profile(models.Model):
    """One per user, made on first save; a user without one sees the
    installation's defaults."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text=_(
            "Dates and times on pages, in exports and in e-mails are shown in this "
            "zone. Empty: the installation's."
        ),
    )
    digest = models.CharField(
        _("reminder e-mails"),
        max_length=8,
        choices=Digest.choices,
        default=Digest.DAILY,
        help_text=_(
            "A digest of what is due in the next days or overdue; each item is "
            "mentioned once as it comes due and once when it is late."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Profile of {self.user.get_username()}"
