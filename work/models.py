"""What a person was reminded of, and when they last looked at their work."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Reminder(models.Model):
    """One item mentioned in one person's digest at one threshold ("soon" or
    "overdue"): the unique key is the claim that makes each reminder go once."""

    class Threshold(models.TextChoices):
        SOON = "soon", _("Due soon")
        OVERDUE = "overdue", _("Overdue")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    item = models.CharField(_("item"), max_length=80)
    threshold = models.CharField(max_length=8, choices=Threshold.choices)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "item", "threshold"], name="reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.item} ({self.threshold})"


class WorkSeen(models.Model):
    """When a person last opened "My work": what came due or ready after it is
    counted in the navigation bar. A read marker, not a record."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.user} saw their work at {self.seen_at}"
