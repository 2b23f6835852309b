from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = "Partners and evaluations"

    def ready(self) -> None:
        from .audited import register

        register()
