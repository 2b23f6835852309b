import re

import pytest
from django.core import mail
from django.urls import reverse

from audit.models import AuditEntry
from partners.models import Evaluation, Membership, Role
from tests.factories import EvaluationFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_list_shows_only_my_evaluations(as_user, evaluation, member):
    other = EvaluationFactory(name="Someone else's program")
    user = member(Role.OBSERVER)
    page = as_user(user).get(reverse("evaluation_list")).content.decode()
    assert evaluation.name in page
    assert other.name not in page
    assert "Observer" in page


def test_list_query_count_is_constant(as_user, django_assert_max_num_queries):
    user = UserFactory()
    client = as_user(user)
    for n in (5, 50):
        while Membership.objects.filter(user=user).count() < n:
            MembershipFactory(user=user)
        with django_assert_max_num_queries(8):
            response = client.get(reverse("evaluation_list"))
        assert response.content.decode().count("<tr>") == n + 1


def test_anonymous_is_sent_to_sign_in(client, evaluation):
    response = client.get(evaluation.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", list(Role))
def test_every_member_role_reads_the_dashboard(as_user, evaluation, member, role):
    response = as_user(member(role)).get(evaluation.get_absolute_url())
    assert response.status_code == 200
    assert evaluation.name in response.content.decode()


def _add(client, evaluation, user, role="observer"):
    return client.post(
        reverse("member_add", args=[evaluation.key]),
        {"add-user": user.username, "add-role": role},
    )


def test_lead_adds_an_existing_user(as_user, evaluation, member):
    newcomer = UserFactory(username="newcomer")
    response = _add(as_user(member(Role.LEAD)), evaluation, newcomer)
    assert response.status_code == 302
    assert (
        Membership.objects.get(evaluation=evaluation, user=newcomer).role == "observer"
    )


def test_evaluator_cannot_add_members(as_user, evaluation, member):
    newcomer = UserFactory()
    response = _add(as_user(member(Role.EVALUATOR)), evaluation, newcomer)
    assert response.status_code == 403
    assert not Membership.objects.filter(user=newcomer).exists()


def test_add_unknown_user_shows_error_next_to_field(as_user, evaluation, member):
    client = as_user(member(Role.LEAD))
    response = client.post(
        reverse("member_add", args=[evaluation.key]),
        {"add-user": "nobody-here", "add-role": "observer"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "No active account is called" in page
    assert 'value="nobody-here"' in page  # what the user typed is kept


def test_add_twice_is_refused_with_a_message(as_user, evaluation, member):
    lead = member(Role.LEAD)
    existing = member(Role.OBSERVER)
    response = _add(as_user(lead), evaluation, existing, role="evaluator")
    assert response.status_code == 400
    assert "already a member" in response.content.decode()
    assert Membership.objects.get(user=existing).role == "observer"


def test_lead_changes_a_role(as_user, evaluation, member):
    client = as_user(member(Role.LEAD))
    target = Membership.objects.get(user=member(Role.OBSERVER))
    client.post(
        reverse("member_role", args=[evaluation.key, target.pk]),
        {f"m{target.pk}-role": "evaluator", f"m{target.pk}-reason": "Joins scoring"},
    )
    target.refresh_from_db()
    assert target.role == "evaluator"
    entry = AuditEntry.objects.get(
        object_id=target.pk, content_type__model="membership", action=1
    )
    assert entry.reason == "Joins scoring"
    assert entry.changes["role"] == ["observer", "evaluator"]


def test_a_role_change_or_a_removal_needs_a_reason(as_user, evaluation, member):
    client = as_user(member(Role.LEAD))
    target = Membership.objects.get(user=member(Role.OBSERVER))
    response = client.post(
        reverse("member_role", args=[evaluation.key, target.pk]),
        {f"m{target.pk}-role": "evaluator", f"m{target.pk}-reason": " "},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'aria-invalid="true"' in page and "This field is required." in page
    # What was chosen stays chosen.
    assert '<option value="evaluator" selected>' in page
    response = client.post(
        reverse("member_remove", args=[evaluation.key, target.pk]),
        {f"x{target.pk}-reason": ""},
    )
    assert response.status_code == 400
    assert "<details open>" in response.content.decode()
    target.refresh_from_db()
    assert target.role == "observer"


def test_procurement_cannot_change_roles(as_user, evaluation, member):
    target = Membership.objects.get(user=member(Role.OBSERVER))
    client = as_user(member(Role.PROCUREMENT))
    response = client.post(
        reverse("member_role", args=[evaluation.key, target.pk]), {"role": "lead"}
    )
    assert response.status_code == 403
    target.refresh_from_db()
    assert target.role == "observer"


def test_last_lead_can_be_neither_demoted_nor_removed(as_user, evaluation, member):
    lead = member(Role.LEAD)
    mine = Membership.objects.get(user=lead)
    client = as_user(lead)
    response = client.post(
        reverse("member_role", args=[evaluation.key, mine.pk]),
        {f"m{mine.pk}-role": "observer", f"m{mine.pk}-reason": "Stepping back"},
    )
    assert response.status_code == 400
    assert "at least one lead" in response.content.decode()
    response = client.post(
        reverse("member_remove", args=[evaluation.key, mine.pk]),
        {f"x{mine.pk}-reason": "Leaving"},
    )
    assert response.status_code == 400
    assert "last lead cannot be removed" in response.content.decode()
    mine.refresh_from_db()
    assert mine.role == Role.LEAD


def test_second_lead_allows_removing_the_first(as_user, evaluation, member):
    lead = member(Role.LEAD)
    other_lead = Membership.objects.get(user=member(Role.LEAD))
    as_user(lead).post(
        reverse("member_remove", args=[evaluation.key, other_lead.pk]),
        {f"x{other_lead.pk}-reason": "Moved to another programme"},
    )
    assert not Membership.objects.filter(pk=other_lead.pk).exists()
    entry = AuditEntry.objects.get(
        object_id=other_lead.pk, content_type__model="membership", action=2
    )
    assert entry.reason == "Moved to another programme"


def test_member_of_another_evaluation_cannot_be_touched(as_user, evaluation, member):
    foreign = MembershipFactory(role=Role.OBSERVER)
    client = as_user(member(Role.LEAD))
    response = client.post(reverse("member_remove", args=[evaluation.key, foreign.pk]))
    assert response.status_code == 404
    assert Membership.objects.filter(pk=foreign.pk).exists()


def test_invite_creates_account_and_set_password_link_works(
    as_user, evaluation, member, client, django_capture_on_commit_callbacks
):
    lead_client = as_user(member(Role.LEAD))
    with django_capture_on_commit_callbacks(execute=True):
        response = lead_client.post(
            reverse("member_invite", args=[evaluation.key]),
            {
                "invite-email": "New.Person@CDMO-sponsor.example",
                "invite-role": "evaluator",
            },
        )
    assert response.status_code == 302
    invited = Membership.objects.get(user__email="new.person@cdmo-sponsor.example")
    assert invited.role == "evaluator"
    assert not invited.user.has_usable_password()
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert evaluation.name in mail.outbox[0].subject
    link = re.search(r"http://testserver(/accounts/reset/\S+)", body).group(1)

    client.logout()
    response = client.get(link, follow=True)
    assert response.status_code == 200
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": "a-Strong-pass-2026", "new_password2": "a-Strong-pass-2026"},
    )
    assert response.status_code == 302
    invited.user.refresh_from_db()
    assert invited.user.check_password("a-Strong-pass-2026")


def test_invite_with_bad_email_keeps_input(as_user, evaluation, member):
    client = as_user(member(Role.LEAD))
    response = client.post(
        reverse("member_invite", args=[evaluation.key]),
        {"invite-email": "not-an-email", "invite-role": "evaluator"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter a valid email address" in page
    assert 'value="not-an-email"' in page
    assert mail.outbox == []


def test_observer_sees_members_without_controls(as_user, evaluation, member):
    page = as_user(member(Role.OBSERVER)).get(
        reverse("member_list", args=[evaluation.key])
    )
    assert page.status_code == 200
    assert "Send invitation" not in page.content.decode()


def test_create_evaluation_makes_creator_lead(as_user, evaluation):
    from django.contrib.auth.models import Permission

    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="add_evaluation"))
    response = as_user(user).post(
        reverse("evaluation_create"),
        {
            "name": "New program",
            "key": "new-program",
            "program": "NP-1",
            "response_target_days": 5,
        },
    )
    assert response.status_code == 302
    assert (
        Membership.objects.get(user=user, evaluation__key="new-program").role == "lead"
    )


@pytest.mark.parametrize("key", ["new", "import"])
def test_create_evaluation_refuses_a_key_its_own_links_use(as_user, key):
    from django.contrib.auth.models import Permission

    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="add_evaluation"))
    response = as_user(user).post(
        reverse("evaluation_create"),
        {"name": "Shadow", "key": key, "program": "NP-1", "response_target_days": 5},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert re.search(
        r'id="id_key".*?is used by the site&#x27;s own links; choose another key',
        page,
        re.S,
    ), "the error sits with the key field"
    assert 'value="Shadow"' in page
    assert not Evaluation.objects.filter(key=key).exists()
    assert not Membership.objects.filter(user=user).exists()


def test_create_evaluation_needs_permission(as_user, member):
    response = as_user(member(Role.LEAD)).get(reverse("evaluation_create"))
    assert response.status_code == 403
