"""A criterion names the sources that may rate it in one field (``sources``), instead
of one boolean per source: evidence kinds are named once (partners.evidence)."""

from django.db import migrations, models

FLAGS = (
    ("scorecard", "by_scorecard"),
    ("interview", "by_interview"),
    ("site_visit", "by_site_visit"),
)


def to_sources(apps, schema_editor):
    for name in ("Criterion", "EvaluationCriterion"):
        model = apps.get_model("scorecards", name)
        for criterion in model.objects.all():
            criterion.sources = (
                [source for source, flag in FLAGS if getattr(criterion, flag)]
                if criterion.kind == "rated"
                else []
            )
            criterion.save(update_fields=["sources"])


def to_flags(apps, schema_editor):
    for name in ("Criterion", "EvaluationCriterion"):
        model = apps.get_model("scorecards", name)
        for criterion in model.objects.all():
            for source, flag in FLAGS:
                setattr(criterion, flag, source in criterion.sources)
            criterion.save(update_fields=[flag for _s, flag in FLAGS])


SOURCES = models.JSONField(
    blank=True,
    default=list,
    help_text=(
        "Who may rate it: scorecard, and the kinds of evidence that rate "
        "(interview, site_visit). Empty for derived criteria."
    ),
    verbose_name="rated from",
)


class Migration(migrations.Migration):
    dependencies = [("scorecards", "0005_attributed_recomputes")]

    operations = [
        migrations.AddField("criterion", "sources", SOURCES),
        migrations.AddField("evaluationcriterion", "sources", SOURCES.clone()),
        migrations.RunPython(to_sources, to_flags),
        *(
            migrations.RemoveField(model, flag)
            for model in ("criterion", "evaluationcriterion")
            for _source, flag in FLAGS
        ),
    ]
