"""One date format everywhere, in each reader's own time zone (#17 item 4).

Every GET page of the permission table's world, read by a member whose profile
says Asia/Tokyo: a day reads "3 Dec 2026" and a moment "3 Dec 2026, 23:05 JST" —
no US or ISO days in the text, no "p.m.", no time without its zone.
"""

import re

import pytest
from django.test import Client

from accounts import services as accounts_services
from tests.routes import ROLES, build_world, page_visits

MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
FULL_MONTHS = (
    "January|February|March|April|June|July|August|September|October|November|December"
)
WRONG = {
    "US-style day": re.compile(rf"\b(?:{MONTHS})[a-z]*\.? \d{{1,2}}, \d{{4}}"),
    "ISO day in text": re.compile(r"\b\d{4}-\d{2}-\d{2}\b"),
    "full month name": re.compile(rf"\b\d{{1,2}} (?:{FULL_MONTHS}) \d{{4}}"),
    "12-hour time": re.compile(r"\b[ap]\.m\.|\bmidnight\b|\bnoon\b"),
    "time without its zone": re.compile(
        r"\b\d{1,2}:\d{2}(?::\d{2})?\b(?!:| ?(?:[A-Z]{2,5}\b|[+-]\d))"
    ),
}
TOKYO_MOMENT = re.compile(rf"\b\d{{1,2}} (?:{MONTHS}) \d{{4}}, \d{{2}}:\d{{2}} JST\b")


def visible_text(html: str) -> str:
    html = re.sub(r"(?is)<(script|style|template)\b.*?</\1>", " ", html)
    html = re.sub(r"(?is)<!--.*?-->", " ", html)
    html = re.sub(r"(?s)<[^>]+>", " ", html)
    return re.sub(r"\s+", " ", html)


@pytest.mark.django_db
def test_every_page_shows_days_and_moments_one_way_in_the_readers_zone():
    world = build_world()
    clients = {}
    for role in ROLES[:5]:
        user = world.users[role]
        accounts_services.profile_update(user=user, by=user, time_zone="Asia/Tokyo")
        clients[role] = Client()
        clients[role].force_login(user)  # sign-in reads the zone into the session
    problems, moments, pages = [], 0, 0
    for role, url, _route in page_visits(world):
        response = clients[role].get(url)
        if response.status_code != 200 or "text/html" not in response.get(
            "Content-Type", ""
        ):
            continue
        if response.streaming:
            continue
        pages += 1
        text = visible_text(response.content.decode())
        moments += len(TOKYO_MOMENT.findall(text))
        for what, pattern in WRONG.items():
            for match in pattern.finditer(text):
                around = text[max(0, match.start() - 40) : match.end() + 20]
                problems.append(f"{url} ({role}): {what}: …{around}…")
    assert pages > 60
    assert moments > 10, "no page showed a moment in the reader's zone"
    assert not problems, "\n".join(problems[:40])
