"""Who may see and change what in `partners`: evaluations, membership, candidates,
evidence and the shared CDMO directory.

This module also holds the one capability vocabulary (`Can`) and the table of what
each role may do, since `partners` owns memberships and roles; `negotiations` and
`scorecards` decide access to their own records in their own ``access.py`` with the
same vocabulary. Every view, download, htmx partial and API endpoint fetches its
object through one of these helpers:

- a user who is not a member of the evaluation gets 404 (we do not even confirm
  that it exists);
- a member whose role lacks the capability gets 403 (`PermissionDenied`).

Services receive the acting user and an object fetched here; they enforce domain
rules, not access.
"""

from enum import StrEnum
from operator import attrgetter

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, Model, OuterRef
from django.http import Http404
from django.utils.translation import gettext as _

from .evidence import BY_SEGMENT, EVIDENCE_KINDS, EvidenceKind
from .models import (
    Attachment,
    Candidate,
    Cdmo,
    Evaluation,
    Finding,
    Membership,
    Role,
)


class Can(StrEnum):
    """Every capability the product checks, in evaluations and site-wide."""

    # --- in an evaluation, by role (`ROLE_CAPABILITIES`)
    READ = "read"
    EDIT_EVIDENCE = "edit_evidence"
    EDIT_NEGOTIATIONS = "edit_negotiations"
    LOG_REQUESTS = "log_requests"
    """Log information requests and escalations, and edit the ones one owns."""
    SCORE = "score"
    EXPORT = "export"
    """Request and read reports (PDF), which show every evaluator's ratings."""
    MANAGE = "manage"
    WHAT_IF = "what_if"
    # --- site-wide, not tied to one evaluation (`user_can`)
    CREATE_EVALUATION = "create_evaluation"
    IMPORT_BUNDLES = "import_bundles"
    READ_DIRECTORY = "read_directory"
    EDIT_DIRECTORY = "edit_directory"
    ERASE_PERSONAL_DATA = "erase_personal_data"
    """Honour an erasure request for a contact's personal data: staff only."""


ROLE_CAPABILITIES: dict[str, frozenset[Can]] = {
    Role.LEAD: frozenset(
        {
            Can.READ,
            Can.EDIT_EVIDENCE,
            Can.EDIT_NEGOTIATIONS,
            Can.LOG_REQUESTS,
            Can.SCORE,
            Can.EXPORT,
            Can.MANAGE,
            Can.WHAT_IF,
        }
    ),
    Role.EVALUATOR: frozenset(
        {Can.READ, Can.EDIT_EVIDENCE, Can.LOG_REQUESTS, Can.SCORE}
    ),
    Role.PROCUREMENT: frozenset(
        {
            Can.READ,
            Can.EDIT_EVIDENCE,
            Can.EDIT_NEGOTIATIONS,
            Can.LOG_REQUESTS,
            Can.EXPORT,
            Can.WHAT_IF,
        }
    ),
    Role.OBSERVER: frozenset({Can.READ}),
}


def role_can(role: str, capability: Can) -> bool:
    return capability in ROLE_CAPABILITIES.get(role, frozenset())


def may(evaluation: Evaluation, capability: Can) -> bool:
    """Whether the member ``evaluation`` was fetched for has ``capability``.

    ``evaluation.membership`` is set by the helpers below."""
    return role_can(evaluation.membership.role, capability)


def membership_for(user, evaluation_id: int) -> Membership | None:
    if not user.is_authenticated:
        return None
    return (
        Membership.objects.filter(evaluation_id=evaluation_id, user=user)
        .only("id", "role", "evaluation_id", "user_id")
        .first()
    )


def require(membership: Membership | None, need: Can) -> Membership:
    """404 for a non-member, 403 for a member whose role lacks ``need``."""
    if membership is None:
        raise Http404("No such evaluation.")
    if not role_can(membership.role, need):
        raise PermissionDenied(_("Your role in this evaluation does not allow this."))
    return membership


def check_evaluation(user, evaluation: Evaluation, need: Can = Can.READ) -> Evaluation:
    """Attach ``user``'s membership to an evaluation already loaded, checking
    ``need``; for helpers of other apps whose records hang off an evaluation."""
    evaluation.membership = require(membership_for(user, evaluation.pk), need)
    return evaluation


def get_evaluation_for(user, key: str, need: Can = Can.READ) -> Evaluation:
    """The evaluation named by ``key`` if ``user`` is a member allowed to ``need``.

    The member's role is attached as ``evaluation.membership``.
    """
    evaluation = Evaluation.objects.filter(key=key).first()
    if evaluation is None:
        raise Http404("No such evaluation.")
    return check_evaluation(user, evaluation, need)


def get_candidate_for(user, pk: int, need: Can = Can.READ) -> Candidate:
    """The candidate ``pk`` if ``user`` may ``need`` in its evaluation."""
    candidate = (
        Candidate.objects.select_related("evaluation", "cdmo", "bulk_site")
        .filter(pk=pk)
        .first()
    )
    if candidate is None:
        raise Http404("No such candidate.")
    check_evaluation(user, candidate.evaluation, need)
    return candidate


def get_record_for(
    user, model: type[Model], pk: int, need: Can, path: str = "candidate"
):
    """A record that belongs to a candidate through ``path`` (evidence here,
    negotiation records in `negotiations.access`), if ``user`` may ``need`` in the
    candidate's evaluation."""
    obj = (
        model.objects.select_related(f"{path}__evaluation", f"{path}__cdmo")
        .filter(pk=pk)
        .first()
    )
    if obj is None:
        raise Http404("Not found.")
    check_evaluation(user, attrgetter(path.replace("__", "."))(obj).evaluation, need)
    return obj


def get_evidence_for(user, kind: EvidenceKind | str, pk: int, need: Can = Can.READ):
    """An evidence record (an interview, a visit…) of ``kind`` (or its URL segment:
    ``"interviews"``); an unknown segment is 404 like a stranger's record."""
    if isinstance(kind, str):
        kind = BY_SEGMENT.get(kind)
        if kind is None:
            raise Http404("Not found.")
    return get_record_for(user, kind.model, pk, need)


def get_finding_for(user, pk: int, need: Can = Can.READ) -> Finding:
    return get_record_for(user, Finding, pk, need)


def get_attachment_for(user, pk: int, need: Can = Can.READ) -> Attachment:
    attachment = (
        Attachment.objects.select_related(
            *(f"{k.name}__candidate__evaluation" for k in EVIDENCE_KINDS)
        )
        .filter(pk=pk)
        .first()
    )
    if attachment is None:
        raise Http404("Not found.")
    check_evaluation(user, attachment.parent.candidate.evaluation, need)
    return attachment


# --- site-wide capabilities ----------------------------------------------------------


def _roles(user) -> set[str]:
    return set(Membership.objects.filter(user=user).values_list("role", flat=True))


def user_can(user, capability: Can, *, roles: set[str] | None = None) -> bool:
    """Site-wide capabilities, not tied to one evaluation.

    - create an evaluation: staff, or anyone given the ``partners.add_evaluation``
      permission;
    - import a bundle (it creates an evaluation, so no existing one decides): staff,
      and anyone who leads at least one evaluation;
    - read the shared CDMO directory: staff and members of any evaluation;
    - edit it: staff, and members whose role edits evidence somewhere (a CDMO
      an evaluation weighs: `may_edit_cdmo`);
    - erase a contact's personal data: staff.

    ``roles``: the user's roles across their evaluations, when the caller already
    has them (saves a query).
    """
    if not user.is_authenticated or not user.is_active:
        return False
    if capability == Can.CREATE_EVALUATION:
        return user.has_perm("partners.add_evaluation")
    if user.is_staff:
        return True
    if capability == Can.ERASE_PERSONAL_DATA:
        return False
    if roles is None:
        roles = _roles(user)
    if capability == Can.IMPORT_BUNDLES:
        return Role.LEAD in roles
    if capability == Can.READ_DIRECTORY:
        return bool(roles)
    if capability == Can.EDIT_DIRECTORY:
        return any(role_can(role, Can.EDIT_EVIDENCE) for role in roles)
    raise ValueError(f"{capability} is decided per evaluation, not site-wide")


HIDDEN_FROM_OUTSIDERS = frozenset({Can.READ_DIRECTORY, Can.EDIT_DIRECTORY})
"""The directory does not even show itself to people in no evaluation (404)."""


def require_site(user, capability: Can) -> None:
    """403 unless ``user`` has the site-wide ``capability``; 404 instead for the
    directory's pages when the user is in no evaluation at all."""
    if user_can(user, capability):
        return
    if capability in HIDDEN_FROM_OUTSIDERS and not (user.is_staff or _roles(user)):
        raise Http404("Not found.")
    raise PermissionDenied(_("Your roles do not allow this."))


def may_edit_cdmo(user, cdmo: Cdmo) -> bool:
    """Change a CDMO, its sites or its contacts. What an evaluation weighs (its
    name, sites and people are printed in that evaluation's pages, reports and
    exports) is changed by staff or by an evidence-editing role in an evaluation
    where the CDMO is a candidate; a CDMO that is a candidate nowhere yet, by
    anyone who edits the directory (`user_can`). One query."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_staff:
        return True
    editing = [r for r in Role.values if role_can(r, Can.EDIT_EVIDENCE)]
    mine = Membership.objects.filter(user=user, role__in=editing)
    weighed, editor_there, editor_anywhere = (
        Cdmo.objects.filter(pk=cdmo.pk)
        .annotate(
            weighed=Exists(Candidate.objects.filter(cdmo=OuterRef("pk"))),
            there=Exists(mine.filter(evaluation__candidates__cdmo=OuterRef("pk"))),
            anywhere=Exists(mine),
        )
        .values_list("weighed", "there", "anywhere")
        .get()
    )
    return editor_there if weighed else editor_anywhere


def get_cdmo_for(user, key: str, need: Can = Can.READ_DIRECTORY) -> Cdmo:
    """A CDMO of the directory, to read (``READ_DIRECTORY``) or to change
    (``EDIT_DIRECTORY``: `may_edit_cdmo`)."""
    require_site(user, need)
    cdmo = Cdmo.objects.filter(key=key).first()
    if cdmo is None:
        raise Http404("No such CDMO.")
    if need == Can.EDIT_DIRECTORY and not may_edit_cdmo(user, cdmo):
        raise PermissionDenied(_("Only the teams evaluating this CDMO may change it."))
    return cdmo
