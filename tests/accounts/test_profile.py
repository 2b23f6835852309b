"""The profile page and the reader's time zone (#17 item 4)."""

import csv
import datetime as dt
import io
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts import services
from accounts.middleware import SESSION_KEY
from accounts.models import Profile
from accounts.selectors import time_zone_of
from audit.models import AuditEntry
from cdmo_eval.dates import shown
from partners.models import Finding, Role
from scorecards.reports.exports import Table, to_csv, to_xlsx
from tests.factories import CandidateFactory, FindingFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password-1"


def test_a_new_user_reads_in_the_installations_zone(as_user, settings):
    settings.TIME_ZONE = "UTC"
    user = UserFactory()
    html = as_user(user).get(reverse("profile")).content.decode()
    assert "The installation&#x27;s (UTC)" in html or "The installation's (UTC)" in html
    assert time_zone_of(user) == "UTC"


def test_choosing_a_zone_saves_it_audited_and_pages_follow(as_user):
    user = UserFactory()
    client = as_user(user)
    response = client.post(
        reverse("profile"), {"time_zone": "Asia/Tokyo", "digest": "daily"}
    )
    assert response.status_code == 302
    assert Profile.objects.get(user=user).time_zone == "Asia/Tokyo"
    entry = AuditEntry.objects.get(object_repr=f"Profile of {user.username}")
    assert entry.actor == user
    assert client.session[SESSION_KEY] == "Asia/Tokyo"
    html = client.get(reverse("profile")).content.decode()
    assert "(Asia/Tokyo)" in html and " JST" in html
    assert 'value="Asia/Tokyo" selected' in html


def test_an_unknown_zone_is_refused_next_to_the_field_and_nothing_is_saved(as_user):
    user = UserFactory()
    services.profile_update(user=user, by=user, time_zone="Europe/Berlin")
    client = as_user(user)
    response = client.post(
        reverse("profile"), {"time_zone": "Mars/Olympus_Mons", "digest": "daily"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="error_1_id_time_zone"' in html or "invalid-feedback" in html
    assert "Mars/Olympus_Mons is not one of the available choices" in html
    assert Profile.objects.get(user=user).time_zone == "Europe/Berlin"


def test_the_service_refuses_an_unknown_zone_too():
    from django.core.exceptions import ValidationError

    user = UserFactory()
    with pytest.raises(ValidationError) as refused:
        services.profile_update(user=user, by=user, time_zone="Nowhere/Land")
    assert "time_zone" in refused.value.message_dict
    assert not Profile.objects.filter(user=user).exists()


def test_signing_in_reads_the_zone_into_the_session(client):
    user = UserFactory()
    user.set_password(PASSWORD)
    user.save()
    services.profile_update(user=user, by=user, time_zone="America/New_York")
    client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert client.session[SESSION_KEY] == "America/New_York"


def test_the_zone_costs_a_page_no_query(as_user, evaluation, member):
    user = member(Role.LEAD)
    client = as_user(user)
    url = reverse("evaluation_detail", args=[evaluation.key])
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    services.profile_update(user=user, by=user, time_zone="Asia/Kolkata")
    client.force_login(user)
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(after) == len(before)


def test_one_format_for_days_and_moments():
    moment = dt.datetime(2026, 12, 2, 23, 30, tzinfo=dt.UTC)
    with timezone.override(zoneinfo.ZoneInfo("Europe/Berlin")):
        assert shown(moment) == "3 Dec 2026, 00:30 CET"
    assert shown(dt.date(2026, 12, 2)) == "2 Dec 2026"
    assert shown(None) == ""


def test_exports_show_days_and_moments_as_the_pages_do(as_user, evaluation, member):
    candidate = CandidateFactory(evaluation=evaluation)
    finding = FindingFactory(candidate=candidate, text="Gap")
    Finding.objects.filter(pk=finding.pk).update(
        updated_at=dt.datetime(2026, 12, 2, 20, 0, tzinfo=dt.UTC)
    )
    user = member(Role.PROCUREMENT)
    services.profile_update(user=user, by=user, time_zone="Asia/Tokyo")
    client = as_user(user)
    response = client.get(
        reverse("finding_register", args=[evaluation.key]), {"format": "csv"}
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0]["Updated"] == "3 Dec 2026"  # the next day in Tokyo

    moment = dt.datetime(2026, 12, 2, 9, 5, tzinfo=dt.UTC)
    table = Table("t", ["day", "moment"], [[dt.date(2026, 12, 2), moment]])
    assert to_csv(table).decode("utf-8-sig").splitlines()[1] == (
        '2 Dec 2026,"2 Dec 2026, 09:05 UTC"'
    )
    sheet = load_workbook(io.BytesIO(to_xlsx(table))).active
    day, when = sheet["A2"], sheet["B2"]
    assert day.value.date() == dt.date(2026, 12, 2)
    assert day.number_format == "d mmm yyyy"
    assert when.value == "2 Dec 2026, 09:05 UTC"
