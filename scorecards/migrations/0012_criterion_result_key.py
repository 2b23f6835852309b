"""Criterion results keyed by (result, criterion): one index instead of an id column,
its index and a unique index, so a recompute writes and deletes 12,000 rows faster.

Django cannot change a table's primary key to a composite one in place, so the rows
move to a new table, which then takes the old one's name.
"""

import django.db.models.deletion
from django.db import migrations, models

COLUMNS = "result_id, criterion_id, score, mean, n, spread, consensus"


def _copy(source: str, target: str):
    def copy(apps, schema_editor):
        quote = schema_editor.quote_name
        tables = [
            quote(apps.get_model("scorecards", name)._meta.db_table)
            for name in (target, source)
        ]
        # Table names from the models' metadata only (bandit B608).
        schema_editor.execute(
            "INSERT INTO {} ({columns}) SELECT {columns} FROM {}".format(  # nosec B608
                *tables, columns=COLUMNS
            )
        )

    return copy


def _names_after_the_table(apps, schema_editor):
    """On PostgreSQL the key and check keep the new table's first name: give them
    the table's own (SQLite names neither)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    for old, new in (
        ("criterionresultkeyed_pkey", "criterionresult_pkey"),
        ("criterionresultkeyed_n_check", "criterionresult_n_check"),
    ):
        schema_editor.execute(
            f"ALTER TABLE scorecards_criterionresult RENAME CONSTRAINT "
            f"scorecards_{old} TO scorecards_{new}"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("scorecards", "0011_signal_labels"),
    ]

    operations = [
        migrations.CreateModel(
            name="CriterionResultKeyed",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "result",
                        "criterion",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                (
                    "score",
                    models.FloatField(help_text="0–100; empty: no score", null=True),
                ),
                (
                    "mean",
                    models.FloatField(help_text="Mean of the ratings (1–5)", null=True),
                ),
                (
                    "n",
                    models.PositiveIntegerField(
                        default=0, help_text="Ratings behind the mean"
                    ),
                ),
                (
                    "spread",
                    models.FloatField(
                        help_text="Population σ of the submitted scorecard ratings",
                        null=True,
                    ),
                ),
                (
                    "consensus",
                    models.BooleanField(
                        default=False, help_text="A consensus rating replaced the mean"
                    ),
                ),
                (
                    "criterion",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="scorecards.plancriterion",
                    ),
                ),
                (
                    "result",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="scorecards.alignmentresult",
                    ),
                ),
            ],
        ),
        migrations.RunPython(
            _copy("CriterionResult", "CriterionResultKeyed"),
            _copy("CriterionResultKeyed", "CriterionResult"),
        ),
        migrations.DeleteModel(name="CriterionResult"),
        migrations.RenameModel(
            old_name="CriterionResultKeyed", new_name="CriterionResult"
        ),
        migrations.RunPython(_names_after_the_table, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="criterionresult",
            name="result",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="criterion_results",
                to="scorecards.alignmentresult",
            ),
        ),
    ]
