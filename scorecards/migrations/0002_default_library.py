"""Install the default criteria library (scorecards/library/default.py)."""

from django.db import migrations


def load(apps, schema_editor):
    from scorecards.library.default import install

    install(apps)


def unload(apps, schema_editor):
    for model in ("Template", "StandingScale", "Criterion", "Category"):
        apps.get_model("scorecards", model).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("scorecards", "0001_library_and_ratings")]

    operations = [migrations.RunPython(load, unload)]
