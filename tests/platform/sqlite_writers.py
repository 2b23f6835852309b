"""Three people scoring at once on the embedded SQLite default (run by
`test_sqlite_concurrency.py` in a process of its own, on a database file).

Each writer signs in, autosaves every row of a scorecard and submits it, all
three at once, while the recomputes their submits cause run in the background.
Prints a JSON report: the status of every response, and every error.
"""

import json
import os
import sys
import threading
from collections import Counter

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cdmo_eval.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

WRITERS = [
    ("evaluator", "northbridge"),
    ("evaluator2", "northbridge"),
    ("evaluator", "helvetica"),
]


def main() -> dict:
    call_command("migrate", verbosity=0)
    from partners.models import Candidate
    from scorecards.bundles.demo import load_demo
    from scorecards.models import Rating
    from scorecards.rating.selectors import scorecard_criteria
    from scorecards.setup import services as setup_services
    from scorecards.setup.selectors import selection_plan

    load_demo()
    users = get_user_model().objects
    plan = selection_plan(Candidate.objects.get(cdmo__key="northbridge").evaluation)
    setup_services.conflict_declare(
        plan=plan, evaluator=users.get(username="evaluator"), candidates=[], text=""
    )
    criteria = list(scorecard_criteria(plan))
    statuses, errors = Counter(), []
    start = threading.Barrier(len(WRITERS))

    def write(username, cdmo):
        try:
            user = users.get(username=username)
            candidate = Candidate.objects.get(
                evaluation=plan.evaluation, cdmo__key=cdmo
            )
            client = Client()
            start.wait()
            client.force_login(user)
            statuses[
                client.get(reverse("scorecard", args=[candidate.pk])).status_code
            ] += 1
            for criterion in criteria:
                prefix = f"c{criterion.pk}"
                rating = Rating.objects.filter(
                    scorecard__evaluator=user,
                    scorecard__candidate=candidate,
                    criterion=criterion,
                ).first()
                response = client.post(
                    reverse("rating_autosave", args=[candidate.pk, criterion.pk]),
                    {
                        f"{prefix}-score": "5",
                        f"{prefix}-rationale": f"{username} saw it on the visit",
                        f"{prefix}-version": rating.version if rating else "",
                    },
                )
                statuses[response.status_code] += 1
                if "Not saved" in response.content.decode():
                    errors.append(f"{username}/{cdmo}: {response.content.decode()}")
            response = client.post(reverse("scorecard_submit", args=[candidate.pk]))
            statuses[response.status_code] += 1
            if response.status_code != 302 or "ratings" not in response["Location"]:
                errors.append(
                    f"{username}/{cdmo}: submit answered {response.status_code}"
                )
        except Exception as exc:  # a 500 is raised by the test client
            errors.append(f"{username}/{cdmo}: {type(exc).__name__}: {exc}")
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=w) for w in WRITERS]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"statuses": dict(statuses), "errors": errors}


if __name__ == "__main__":
    json.dump(main(), sys.stdout)
