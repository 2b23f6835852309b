import csv

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
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
    get_finding_for,
    get_interview_for,
    get_visit_for,
    role_can,
)
from ..filters.evidence import FindingFilter
from ..forms.evidence import AttachmentForm, FindingForm, InterviewForm, VisitForm
from ..models import CultureInterview, Finding
from ..panels import render_slot

# --- interviews and visits share one shape -----------------------------------------


def _uploads(form):
    upload = form.cleaned_data.get("attachment")
    return [upload] if upload else []


def _save_interview(form, request):
    data = form.cleaned_data
    return services.interview_save(
        interview=form.instance,
        interviewees=list(data["interviewees"]),
        interviewers=list(data["interviewers"]),
        uploads=_uploads(form),
        by=request.user,
    )


def _save_visit(form, request):
    data = form.cleaned_data
    return services.visit_save(
        visit=form.instance,
        attendees=list(data["attendees"]),
        contact_attendees=list(data["contact_attendees"]),
        uploads=_uploads(form),
        by=request.user,
    )


EVIDENCE = {
    "interview": (InterviewForm, _save_interview, _("culture interview")),
    "visit": (VisitForm, _save_visit, _("site visit")),
}


def _evidence_form(request, kind, candidate, instance=None):
    form_class, save, label = EVIDENCE[kind]
    if instance is None:
        instance = form_class._meta.model(candidate=candidate)
    form = form_class(
        *posted(request, files=True),
        instance=instance,
        candidate=candidate,
    )
    if request.method == "POST" and form.is_valid():
        try:
            record = save(form, request)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The %(label)s is saved.") % {"label": label})
            return redirect(record)
    return render(
        request,
        f"partners/{kind}_form.html",
        {
            "evaluation": candidate.evaluation,
            "candidate": candidate,
            "form": form,
            "editing": instance.pk is not None,
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def interview_create(request, pk):
    candidate = get_candidate_for(request.user, pk, Can.EDIT_EVIDENCE)
    return _evidence_form(request, "interview", candidate)


@require_http_methods(["GET", "POST"])
def interview_edit(request, pk):
    interview = get_interview_for(request.user, pk, Can.EDIT_EVIDENCE)
    return _evidence_form(request, "interview", interview.candidate, interview)


@require_http_methods(["GET", "POST"])
def visit_create(request, pk):
    candidate = get_candidate_for(request.user, pk, Can.EDIT_EVIDENCE)
    return _evidence_form(request, "visit", candidate)


@require_http_methods(["GET", "POST"])
def visit_edit(request, pk):
    visit = get_visit_for(request.user, pk, Can.EDIT_EVIDENCE)
    return _evidence_form(request, "visit", visit.candidate, visit)


def _evidence_detail(request, record, template, attachment_form=None, status=200):
    evaluation = record.candidate.evaluation
    return render(
        request,
        template,
        {
            "evaluation": evaluation,
            "candidate": record.candidate,
            "record": record,
            "attachments": record.attachments.select_related("uploaded_by"),
            "attachment_form": attachment_form or AttachmentForm(),
            "can_edit": role_can(evaluation.membership.role, Can.EDIT_EVIDENCE),
            "sections": render_slot("evidence.sections", request, record),
        },
        status=status,
    )


@require_safe
def interview_detail(request, pk):
    interview = get_interview_for(request.user, pk)
    return _evidence_detail(request, interview, "partners/interview_detail.html")


@require_safe
def visit_detail(request, pk):
    visit = get_visit_for(request.user, pk)
    return _evidence_detail(request, visit, "partners/visit_detail.html")


@require_POST
def attachment_add(request, kind, pk):
    getters = {"interviews": get_interview_for, "visits": get_visit_for}
    if kind not in getters:
        raise Http404
    record = getters[kind](request.user, pk, Can.EDIT_EVIDENCE)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        services.attachment_add(
            parent=record, upload=form.cleaned_data["file"], by=request.user
        )
        messages.success(request, _("File attached."))
        return redirect(record)
    template = (
        "partners/interview_detail.html"
        if isinstance(record, CultureInterview)
        else "partners/visit_detail.html"
    )
    return _evidence_detail(request, record, template, attachment_form=form, status=400)


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
    ("Source record", lambda f: str(f.interview or f.visit or f.source_note)),
    ("Bridging plan", lambda f: f.bridging_plan),
    ("Owner", lambda f: f.owner.get_full_name() if f.owner else ""),
    ("Carry into MSA / QA", lambda f: "yes" if f.carry_to_msa else "no"),
    ("Status", lambda f: f.get_status_display()),
    ("Updated", lambda f: f.updated_at.date().isoformat()),
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
