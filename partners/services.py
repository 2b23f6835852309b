"""Writes for evaluations, membership and candidates: one path per change."""

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from .models import Evaluation, Membership, Role

User = get_user_model()


@transaction.atomic
def evaluation_create(*, created_by, **fields) -> Evaluation:
    """Create an evaluation; whoever creates it becomes its first lead."""
    evaluation = Evaluation.objects.create(created_by=created_by, **fields)
    Membership.objects.create(
        evaluation=evaluation, user=created_by, role=Role.LEAD, added_by=created_by
    )
    return evaluation


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


@transaction.atomic
def membership_change_role(*, membership: Membership, role: str, by) -> Membership:
    """Change a member's role; an evaluation always keeps at least one lead."""
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
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, by) -> None:
    """Remove a member; the last lead cannot be removed."""
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
    membership.delete()


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
