from django.apps import AppConfig


class ScorecardsConfig(AppConfig):
    name = "scorecards"

    def ready(self) -> None:
        from partners.events import evaluation_created, inputs_changed

        from . import (
            audited,
            tasks,  # noqa: F401 - registers the tasks `enqueue` names
        )
        from .panels import register_panels
        from .receivers import create_selection_plan, queue_recompute

        inputs_changed.connect(queue_recompute, dispatch_uid="scorecards.recompute")
        evaluation_created.connect(
            create_selection_plan, dispatch_uid="scorecards.selection_plan"
        )
        register_panels()
        audited.register()
