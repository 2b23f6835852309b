import datetime
import re

import pytest
from django.urls import reverse

from partners.models import Cdmo, Contact, Role, Site
from tests.factories import (
    CandidateFactory,
    CdmoFactory,
    ContactFactory,
    EvaluationFactory,
    SiteFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# The same bound for 5 and 50 rows proves the count does not grow with them. Measured
# for an observer (an editor needs one access query less): session and user 2, access
# check 2, the session's idle-timeout refresh 3 (savepoint, update, release), then the
# page's own: list 3 (count, modality choices, rows); detail 4 (CDMO, sites, contacts
# with their site, candidacies).
LIST_MAX_QUERIES = 10
DETAIL_MAX_QUERIES = 11


@pytest.fixture
def cdmo(db):
    return CdmoFactory(
        key="acme-bio",
        name="Acme Biologics",
        headquarters="Basel, Switzerland",
        ownership="Private equity",
        modalities="mAbs, ADCs",
        culture_meaning="Doing the right thing when nobody watches.",
        culture_how_built="Weekly gemba walks.",
        culture_customer_impact="One project manager from RFP to release.",
        culture_vision="Every batch on time.",
    )


def _page(response) -> str:
    return response.content.decode()


def _cdmo_data(**overrides) -> dict:
    data = {
        "name": "Nordic Fill Finish",
        "key": "nordic-fill",
        "headquarters": "Copenhagen, Denmark",
        "website": "https://nordic.example",
        "ownership": "Family-owned",
        "modalities": "mAbs, fill-finish",
        "culture_meaning": "Quality first.",
        "culture_how_built": "Training.",
        "culture_customer_impact": "Open books.",
        "culture_vision": "Trusted partner.",
    }
    return data | overrides


def _site_data(**overrides) -> dict:
    data = {
        "name": "Cork plant",
        "key": "cork-plant",
        "city": "Cork",
        "country": "ie",
        "capabilities": "2,000 L single-use bioreactors",
        "scale": "4 × 2,000 L",
        "stage": "both",
        "last_inspection_date": "2024-03-05",
        "last_inspection_outcome": "FDA PAI, no 483",
    }
    return data | overrides


def _contact_data(**overrides) -> dict:
    data = {
        "name": "Aoife Byrne",
        "key": "aoife-byrne",
        "title": "Head of MSAT",
        "level": "operations",
        "site": "",
        "email": "aoife@acme.example",
    }
    return data | overrides


# --- the three personas on every view ---------------------------------------------


def _read_urls(cdmo):
    return [reverse("cdmo_list"), reverse("cdmo_detail", args=[cdmo.key])]


def _write_requests(cdmo):
    """(url, valid POST data, model whose row count must not change when refused)"""
    site = SiteFactory(cdmo=cdmo)
    contact = ContactFactory(cdmo=cdmo)
    return [
        (reverse("cdmo_create"), _cdmo_data(), Cdmo),
        (reverse("cdmo_edit", args=[cdmo.key]), _cdmo_data(key=cdmo.key), Cdmo),
        (reverse("site_create", args=[cdmo.key]), _site_data(), Site),
        (reverse("site_edit", args=[cdmo.key, site.pk]), _site_data(), Site),
        (reverse("contact_create", args=[cdmo.key]), _contact_data(), Contact),
        (
            reverse("contact_edit", args=[cdmo.key, contact.pk]),
            _contact_data(),
            Contact,
        ),
    ]


@pytest.mark.parametrize("role", [Role.EVALUATOR, Role.OBSERVER])
def test_members_of_any_evaluation_read_the_directory(as_user, member, cdmo, role):
    client = as_user(member(role))
    for url in _read_urls(cdmo):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Acme Biologics" in _page(response)


def test_stranger_gets_404_on_every_directory_page(as_user, stranger, cdmo):
    client = as_user(stranger)
    for url in _read_urls(cdmo):
        assert client.get(url).status_code == 404, url
    for url, data, model in _write_requests(cdmo):
        before = list(model.objects.values())
        assert client.get(url).status_code == 404, url
        assert client.post(url, data).status_code == 404, url
        assert list(model.objects.values()) == before


def test_observer_may_not_open_or_submit_any_directory_form(as_user, member, cdmo):
    client = as_user(member(Role.OBSERVER))
    for url, data, model in _write_requests(cdmo):
        before = list(model.objects.values())
        assert client.get(url).status_code == 403, url
        assert client.post(url, data).status_code == 403, url
        assert list(model.objects.values()) == before


def test_evaluator_opens_every_directory_form(as_user, member, cdmo):
    client = as_user(member(Role.EVALUATOR))
    for url, _data, _model in _write_requests(cdmo):
        response = client.get(url)
        assert response.status_code == 200, url
        assert 'method="post"' in _page(response)


def test_editor_role_in_one_evaluation_is_enough(as_user, member, cdmo):
    """An observer here who evaluates elsewhere edits the shared directory."""
    user = member(Role.OBSERVER)
    EvaluationFactory().memberships.create(user=user, role=Role.EVALUATOR)
    assert as_user(user).get(reverse("cdmo_create")).status_code == 200


def test_a_cdmo_an_evaluation_weighs_is_edited_by_that_evaluations_editors(
    as_user, member, cdmo, evaluation
):
    """Its name is printed in that evaluation's dashboard, reports and exports: an
    evaluator elsewhere reads it but may not change it or its sites and contacts."""
    CandidateFactory(evaluation=evaluation, cdmo=cdmo)
    elsewhere = EvaluationFactory()
    outside = UserFactory(username="elsewhere")
    elsewhere.memberships.create(user=outside, role=Role.EVALUATOR)
    client = as_user(outside)
    for url, data, model in _write_requests(cdmo)[1:]:
        before = list(model.objects.values())
        assert client.get(url).status_code == 403, url
        assert client.post(url, data).status_code == 403, url
        assert list(model.objects.values()) == before
    assert Cdmo.objects.get(pk=cdmo.pk).name == "Acme Biologics"
    detail = _page(client.get(reverse("cdmo_detail", args=[cdmo.key])))
    assert reverse("cdmo_edit", args=[cdmo.key]) not in detail
    # an evaluator of the evaluation that weighs it edits it
    editor = as_user(member(Role.EVALUATOR))
    url = reverse("cdmo_edit", args=[cdmo.key])
    assert url in _page(editor.get(reverse("cdmo_detail", args=[cdmo.key])))
    assert editor.post(url, _cdmo_data(key=cdmo.key)).status_code == 302
    assert Cdmo.objects.get(pk=cdmo.pk).name == "Nordic Fill Finish"


def test_anonymous_is_sent_to_sign_in(client, cdmo):
    response = client.get(reverse("cdmo_detail", args=[cdmo.key]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_writes_accept_only_get_and_post(as_user, member, cdmo):
    client = as_user(member(Role.EVALUATOR))
    url = reverse("cdmo_edit", args=[cdmo.key])
    assert client.put(url).status_code == 405
    assert client.delete(url).status_code == 405
    assert Cdmo.objects.filter(pk=cdmo.pk).exists()


# --- the list -----------------------------------------------------------------------


def test_list_shows_counts_and_add_button_to_editors(as_user, member, cdmo):
    SiteFactory.create_batch(3, cdmo=cdmo)
    ContactFactory.create_batch(2, cdmo=cdmo)
    page = _page(as_user(member(Role.EVALUATOR)).get(reverse("cdmo_list")))
    row = re.search(r"<tr>\s*<th scope=\"row\">.*?</tr>", page, re.S).group(0)
    assert "Acme Biologics" in row
    assert "Basel, Switzerland" in row
    assert "Private equity" in row
    assert "mAbs, ADCs" in row
    assert re.findall(r'<td class="text-end">(\d+)</td>', row) == ["3", "2"]
    assert reverse("cdmo_create") in page


def test_list_hides_add_button_from_observers(as_user, member, cdmo):
    page = _page(as_user(member(Role.OBSERVER)).get(reverse("cdmo_list")))
    assert "Acme Biologics" in page
    assert reverse("cdmo_create") not in page


def test_search_matches_name_headquarters_and_modalities(as_user, member, cdmo):
    CdmoFactory(name="Viral Vector Co", headquarters="Boston, USA", modalities="AAV")
    client = as_user(member(Role.OBSERVER))
    for query in ("acme", "basel", "adcs"):
        page = _page(client.get(reverse("cdmo_list"), {"q": query}))
        assert "Acme Biologics" in page, query
        assert "Viral Vector Co" not in page, query
    page = _page(client.get(reverse("cdmo_list"), {"q": "no such company"}))
    assert "No CDMO matches these filters." in page


def test_modality_filter_offers_each_modality_once(as_user, member, cdmo):
    CdmoFactory(name="Viral Vector Co", modalities="AAV; mabs")
    client = as_user(member(Role.OBSERVER))
    page = _page(client.get(reverse("cdmo_list")))
    options = re.findall(r'<option value="([^"]+)"', page)
    assert [o for o in options if o.lower() in {"mabs", "adcs", "aav"}] == [
        "AAV",
        "ADCs",
        "mAbs",
    ]
    page = _page(client.get(reverse("cdmo_list"), {"modality": "ADCs"}))
    assert "Acme Biologics" in page
    assert "Viral Vector Co" not in page


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("name", ["Alpha", "Beta", "Gamma"]),
        ("-name", ["Gamma", "Beta", "Alpha"]),
        ("headquarters", ["Gamma", "Alpha", "Beta"]),
        ("-headquarters", ["Beta", "Alpha", "Gamma"]),
    ],
)
def test_ordering(as_user, member, ordering, expected):
    CdmoFactory(name="Alpha", headquarters="Berlin")
    CdmoFactory(name="Beta", headquarters="Zurich")
    CdmoFactory(name="Gamma", headquarters="Amsterdam")
    page = _page(
        as_user(member(Role.OBSERVER)).get(reverse("cdmo_list"), {"ordering": ordering})
    )
    names = re.findall(r'<th scope="row"><a href="[^"]+">(\w+)</a>', page)
    assert names == expected


def test_pagination_keeps_the_filter(as_user, member):
    for n in range(30):
        CdmoFactory(name=f"Biologics {n:02d}", headquarters="Dublin")
    CdmoFactory(name="Unrelated Pharma", headquarters="Oslo")
    client = as_user(member(Role.OBSERVER))
    query = {"q": "biologics", "ordering": "-name"}

    first = _page(client.get(reverse("cdmo_list"), query))
    assert first.count('<th scope="row">') == 25
    assert "Biologics 29" in first and "Biologics 05" in first
    assert "Biologics 04" not in first
    assert "30 CDMOs" in first
    next_link = re.search(r'href="\?([^"]+)" rel="next"', first).group(1)
    assert sorted(next_link.split("&amp;")) == [
        "ordering=-name",
        "page=2",
        "q=biologics",
    ]

    second = _page(client.get(reverse("cdmo_list"), query | {"page": 2}))
    names = re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', second)
    assert names == [f"Biologics {n:02d}" for n in (4, 3, 2, 1, 0)]
    assert "Unrelated Pharma" not in second
    assert 'aria-current="page"><span class="visually-hidden">Page </span>2' in second


def test_pagination_tolerates_a_bad_page_number(as_user, member, cdmo):
    response = as_user(member(Role.OBSERVER)).get(reverse("cdmo_list"), {"page": "999"})
    assert response.status_code == 200
    assert "Acme Biologics" in _page(response)


def _populate(count: int) -> None:
    while Cdmo.objects.count() < count:
        company = CdmoFactory()
        SiteFactory.create_batch(2, cdmo=company)
        ContactFactory.create_batch(2, cdmo=company)


@pytest.mark.parametrize("role", [Role.EVALUATOR, Role.OBSERVER])
def test_list_query_count_is_constant(
    as_user, member, role, django_assert_max_num_queries
):
    client = as_user(member(role))
    for size in (5, 50):
        _populate(size)
        with django_assert_max_num_queries(LIST_MAX_QUERIES):
            response = client.get(reverse("cdmo_list"))
        page = _page(response)
        assert page.count('<th scope="row">') == min(size, 25)
        assert page.count('<td class="text-end">2</td>') == 2 * min(size, 25)


# --- the detail page ----------------------------------------------------------------


def test_detail_shows_facts_culture_sites_and_contacts(as_user, member, cdmo):
    site = SiteFactory(
        cdmo=cdmo,
        name="Visp plant",
        capabilities="Mammalian cell culture",
        scale="3 × 15,000 L",
        stage=Site.Stage.COMMERCIAL,
        last_inspection_date=datetime.date(2024, 3, 5),
        last_inspection_outcome="EMA, no critical findings",
    )
    ContactFactory(
        cdmo=cdmo,
        name="Jana Meier",
        title="Head of QA",
        level="quality",
        site=site,
        email="jana@acme.example",
    )
    page = _page(
        as_user(member(Role.OBSERVER)).get(reverse("cdmo_detail", args=[cdmo.key]))
    )
    for text in (
        "Private equity",
        "<dt>What culture means to them</dt>",
        "Doing the right thing when nobody watches.",
        "<dt>How they build it internally</dt>",
        "Weekly gemba walks.",
        "<dt>How it shows in the customer experience</dt>",
        "One project manager from RFP to release.",
        "<dt>Their vision</dt>",
        "Every batch on time.",
        "Mammalian cell culture",
        "3 × 15,000 L",
        "Commercial",
        "5 Mar 2024",
        "EMA, no critical findings",
        "Jana Meier",
        "Head of QA",
        "Quality</span>",
        "jana@acme.example",
    ):
        assert text in page, text
    # Jana's row names her site.
    assert re.search(r"Jana Meier</th>.*?<td>Visp plant</td>", page, re.S)


def test_detail_edit_links_only_for_editors(as_user, member, cdmo):
    site = SiteFactory(cdmo=cdmo)
    contact = ContactFactory(cdmo=cdmo)
    links = [
        reverse("cdmo_edit", args=[cdmo.key]),
        reverse("site_create", args=[cdmo.key]),
        reverse("site_edit", args=[cdmo.key, site.pk]),
        reverse("contact_create", args=[cdmo.key]),
        reverse("contact_edit", args=[cdmo.key, contact.pk]),
    ]
    url = reverse("cdmo_detail", args=[cdmo.key])
    editor_page = _page(as_user(member(Role.EVALUATOR)).get(url))
    observer_page = _page(as_user(member(Role.OBSERVER)).get(url))
    for link in links:
        assert f'href="{link}"' in editor_page, link
        assert f'href="{link}"' not in observer_page, link


def test_detail_lists_only_my_evaluations(as_user, member, evaluation, cdmo):
    mine = CandidateFactory(evaluation=evaluation, cdmo=cdmo)
    not_mine = CandidateFactory(
        evaluation=EvaluationFactory(name="Secret oncology program"), cdmo=cdmo
    )
    page = _page(
        as_user(member(Role.OBSERVER)).get(reverse("cdmo_detail", args=[cdmo.key]))
    )
    assert evaluation.name in page
    assert mine.get_absolute_url() in page
    assert "Secret oncology program" not in page
    assert not_mine.get_absolute_url() not in page


def test_detail_of_unknown_cdmo_is_404(as_user, member):
    response = as_user(member(Role.OBSERVER)).get(reverse("cdmo_detail", args=["nope"]))
    assert response.status_code == 404


@pytest.mark.parametrize("role", [Role.EVALUATOR, Role.OBSERVER])
def test_detail_query_count_is_constant(
    as_user, member, role, evaluation, cdmo, django_assert_max_num_queries
):
    sites = SiteFactory.create_batch(3, cdmo=cdmo)
    CandidateFactory(evaluation=evaluation, cdmo=cdmo, bulk_site=sites[0])
    client = as_user(member(role))
    url = reverse("cdmo_detail", args=[cdmo.key])
    for size in (5, 50):
        while cdmo.contacts.count() < size:
            ContactFactory(cdmo=cdmo, site=sites[cdmo.contacts.count() % 3])
        with django_assert_max_num_queries(DETAIL_MAX_QUERIES):
            response = client.get(url)
        assert _page(response).count("badge badge-level") == size


# --- creating and editing a CDMO --------------------------------------------------


def test_editor_creates_a_cdmo(as_user, member):
    client = as_user(member(Role.EVALUATOR))
    response = client.post(
        reverse("cdmo_create"), _cdmo_data(key="Nordic-Fill"), follow=True
    )
    created = Cdmo.objects.get(name="Nordic Fill Finish")
    assert created.key == "nordic-fill"
    assert created.culture_vision == "Trusted partner."
    assert response.redirect_chain == [(created.get_absolute_url(), 302)]
    assert "CDMO added to the directory." in _page(response)


def test_editor_edits_a_cdmo_and_its_key(as_user, member, cdmo):
    client = as_user(member(Role.EVALUATOR))
    url = reverse("cdmo_edit", args=[cdmo.key])
    form_page = _page(client.get(url))
    assert 'value="Acme Biologics"' in form_page
    response = client.post(url, _cdmo_data(name="Acme Bio AG", key="acme-ag"))
    cdmo.refresh_from_db()
    assert (cdmo.name, cdmo.key) == ("Acme Bio AG", "acme-ag")
    assert response.status_code == 302
    assert response["Location"] == reverse("cdmo_detail", args=["acme-ag"])


def test_duplicate_key_is_refused_next_to_the_field(as_user, member, cdmo):
    client = as_user(member(Role.EVALUATOR))
    before = Cdmo.objects.count()
    response = client.post(
        reverse("cdmo_create"), _cdmo_data(name="Copycat", key="ACME-BIO")
    )
    assert response.status_code == 400
    page = _page(response)
    assert Cdmo.objects.count() == before
    assert re.search(r'id="id_key".*?Another CDMO already uses this key', page, re.S), (
        "the error sits with the key field"
    )
    assert 'value="Copycat"' in page  # typed values are kept


@pytest.mark.parametrize("key", ["new", "New", "import"])
def test_key_used_by_the_sites_own_links_is_refused_next_to_the_field(
    as_user, member, key
):
    client = as_user(member(Role.EVALUATOR))
    response = client.post(reverse("cdmo_create"), _cdmo_data(name="Shadow", key=key))
    assert response.status_code == 400
    page = _page(response)
    assert re.search(
        r'id="id_key".*?is used by the site&#x27;s own links; choose another key',
        page,
        re.S,
    ), "the error sits with the key field"
    assert 'value="Shadow"' in page
    assert not Cdmo.objects.exists()


def test_reserved_key_on_edit_keeps_the_old_record(as_user, member, cdmo):
    client = as_user(member(Role.EVALUATOR))
    response = client.post(
        reverse("cdmo_edit", args=[cdmo.key]), _cdmo_data(name="Renamed", key="new")
    )
    assert response.status_code == 400
    assert "choose another key" in _page(response)
    cdmo.refresh_from_db()
    assert (cdmo.key, cdmo.name) == ("acme-bio", "Acme Biologics")


def test_duplicate_key_on_edit_keeps_the_old_record(as_user, member, cdmo):
    other = CdmoFactory(key="other", name="Other Co")
    client = as_user(member(Role.EVALUATOR))
    response = client.post(
        reverse("cdmo_edit", args=[other.key]), _cdmo_data(name="Renamed", key=cdmo.key)
    )
    assert response.status_code == 400
    page = _page(response)
    assert "Another CDMO already uses this key" in page
    # Links on the page still go to the record as it is stored.
    assert f'href="{other.get_absolute_url()}"' in page
    other.refresh_from_db()
    assert (other.key, other.name) == ("other", "Other Co")


def test_cdmo_form_shows_errors_per_field(as_user, member):
    client = as_user(member(Role.EVALUATOR))
    response = client.post(
        reverse("cdmo_create"),
        _cdmo_data(name="", key="not a slug", website="nope"),
    )
    assert response.status_code == 400
    page = _page(response)
    assert "This field is required." in page
    assert "Enter a valid URL." in page
    assert "letters, numbers, underscores or hyphens" in page
    assert 'value="Copenhagen, Denmark"' in page
    assert not Cdmo.objects.exists()


# --- sites --------------------------------------------------------------------------


def test_editor_adds_a_site(as_user, member, cdmo):
    client = as_user(member(Role.EVALUATOR))
    form_page = _page(client.get(reverse("site_create", args=[cdmo.key])))
    assert 'type="date" name="last_inspection_date"' in form_page
    assert 'name="cdmo"' not in form_page
    response = client.post(reverse("site_create", args=[cdmo.key]), _site_data())
    assert response.status_code == 302
    assert response["Location"] == cdmo.get_absolute_url()
    site = Site.objects.get(key="cork-plant")
    assert site.cdmo == cdmo
    assert site.country == "IE"
    assert site.last_inspection_date == datetime.date(2024, 3, 5)


def test_editor_edits_a_site(as_user, member, cdmo):
    site = SiteFactory(cdmo=cdmo, last_inspection_date=datetime.date(2023, 1, 9))
    client = as_user(member(Role.EVALUATOR))
    url = reverse("site_edit", args=[cdmo.key, site.pk])
    assert 'value="2023-01-09"' in _page(client.get(url))
    response = client.post(url, _site_data(key=site.key, scale="1 × 500 L"))
    assert response.status_code == 302
    site.refresh_from_db()
    assert site.scale == "1 × 500 L"
    assert site.cdmo == cdmo


def test_site_bad_input_is_shown_and_kept(as_user, member, cdmo):
    client = as_user(member(Role.EVALUATOR))
    response = client.post(
        reverse("site_create", args=[cdmo.key]),
        _site_data(country="I3", last_inspection_date="yesterday"),
    )
    assert response.status_code == 400
    page = _page(response)
    assert "Use the two-letter ISO code" in page
    assert "Enter a valid date." in page
    assert 'value="I3"' in page
    assert not Site.objects.exists()


def test_site_of_another_cdmo_cannot_be_edited_through_this_one(as_user, member, cdmo):
    foreign = SiteFactory(name="Their plant")
    client = as_user(member(Role.EVALUATOR))
    url = reverse("site_edit", args=[cdmo.key, foreign.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, _site_data()).status_code == 404
    foreign.refresh_from_db()
    assert foreign.name == "Their plant"


# --- contacts -----------------------------------------------------------------------


def test_editor_adds_a_contact_at_one_of_its_sites(as_user, member, cdmo):
    site = SiteFactory(cdmo=cdmo, name="Visp plant")
    SiteFactory(name="Someone else's plant")
    client = as_user(member(Role.EVALUATOR))
    form_page = _page(client.get(reverse("contact_create", args=[cdmo.key])))
    assert "Visp plant" in form_page
    assert "Someone else&#x27;s plant" not in form_page
    response = client.post(
        reverse("contact_create", args=[cdmo.key]), _contact_data(site=site.pk)
    )
    assert response.status_code == 302
    contact = Contact.objects.get(key="aoife-byrne")
    assert (contact.cdmo, contact.site, contact.level) == (cdmo, site, "operations")


def test_contact_at_a_site_of_another_cdmo_is_refused(as_user, member, cdmo):
    foreign = SiteFactory()
    client = as_user(member(Role.EVALUATOR))
    response = client.post(
        reverse("contact_create", args=[cdmo.key]), _contact_data(site=foreign.pk)
    )
    assert response.status_code == 400
    page = _page(response)
    assert re.search(r'id="id_site".*?Choose one of this CDMO', page, re.S)
    assert 'value="Aoife Byrne"' in page
    assert not Contact.objects.exists()


def test_editor_edits_a_contact(as_user, member, cdmo):
    contact = ContactFactory(cdmo=cdmo, name="Old Name")
    client = as_user(member(Role.EVALUATOR))
    url = reverse("contact_edit", args=[cdmo.key, contact.pk])
    response = client.post(
        url, _contact_data(key=contact.key, level="leadership"), follow=True
    )
    assert response.redirect_chain == [(cdmo.get_absolute_url(), 302)]
    assert "Contact updated." in _page(response)
    contact.refresh_from_db()
    assert (contact.name, contact.level) == ("Aoife Byrne", "leadership")


def test_contact_requires_a_level(as_user, member, cdmo):
    client = as_user(member(Role.EVALUATOR))
    response = client.post(
        reverse("contact_create", args=[cdmo.key]), _contact_data(level="")
    )
    assert response.status_code == 400
    assert re.search(r'id="id_level".*?This field is required', _page(response), re.S)
    assert not Contact.objects.exists()


def test_contact_of_another_cdmo_cannot_be_edited_through_this_one(
    as_user, member, cdmo
):
    foreign = ContactFactory(name="Their person")
    client = as_user(member(Role.EVALUATOR))
    url = reverse("contact_edit", args=[cdmo.key, foreign.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, _contact_data()).status_code == 404
    foreign.refresh_from_db()
    assert foreign.name == "Their person"
