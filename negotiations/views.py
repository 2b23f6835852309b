from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from cdmo_eval.downloads import private_file_response
from cdmo_eval.forms import add_service_error, posted
from partners.access import Can, get_candidate_for, get_evaluation_for, role_can

from . import selectors, services
from .access import (
    get_candidate_for_logging,
    get_escalation_for,
    get_meeting_for,
    get_request_for,
    get_round_for,
    may_edit_owned,
)
from .forms import (
    EscalationForm,
    MeetingForm,
    MilestonesForm,
    RequestForm,
    RoundForm,
)
from .models import AmendmentRound, Escalation, InformationRequest, SteeringMeeting


def _page_url(candidate, section: str) -> str:
    return (
        reverse("candidate_negotiations", kwargs={"pk": candidate.pk}) + f"#{section}"
    )


@require_safe
def candidate_negotiations(request, pk):
    candidate = get_candidate_for(request.user, pk)
    evaluation = candidate.evaluation
    membership = evaluation.membership
    overview = selectors.negotiation_overview(
        candidate, as_of=selectors.as_of_for(evaluation)
    )
    for record in [*overview.requests, *overview.escalations]:
        record.can_edit = may_edit_owned(request.user, membership, record)
    return render(
        request,
        "negotiations/candidate_negotiations.html",
        {
            "evaluation": evaluation,
            "candidate": candidate,
            "o": overview,
            "can_edit": role_can(membership.role, Can.EDIT_NEGOTIATIONS),
            "can_log": may_edit_owned(request.user, membership),
        },
    )


def _form_page(request, candidate, form, save, *, title, section, saved, files=False):
    """The shape every negotiation form shares: validate, save through the service,
    show its refusal next to the field, redirect to the section on success."""
    if request.method == "POST" and form.is_valid():
        try:
            save()
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, saved)
            return redirect(_page_url(candidate, section))
    return render(
        request,
        "negotiations/record_form.html",
        {
            "evaluation": candidate.evaluation,
            "candidate": candidate,
            "form": form,
            "title": title,
            "files": files,
            "cancel_url": _page_url(candidate, section),
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def milestones_edit(request, pk):
    candidate = get_candidate_for(request.user, pk, Can.EDIT_NEGOTIATIONS)
    form = MilestonesForm(posted(request), milestones=candidate.milestones.all())
    return _form_page(
        request,
        candidate,
        form,
        lambda: services.milestones_save(
            candidate=candidate,
            dates=form.dates,
            reason=form.cleaned_data["reason"],
            by=request.user,
        ),
        title=_("Milestones"),
        section="timeline",
        saved=_("The milestones are saved."),
    )


# --- information requests ------------------------------------------------------------


def _request_form(request, candidate, info_request):
    role = candidate.evaluation.membership.role
    form = RequestForm(
        posted(request),
        instance=info_request,
        candidate=candidate,
        choose_owner=role_can(role, Can.EDIT_NEGOTIATIONS),
    )
    return _form_page(
        request,
        candidate,
        form,
        lambda: services.request_save(info_request=form.instance, by=request.user),
        title=_("Edit information request")
        if info_request.pk
        else _("New information request"),
        section="requests",
        saved=_("The information request is saved."),
    )


@require_http_methods(["GET", "POST"])
def request_create(request, pk):
    candidate = get_candidate_for_logging(request.user, pk)
    return _request_form(request, candidate, InformationRequest(candidate=candidate))


@require_http_methods(["GET", "POST"])
def request_edit(request, pk):
    info_request = get_request_for(request.user, pk, Can.EDIT_NEGOTIATIONS)
    return _request_form(request, info_request.candidate, info_request)


# --- agreements and amendment rounds -----------------------------------------------


@require_http_methods(["GET", "POST"])
def round_create(request, pk):
    candidate = get_candidate_for(request.user, pk, Can.EDIT_NEGOTIATIONS)
    form = RoundForm(
        *posted(request, files=True),
        instance=AmendmentRound(),
        initial={"agreement": request.GET.get("agreement", "msa")},
    )
    return _form_page(
        request,
        candidate,
        form,
        lambda: services.round_add(
            candidate=candidate,
            kind=form.cleaned_data["agreement"],
            round_=form.instance,
            redline=form.cleaned_data.get("redline_file"),
            by=request.user,
        ),
        title=_("New amendment round"),
        section="agreements",
        saved=_("The amendment round is saved."),
        files=True,
    )


@require_http_methods(["GET", "POST"])
def round_edit(request, pk):
    round_ = get_round_for(request.user, pk, Can.EDIT_NEGOTIATIONS)
    form = RoundForm(*posted(request, files=True), instance=round_)
    return _form_page(
        request,
        round_.agreement.candidate,
        form,
        lambda: services.round_update(
            round_=form.instance,
            redline=form.cleaned_data.get("redline_file"),
            by=request.user,
        ),
        title=_("Edit %(round)s") % {"round": round_},
        section="agreements",
        saved=_("The amendment round is saved."),
        files=True,
    )


@require_safe
def redline_download(request, pk):
    round_ = get_round_for(request.user, pk)
    if not round_.redline:
        raise Http404("No redline.")
    return private_file_response(
        round_.redline,
        filename=round_.redline_name,
        content_type=round_.redline_content_type,
    )


# --- escalations and governance ----------------------------------------------------


def _escalation_form(request, candidate, escalation):
    role = candidate.evaluation.membership.role
    form = EscalationForm(
        posted(request),
        instance=escalation,
        candidate=candidate,
        choose_owner=role_can(role, Can.EDIT_NEGOTIATIONS),
    )
    return _form_page(
        request,
        candidate,
        form,
        lambda: services.escalation_save(escalation=form.instance, by=request.user),
        title=_("Edit escalation") if escalation.pk else _("New escalation"),
        section="escalations",
        saved=_("The escalation is saved."),
    )


@require_http_methods(["GET", "POST"])
def escalation_create(request, pk):
    candidate = get_candidate_for_logging(request.user, pk)
    return _escalation_form(request, candidate, Escalation(candidate=candidate))


@require_http_methods(["GET", "POST"])
def escalation_edit(request, pk):
    escalation = get_escalation_for(request.user, pk, Can.EDIT_NEGOTIATIONS)
    return _escalation_form(request, escalation.candidate, escalation)


def _meeting_form(request, candidate, meeting):
    form = MeetingForm(posted(request), instance=meeting, candidate=candidate)
    return _form_page(
        request,
        candidate,
        form,
        lambda: services.meeting_save(meeting=form.instance, by=request.user),
        title=_("Edit steering meeting") if meeting.pk else _("New steering meeting"),
        section="governance",
        saved=_("The steering-committee meeting is saved."),
    )


@require_http_methods(["GET", "POST"])
def meeting_create(request, pk):
    candidate = get_candidate_for(request.user, pk, Can.EDIT_NEGOTIATIONS)
    return _meeting_form(request, candidate, SteeringMeeting(candidate=candidate))


@require_http_methods(["GET", "POST"])
def meeting_edit(request, pk):
    meeting = get_meeting_for(request.user, pk, Can.EDIT_NEGOTIATIONS)
    return _meeting_form(request, meeting.candidate, meeting)


# --- the evaluation-wide comparison ------------------------------------------------


@require_safe
def responsiveness(request, key):
    evaluation = get_evaluation_for(request.user, key)
    return render(
        request,
        "negotiations/responsiveness.html",
        {
            "evaluation": evaluation,
            "as_of": selectors.as_of_for(evaluation),
            "rows": selectors.responsiveness_rows(evaluation),
            "can_manage": role_can(evaluation.membership.role, Can.MANAGE),
        },
    )
