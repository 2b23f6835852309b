from django.apps import AppConfig


class WorkConfig(AppConfig):
    name = "work"
    verbose_name = "My work and reminders"

    def ready(self) -> None:
        from . import audited

        audited.register()
