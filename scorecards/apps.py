from django.apps import AppConfig


class ScorecardsConfig(AppConfig):
    name = "scorecards"

    def ready(self) -> None:
        from partners.events import inputs_changed

        from . import tasks  # noqa: F401 - registers the tasks `enqueue` names
        from .panels import register_panels
        from .receivers import queue_recompute

        inputs_changed.connect(queue_recompute, dispatch_uid="scorecards.recompute")
        register_panels()
