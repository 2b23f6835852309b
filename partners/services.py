"""Writes for evaluations, membership and candidates: one path per change."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audit.context import because
from cdmo_eval.service import service

from .events import evaluation_created, notify_inputs_changed
from .evidence import BY_KEY, EVIDENCE_KINDS, kind_of
from .models import (
    Attachment,
    Candidate,
    Cdmo,
    Contact,
    Evaluation,
    Finding,
    Membership,
    Role,
    Site,
    StageChange,
)
from .selectors import owner_errors
from .uploads import WrittenFiles, check_upload, files_removed_on_rollback

User = get_user_model()


@service
def user_ensure(
    *,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    password: str,
    is_staff: bool = False,
    creates_evaluations: bool = False,
):
    """An account, created with ``password`` if it does not exist yet; an existing
    one keeps its password and details. Staff administer the whole installation;
    ``creates_evaluations`` lets someone who is not staff start evaluations."""
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first_name,
            "last_name": last_name,
            "email": email,
            "is_staff": is_staff,
            "is_superuser": is_staff,
        },
    )
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
    if creates_evaluations:
        user.user_permissions.add(
            Permission.objects.get(
                codename="add_evaluation", content_type__app_label="partners"
            )
        )
    return user


@service
def user_placeholder_ensure(*, username: str):
    """The account of ``username``; one that does not exist yet is created
    inactive and without a password, for someone who will get access by a
    password reset or single sign-on (a team imported from a bundle)."""
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, is_active=False)
        user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save()
    return user


@service
@transaction.atomic
def evaluation_create(*, created_by, lead: bool = True, **fields) -> Evaluation:
    """Create an evaluation; whoever creates it becomes its first lead (unless
    ``lead`` is false: an import names its own team)."""
    evaluation = Evaluation(created_by=created_by, **fields)
    evaluation.full_clean()
    evaluation.save()
    if lead:
        Membership.objects.create(
            evaluation=evaluation, user=created_by, role=Role.LEAD, added_by=created_by
        )
    evaluation_created.send(sender=Evaluation, evaluation=evaluation, by=created_by)
    return evaluation


@service
@transaction.atomic
def evaluation_update(*, evaluation: Evaluation, by, **fields) -> Evaluation:
    """Change an evaluation's description, date and response target. The date and the
    target feed the signals, so results are recomputed. Once decided, the as-of
    date is the decision's and stays."""
    if (
        "as_of" in fields
        and evaluation.status == Evaluation.Status.DECIDED
        and fields["as_of"] != Evaluation.objects.get(pk=evaluation.pk).as_of
    ):
        raise ValidationError(
            {"as_of": _("The as-of date is the decision's date and cannot change.")}
        )
    for name, value in fields.items():
        setattr(evaluation, name, value)
    evaluation.save(update_fields=list(fields))
    notify_inputs_changed(evaluation_id=evaluation.pk, by=by)
    return evaluation


@service
def membership_add(*, evaluation: Evaluation, user, role: str, by) -> Membership:
    """Add ``user`` to the evaluation; a user belongs at most once."""
    if Membership.objects.filter(evaluation=evaluation, user=user).exists():
        raise ValidationError(
            _("%(user)s is already a member of this evaluation."),
            params={"user": user.get_username()},
            code="duplicate",
        )
    return Membership.objects.create(
        evaluation=evaluation, user=user, role=role, added_by=by
    )


def _is_last_lead(membership: Membership) -> bool:
    return (
        membership.role == Role.LEAD
        and not Membership.objects.filter(
            evaluation_id=membership.evaluation_id, role=Role.LEAD
        )
        .exclude(pk=membership.pk)
        .exists()
    )


@service
@transaction.atomic
def membership_change_role(
    *, membership: Membership, role: str, reason: str, by
) -> Membership:
    """Change a member's role, saying why; an evaluation always keeps at least one
    lead."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the role changes.")})
    # Lock the evaluation's memberships so two leads cannot demote each other at once.
    list(
        Membership.objects.select_for_update().filter(
            evaluation_id=membership.evaluation_id
        )
    )
    if role != Role.LEAD and _is_last_lead(membership):
        raise ValidationError(
            _("An evaluation needs at least one lead; make someone else lead first."),
            code="last_lead",
        )
    membership.role = role
    with because(reason):
        membership.save(update_fields=["role"])
    return membership


@service
@transaction.atomic
def membership_remove(*, membership: Membership, reason: str, by) -> None:
    """Remove a member, saying why; the last lead cannot be removed."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why they leave the evaluation.")})
    list(
        Membership.objects.select_for_update().filter(
            evaluation_id=membership.evaluation_id
        )
    )
    if _is_last_lead(membership):
        raise ValidationError(
            _("The last lead cannot be removed; make someone else lead first."),
            code="last_lead",
        )
    with because(reason):
        membership.delete()


@service
@transaction.atomic
def member_invite(
    *, evaluation: Evaluation, email: str, role: str, by, base_url: str
) -> Membership:
    """Invite a person by email: an account without a password, a membership, and
    a one-time link to set their password (Django's password-reset tokens)."""
    email = User.objects.normalize_email(email).lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User(username=email, email=email)
        user.set_unusable_password()
        user.save()
    membership = membership_add(evaluation=evaluation, user=user, role=role, by=by)
    link = base_url + reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    context = {
        "evaluation": evaluation,
        "inviter": by,
        "role": membership.get_role_display(),
        "link": link,
        "user": user,
    }
    # Send only once the membership is committed, so a rollback sends nothing.
    transaction.on_commit(
        lambda: send_mail(
            subject=_("You are invited to the evaluation “%(name)s”")
            % {"name": evaluation.name},
            message=render_to_string("partners/email/invite.txt", context),
            from_email=None,
            recipient_list=[user.email],
        )
    )
    return membership


# --- candidates -----------------------------------------------------------------


@service
def candidate_add(
    *, evaluation: Evaluation, cdmo: Cdmo, bulk_site: Site | None, stage: str, by
) -> Candidate:
    """Add a CDMO to an evaluation; its proposed bulk site must be one of its own."""
    if Candidate.objects.filter(evaluation=evaluation, cdmo=cdmo).exists():
        raise ValidationError(
            {"cdmo": _("%(cdmo)s is already a candidate.") % {"cdmo": cdmo.name}}
        )
    if bulk_site is not None and bulk_site.cdmo_id != cdmo.pk:
        raise ValidationError(
            {"bulk_site": _("Choose one of %(cdmo)s's sites.") % {"cdmo": cdmo.name}}
        )
    candidate = Candidate.objects.create(
        evaluation=evaluation, cdmo=cdmo, bulk_site=bulk_site, stage=stage
    )
    notify_inputs_changed(evaluation_id=evaluation.pk, by=by)
    return candidate


@service
def candidate_update(*, candidate: Candidate, bulk_site: Site | None, by) -> Candidate:
    if bulk_site is not None and bulk_site.cdmo_id != candidate.cdmo_id:
        raise ValidationError(
            {"bulk_site": _("Choose one of %(cdmo)s's sites.") % {"cdmo": candidate}}
        )
    candidate.bulk_site = bulk_site
    candidate.save(update_fields=["bulk_site"])
    notify_inputs_changed(evaluation_id=candidate.evaluation_id, by=by)
    return candidate


@service
@transaction.atomic
def candidate_move(
    *, candidate: Candidate, to_stage: str, reason: str, by
) -> StageChange:
    """Move a candidate to another stage; every move keeps its reason in history.
    Once the evaluation is decided, the stages are the decision's."""
    if (
        Evaluation.objects.filter(pk=candidate.evaluation_id)
        .values_list("status", flat=True)
        .first()
        == Evaluation.Status.DECIDED
    ):
        raise ValidationError(
            {"stage": _("The decision is recorded; the candidates' stages follow it.")},
            code="decided",
        )
    if to_stage == candidate.stage:
        raise ValidationError(
            {"stage": _("The candidate is already at this stage.")}, code="same"
        )
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason for the move.")})
    change = StageChange.objects.create(
        candidate=candidate,
        from_stage=candidate.stage,
        to_stage=to_stage,
        reason=reason.strip(),
        changed_by=by,
    )
    candidate.stage = to_stage
    with because(reason):
        candidate.save(update_fields=["stage"])
    return change


@service
def stage_change_record(
    *, candidate: Candidate, from_stage: str, to_stage: str, at, reason: str, by
) -> StageChange:
    """Record a move between stages as it happened in the past (an imported
    bundle): who moved the candidate, when and why. The candidate's stage is the
    bundle's own."""
    stages = Candidate.Stage.values
    errors = {}
    for field, value in (("from", from_stage), ("to", to_stage)):
        if value not in stages:
            errors[field] = _("Not a stage.")
    if from_stage == to_stage:
        errors["to"] = _("A move goes to another stage.")
    if not reason.strip():
        errors["reason"] = _("Give a reason for the move.")
    if errors:
        raise ValidationError(errors)
    return StageChange.objects.create(
        candidate=candidate,
        from_stage=from_stage,
        to_stage=to_stage,
        reason=reason.strip(),
        changed_by=by,
        changed_at=at,
    )


# --- evidence ---------------------------------------------------------------------


def _check_people(kind, candidate: Candidate, contacts, members) -> None:
    errors = {}
    foreign = [c for c in contacts if c.cdmo_id != candidate.cdmo_id]
    if foreign:
        errors[kind.contacts_field] = ngettext(
            "%(names)s does not work for %(cdmo)s.",
            "%(names)s do not work for %(cdmo)s.",
            len(foreign),
        ) % {
            "names": ", ".join(c.name for c in foreign),
            "cdmo": candidate.cdmo.name,
        }
    member_ids = set(
        Membership.objects.filter(evaluation_id=candidate.evaluation_id).values_list(
            "user_id", flat=True
        )
    )
    outsiders = [u for u in members if u.pk not in member_ids]
    if outsiders:
        errors[kind.members_field] = _(
            "%(names)s are not members of this evaluation."
        ) % {"names": ", ".join(u.get_username() for u in outsiders)}
    if errors:
        raise ValidationError(errors)


def _check_site(candidate: Candidate, site: Site | None, field: str = "site") -> None:
    if site is not None and site.cdmo_id != candidate.cdmo_id:
        raise ValidationError(
            {field: _("Choose one of %(cdmo)s's sites.") % {"cdmo": candidate.cdmo}}
        )


def _attach(*, upload, by, written: WrittenFiles, parent) -> Attachment:
    checked = check_upload(upload)
    attachment = Attachment(
        file=checked.file,
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        uploaded_by=by,
        **{kind_of(parent).name: parent},
    )
    written.add(attachment.file)
    attachment.save()
    return attachment


@service
def evidence_save(*, record, contacts, members, uploads=(), by):
    """Create or update an evidence record (a culture interview, a site visit…)
    with the people it involves and its files, all or nothing.

    The site is one of the candidate's; the CDMO's people (``contacts``) work for
    the candidate; the sponsor's people (``members``) are members of the
    evaluation. Which of the record's fields hold them its kind says
    (`partners.evidence`).
    """
    kind = kind_of(record)
    if record.pk is None:
        record.created_by = by
    record.full_clean()
    _check_site(record.candidate, record.site)
    _check_people(kind, record.candidate, contacts, members)
    with files_removed_on_rollback() as written, transaction.atomic():
        record.save()
        getattr(record, kind.contacts_field).set(contacts)
        getattr(record, kind.members_field).set(members)
        for upload in uploads:
            _attach(upload=upload, by=by, written=written, parent=record)
    notify_inputs_changed(evaluation_id=record.candidate.evaluation_id, by=by)
    return record


@service
def attachment_add(*, parent, upload, by) -> Attachment:
    """Attach a file (checked by its content) to an evidence record."""
    with files_removed_on_rollback() as written, transaction.atomic():
        attachment = _attach(upload=upload, by=by, written=written, parent=parent)
    return attachment


@service
def finding_save(*, finding: Finding, by) -> Finding:
    """Create or update a finding. The evidence record it came from, when its
    source is a kind of evidence, is named and about the same candidate; the owner
    is a member of the evaluation."""
    candidate = finding.candidate
    errors = {}
    source = BY_KEY.get(finding.source)
    for kind in EVIDENCE_KINDS:
        record = getattr(finding, kind.name)
        if kind is not source:
            # Keep only the link that matches the source.
            setattr(finding, kind.name, None)
        elif record is None:
            errors[kind.name] = _("Choose the %(kind)s this came from.") % {
                "kind": str(kind.label).lower()
            }
        elif record.candidate_id != candidate.pk:
            errors[kind.name] = _("That %(kind)s is about another candidate.") % {
                "kind": str(kind.label).lower()
            }
    errors.update(owner_errors(candidate, finding.owner_id))
    if errors:
        raise ValidationError(errors)
    if finding.pk is None:
        finding.created_by = by
    finding.full_clean()
    finding.save()
    return finding


# --- the shared CDMO directory ---------------------------------------------------

ERASED_NAME = "Erased contact"


@service
@transaction.atomic
def contact_erase(*, contact: Contact, reason: str, by) -> Contact:
    """Honour an erasure request: the contact's name, title and email are cleared.

    The audit trail never held their values (`partners.audited`: they are
    recorded as changed, without values, and the trail names a contact by its
    key), so clearing the record erases them everywhere; what the contact said in
    interviews stays as the team's notes. The erasure itself is recorded, with
    its reason.
    """
    if not reason.strip():
        raise ValidationError({"reason": _("Say which request this erasure honours.")})
    contact.name, contact.title, contact.email = ERASED_NAME, "", ""
    with because(reason):
        contact.save(update_fields=["name", "title", "email"])
    return contact


@service
def directory_save(*, record: Cdmo | Site | Contact, by) -> Cdmo | Site | Contact:
    """Save a CDMO, site or contact of the shared directory: its fields as the
    model validates them, and a contact's site one of its CDMO's."""
    record.full_clean()
    if isinstance(record, Contact) and record.site_id:
        if record.site.cdmo_id != record.cdmo_id:
            raise ValidationError({"site": _("Choose one of this CDMO's sites.")})
    record.save()
    return record
