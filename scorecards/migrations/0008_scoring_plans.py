"""Scoring plans: the snapshot of criteria and weights that scorecards are scored
against becomes a plan an evaluation owns (its partner selection), so a
partnership review can own one too. Categories, criteria, scorecards, conflict
declarations and computed results move from the evaluation to its plan."""

import django.db.models.deletion
from django.db import migrations, models

MOVED = (
    "evaluationcategory",
    "evaluationcriterion",
    "conflictdeclaration",
    "scorecard",
    "alignmentstate",
    "alignmentrun",
)


def to_plans(apps, schema_editor):
    Evaluation = apps.get_model("partners", "Evaluation")
    Plan = apps.get_model("scorecards", "ScoringPlan")
    Setup = apps.get_model("scorecards", "EvaluationSetup")
    setups = {s.evaluation_id: s for s in Setup.objects.all()}
    plans = {}
    for evaluation in Evaluation.objects.all():
        setup = setups.get(evaluation.pk)
        plans[evaluation.pk] = Plan.objects.create(
            evaluation=evaluation,
            purpose="selection",
            template_name=setup.template_name if setup else "",
            bands=setup.bands if setup else [],
            snapshot_at=setup.snapshot_at if setup else None,
        )
    for name in MOVED:
        model = apps.get_model("scorecards", name)
        for evaluation_id, plan in plans.items():
            model.objects.filter(evaluation_id=evaluation_id).update(plan=plan)


def to_evaluations(apps, schema_editor):
    Plan = apps.get_model("scorecards", "ScoringPlan")
    Setup = apps.get_model("scorecards", "EvaluationSetup")
    for plan in Plan.objects.filter(purpose="selection"):
        if plan.snapshot_at is not None:
            Setup.objects.create(
                evaluation_id=plan.evaluation_id,
                template_name=plan.template_name,
                bands=plan.bands,
            )
        for name in MOVED:
            model = apps.get_model("scorecards", name)
            model.objects.filter(plan=plan).update(evaluation_id=plan.evaluation_id)


def plan_field(related_name, null=True):
    return models.ForeignKey(
        null=null,
        on_delete=django.db.models.deletion.CASCADE,
        related_name=related_name,
        to="scorecards.scoringplan",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0005_evidence_links"),
        ("scorecards", "0007_evidence_links"),
    ]

    operations = [
        migrations.CreateModel(
            name="ScoringPlan",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                (
                    "purpose",
                    models.CharField(
                        choices=[
                            ("selection", "Partner selection"),
                            ("review", "Partnership review"),
                        ],
                        default="selection",
                        max_length=10,
                        verbose_name="purpose",
                    ),
                ),
                (
                    "template_name",
                    models.CharField(
                        blank=True, max_length=200, verbose_name="template"
                    ),
                ),
                (
                    "bands",
                    models.JSONField(default=list, verbose_name="standing bands"),
                ),
                (
                    "snapshot_at",
                    models.DateTimeField(
                        blank=True, null=True, verbose_name="snapshot taken"
                    ),
                ),
                (
                    "evaluation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="plans",
                        to="partners.evaluation",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("purpose", "selection")),
                        fields=("evaluation",),
                        name="plan_one_selection",
                    )
                ]
            },
        ),
        migrations.AddField("evaluationcategory", "plan", plan_field("categories")),
        migrations.AddField("evaluationcriterion", "plan", plan_field("criteria")),
        migrations.AddField("conflictdeclaration", "plan", plan_field("conflicts")),
        migrations.AddField("scorecard", "plan", plan_field("scorecards")),
        migrations.AddField(
            "alignmentstate",
            "plan",
            models.OneToOneField(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="alignment_state",
                to="scorecards.scoringplan",
            ),
        ),
        migrations.AddField("alignmentrun", "plan", plan_field("alignment_runs")),
        migrations.RunPython(to_plans, to_evaluations),
        migrations.RemoveConstraint("evaluationcategory", "evaluation_category_unique"),
        migrations.RemoveConstraint(
            "evaluationcriterion", "evaluation_criterion_unique"
        ),
        migrations.RemoveConstraint("conflictdeclaration", "conflict_unique_candidate"),
        migrations.RemoveConstraint("conflictdeclaration", "conflict_unique_none"),
        migrations.RemoveConstraint("scorecard", "scorecard_unique_evaluator"),
        migrations.RemoveIndex("alignmentrun", "scorecards__evaluat_f226d3_idx"),
        *(migrations.RemoveField(name, "evaluation") for name in MOVED),
        migrations.AlterField(
            "evaluationcategory", "plan", plan_field("categories", null=False)
        ),
        migrations.AlterField(
            "evaluationcriterion", "plan", plan_field("criteria", null=False)
        ),
        migrations.AlterField(
            "conflictdeclaration", "plan", plan_field("conflicts", null=False)
        ),
        migrations.AlterField("scorecard", "plan", plan_field("scorecards", null=False)),
        migrations.AlterField(
            "alignmentstate",
            "plan",
            models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="alignment_state",
                to="scorecards.scoringplan",
            ),
        ),
        migrations.AlterField(
            "alignmentrun", "plan", plan_field("alignment_runs", null=False)
        ),
        migrations.DeleteModel("EvaluationSetup"),
        migrations.RenameModel("EvaluationCategory", "PlanCategory"),
        migrations.RenameModel("EvaluationCriterion", "PlanCriterion"),
        migrations.AddConstraint(
            "plancategory",
            models.UniqueConstraint(fields=("plan", "key"), name="plan_category_unique"),
        ),
        migrations.AddConstraint(
            "plancriterion",
            models.UniqueConstraint(
                fields=("plan", "key"), name="plan_criterion_unique"
            ),
        ),
        migrations.AddConstraint(
            "conflictdeclaration",
            models.UniqueConstraint(
                fields=("plan", "evaluator", "candidate"),
                name="conflict_unique_candidate",
            ),
        ),
        migrations.AddConstraint(
            "conflictdeclaration",
            models.UniqueConstraint(
                condition=models.Q(("candidate__isnull", True)),
                fields=("plan", "evaluator"),
                name="conflict_unique_none",
            ),
        ),
        migrations.AddConstraint(
            "scorecard",
            models.UniqueConstraint(
                fields=("plan", "candidate", "evaluator"),
                name="scorecard_unique_evaluator",
            ),
        ),
        migrations.AddIndex(
            "alignmentrun",
            models.Index(fields=["plan", "fingerprint"], name="scorecards_plan_fp_idx"),
        ),
    ]
