from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit trail"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from cdmo_eval.service import OBSERVERS

        from . import receivers  # noqa: F401
        from .context import attributed

        if attributed not in OBSERVERS:
            OBSERVERS.append(attributed)
