import csv

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from cdmo_eval.downloads import private_file_response
from cdmo_eval.forms import add_service_error, posted
from cdmo_eval.pagination import paginate
from cdmo_eval.spreadsheets import csv_safe

from .. import selectors, services
from ..access import (
    Can,
    get_attachment_for,
    get_candidate_for,
    get_evaluation_for,
    get_evidence_for,
    get_finding_for,
    role_can,
)
from ..evidence import BY_KEY, kind_of
from ..filters.evidence import FindingFilter
from ..forms.evidence import AttachmentForm, FindingForm
from ..models import Finding
from ..panels import render_slot

# --- evidence records: every kind has the same pages (partners.evidence) ------------
# The URLs of each kind pass it as ``kind`` (its key); see partners/urls.py.


def _evidence_form(request, kind, candidate, instance=None):
    if instance is None:
        instance = kind.model(candidate=candidate)
    form = kind.form_class(
        *posted(request, files=True), instance=instance, candidate=candidate
    )
    if request.method == "POST" and form.is_valid():
        try:
            record = services.evidence_save(
                record=form.instance,
                contacts=list(form.cleaned_data[kind.contacts_field]),
                members=list(form.cleaned_data[kind.members_field]),
                uploads=form.uploads(),
                by=request.user,
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("The %(label)s is saved.") % {"label": str(kind.label).lower()},
            )
            return redirect(record)
    return render(
        request,
        kind.template("form"),
        {
            "evaluation": candidate.evaluation,
            "candidate": candidate,
            "form": form,
            "editing": instance.pk is not None,
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def evidence_create(request, pk, kind):
    candidate = get_candidate_for(request.user, pk, Can.EDIT_EVIDENCE)
    return _evidence_form(request, BY_KEY[kind], candidate)


@require_http_methods(["GET", "POST"])
def evidence_edit(request, pk, kind):
    record = get_evidence_for(request.user, BY_KEY[kind], pk, Can.EDIT_EVIDENCE)
    return _evidence_form(request, BY_KEY[kind], record.candidate, record)


def _evidence_detail(request, record, attachment_form=None, status=200):
    evaluation = record.candidate.evaluation
    return render(
        request,
        kind_of(record).template("detail"),
        {
            "evaluation": evaluation,
            "candidate": record.candidate,
            "record": record,
            "kind": kind_of(record),
            "attachments": record.attachments.select_related("uploaded_by"),
            "attachment_form": attachment_form or AttachmentForm(),
            "can_edit": role_can(evaluation.membership.role, Can.EDIT_EVIDENCE),
            "sections": render_slot("evidence.sections", request, record),
        },
        status=status,
    )


@require_safe
def evidence_detail(request, pk, kind):
    return _evidence_detail(request, get_evidence_for(request.user, BY_KEY[kind], pk))


@require_POST
def attachment_add(request, kind, pk):
    """Attach a file to an evidence record; ``kind`` is the record's URL segment."""
    record = get_evidence_for(request.user, kind, pk, Can.EDIT_EVIDENCE)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        services.attachment_add(
            parent=record, upload=form.cleaned_data["file"], by=request.user
        )
        messages.success(request, _("File attached."))
        return redirect(record)
    return _evidence_detail(request, record, attachment_form=form, status=400)


@require_safe
def attachment_download(request, pk):
    attachment = get_attachment_for(request.user, pk)
    return private_file_response(
        attachment.file,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )


# --- findings -------------------------------------------------------------------------


def _finding_form(request, candidate, finding):
    form = FindingForm(posted(request), instance=finding, candidate=candidate)
    if request.method == "POST" and form.is_valid():
        try:
            services.finding_save(finding=form.instance, by=request.user)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The finding is saved."))
            return redirect(f"{candidate.get_absolute_url()}#findings")
    return render(
        request,
        "partners/finding_form.html",
        {
            "evaluation": candidate.evaluation,
            "candidate": candidate,
            "form": form,
            "editing": finding.pk is not None,
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def finding_create(request, pk):
    candidate = get_candidate_for(request.user, pk, Can.EDIT_EVIDENCE)
    return _finding_form(request, candidate, Finding(candidate=candidate))


@require_http_methods(["GET", "POST"])
def finding_edit(request, pk):
    finding = get_finding_for(request.user, pk, Can.EDIT_EVIDENCE)
    return _finding_form(request, finding.candidate, finding)


CSV_COLUMNS = [
    ("Candidate", lambda f: f.candidate.cdmo.name),
    ("Kind", lambda f: f.get_kind_display()),
    ("Finding", lambda f: f.text),
    ("Source", lambda f: f.get_source_display()),
    ("Source record", lambda f: str(f.source_record or f.source_note)),
    ("Bridging plan", lambda f: f.bridging_plan),
    ("Owner", lambda f: f.owner.get_full_name() if f.owner else ""),
    ("Carry into MSA / QA", lambda f: "yes" if f.carry_to_msa else "no"),
    ("Status", lambda f: f.get_status_display()),
    ("Updated", lambda f: timezone.localdate(f.updated_at)),
]


@require_safe
def finding_register(request, key):
    evaluation = get_evaluation_for(request.user, key)
    data = request.GET.copy()
    data.setdefault("carry_to_msa", "true")
    filterset = FindingFilter(
        data, queryset=selectors.evaluation_findings(evaluation), evaluation=evaluation
    )
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="{evaluation.key}-findings.csv"'
        )
        writer = csv.writer(response)
        writer.writerow([name for name, _get in CSV_COLUMNS])
        for finding in filterset.qs:
            writer.writerow([csv_safe(get(finding)) for _name, get in CSV_COLUMNS])
        return response
    page = paginate(request, filterset.qs)
    export = data.copy()
    export.pop("page", None)
    export["format"] = "csv"
    return render(
        request,
        "partners/finding_register.html",
        {
            "evaluation": evaluation,
            "filter": filterset,
            "page_obj": page,
            "export_query": export.urlencode(),
        },
    )
