from django.apps import AppConfig


class NegotiationsConfig(AppConfig):
    name = "negotiations"

    def ready(self) -> None:
        from . import audited
        from .panels import register_panels

        register_panels()
        audited.register()
