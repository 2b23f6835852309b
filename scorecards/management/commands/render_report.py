"""Render a report PDF synchronously, for automation, through the report job path."""

import shutil
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from partners.access import membership_for
from partners.models import Candidate, Evaluation, Role
from scorecards.access import reports_allowed
from scorecards.models import ReportJob
from scorecards.reports import services


class Command(BaseCommand):
    help = (
        "Render the comparison report of an evaluation, or with --candidate the "
        "due-diligence report of one candidate, to a PDF file. The job is recorded "
        "like one requested in the browser, owned by the evaluation lead or --user."
    )

    def add_arguments(self, parser):
        parser.add_argument("evaluation", help="the evaluation's key")
        parser.add_argument("--candidate", help="the candidate's CDMO key")
        parser.add_argument("--out", required=True, help="where to write the PDF")
        parser.add_argument(
            "--user", help="who requests it (default: the evaluation's lead)"
        )

    def handle(self, *args, evaluation, candidate, out, user, **options):
        ev = Evaluation.objects.filter(key=evaluation).first()
        if ev is None:
            raise CommandError(f"No evaluation with key {evaluation!r}.")
        requester = self._requester(ev, user)
        subject = None
        if candidate:
            subject = (
                Candidate.objects.select_related("cdmo", "bulk_site", "evaluation")
                .filter(evaluation=ev, cdmo__key=candidate)
                .first()
            )
            if subject is None:
                raise CommandError(f"{candidate!r} is not a candidate in {ev.key}.")
        job = services.report_job_create(evaluation=ev, candidate=subject, by=requester)
        job = services.report_render(job_id=job.pk)
        if job is None or job.status != ReportJob.Status.READY:
            raise CommandError(job.error if job else "The job was taken by another.")
        target = Path(out)
        target.parent.mkdir(parents=True, exist_ok=True)
        with job.file.open("rb") as source, target.open("wb") as dest:
            shutil.copyfileobj(source, dest)
        self.stdout.write(
            f"{target}: {job.pages} pages, {job.size} bytes "
            f"(report job {job.pk}, input fingerprint {job.fingerprint[:12]})"
        )

    def _requester(self, evaluation, username):
        if username:
            user = get_user_model().objects.filter(username=username).first()
            if user is None:
                raise CommandError(f"No user {username!r}.")
        else:
            lead = evaluation.memberships.filter(role=Role.LEAD).select_related("user")
            first = lead.order_by("added_at").first()
            if first is None:
                raise CommandError(f"{evaluation.key} has no lead; pass --user.")
            user = first.user
        evaluation.membership = membership_for(user, evaluation.pk)
        if evaluation.membership is None or not reports_allowed(evaluation):
            raise CommandError(f"{user} may not see the reports of {evaluation.key}.")
        return user
