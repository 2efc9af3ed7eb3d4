"""The profile pages of companies and schools, their locations and the logo, through the real
forms: what is saved, what is refused next to its field, and who may open the pages."""
import io

import pytest
from flask_babel import gettext
from PIL import Image

from portal import security
from portal.audit import AuditEvent
from portal.organisations.models import Company, Location, School
from portal.taxonomy.services import sector_by_code
from tests.views.helpers import (
    LOGIN_URL,
    count,
    field_error,
    find,
    find_form,
    form_alert,
    location,
    login,
    reload,
    submit,
    text,
)

PROFILE_URL = "/bedrijf/profiel"
RESUBMIT_URL = "/bedrijf/profiel/opnieuw-indienen"
LOGO_URL = "/bedrijf/logo"
REMOVE_LOGO_URL = "/bedrijf/logo/verwijderen"
LOCATIONS_URL = "/bedrijf/locaties"
SCHOOL_URL = "/school/profiel"


@pytest.fixture(autouse=True)
def upload_dir(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path))
    return tmp_path / "logos"


def sector_ids(*codes):
    return [sector_by_code(code).id for code in codes]


def signed_in_owner(client, make, **fields):
    company = make.company(**fields)
    login(client, make.owner_of(company))
    return company


def image(kind="PNG", size=(900, 300)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (194, 65, 12)).save(buffer, kind)
    return buffer.getvalue()


def upload(client, content, filename="logo.png"):
    """Send a file with the profile page's logo form, as a browser would."""
    page = text(client.get(PROFILE_URL))
    assert 'enctype="multipart/form-data"' in page
    assert 'type="file"' in page and 'name="logo"' in page
    values = find_form(page, LOGO_URL).defaults()  # the CSRF token
    values["logo"] = (io.BytesIO(content), filename)
    return client.post(LOGO_URL, data=values, content_type="multipart/form-data")


def state(company):
    company = reload(Company, company.id)
    return (company.name, company.kvk_number, company.place_id, company.description,
            company.website, company.status, company.logo,
            sorted(s.id for s in company.sectors))


# --- the company profile ---------------------------------------------------------------------


def test_the_profile_form_shows_the_companys_data(client, make):
    company = signed_in_owner(client, make, name="Scheldewerf", place="Terneuzen")

    page = text(client.get(PROFILE_URL))

    assert 'value="Scheldewerf"' in page
    assert f'value="{company.kvk_number}"' in page
    assert 'value="Terneuzen (Zeeland)"' in page
    assert f'href="{LOCATIONS_URL}"' in page
    assert f'href="{PROFILE_URL}"' in text(client.get("/bedrijf"))  # in the navigation


def test_a_member_saves_the_profile_and_stays_approved(client, make):
    company = signed_in_owner(client, make)

    response = submit(client, PROFILE_URL, {
        "name": "Scheldewerf Techniek", "place": "Goes", "sectors": sector_ids("maritiem"),
        "description": "Scheepsbouw en onderhoud.", "website": "https://scheldewerf.example"})

    assert response.status_code == 302
    assert location(response) == PROFILE_URL
    company = reload(Company, company.id)
    assert (company.name, company.place.name, company.website, company.status) == (
        "Scheldewerf Techniek", "Goes", "https://scheldewerf.example", "approved")
    assert [s.code for s in company.sectors] == ["maritiem"]
    assert count(AuditEvent, AuditEvent.action == "company.updated",
                 AuditEvent.subject_id == company.id) == 1


def test_a_new_number_sends_the_company_back_for_checking(client, make):
    company = signed_in_owner(client, make)

    response = submit(client, PROFILE_URL, {"number": "BE 0403.170.701"}, follow_redirects=True)

    assert response.status_code == 200
    assert 'class="alert alert-warning"' in text(response)
    company = reload(Company, company.id)
    assert (company.enterprise_number, company.kvk_number, company.status) == (
        "0403170701", None, "pending")
    assert 'value="0403.170.701"' in text(client.get(PROFILE_URL))


@pytest.mark.parametrize("data, name", [
    ({"name": ""}, "name"),
    ({"number": "1234"}, "number"),
    ({"place": "Middelburg"}, "place"),
    ({"sectors": None}, "sectors"),
    ({"website": "scheldewerf"}, "website"),
])
def test_a_wrong_profile_answers_422_next_to_the_field(client, make, data, name):
    company = signed_in_owner(client, make)
    before = state(company)

    response = submit(client, PROFILE_URL, data)

    assert response.status_code == 422
    assert field_error(response, name)
    assert form_alert(response)
    assert state(company) == before


def test_a_number_of_another_company_answers_422_on_number(client, make):
    taken = make.company().kvk_number
    company = signed_in_owner(client, make)
    before = state(company)

    response = submit(client, PROFILE_URL, {"number": taken})

    assert response.status_code == 422
    assert field_error(response, "number")
    assert gettext("A company with this number is already registered.") in text(response)
    assert state(company) == before


# --- a rejected company sends its data again -------------------------------------------------


def test_a_rejected_company_corrects_its_data_and_sends_it_again(client, make):
    company = make.rejected_company(reason="Onbekend KvK-nummer")
    login(client, make.owner_of(company))
    page = text(client.get(PROFILE_URL))
    assert "Onbekend KvK-nummer" in page
    assert f'action="{RESUBMIT_URL}"' in page

    assert submit(client, PROFILE_URL, {"number": "87654321"}).status_code == 302
    assert reload(Company, company.id).status == "rejected"
    response = submit(client, PROFILE_URL, action=RESUBMIT_URL)

    assert response.status_code == 302
    assert location(response) == "/bedrijf"
    company = reload(Company, company.id)
    assert (company.status, company.kvk_number) == ("pending", "87654321")
    assert f'action="{RESUBMIT_URL}"' not in text(client.get(PROFILE_URL))


def test_a_rejected_claim_frees_the_number_for_the_real_company(client, make):
    false_claim = make.rejected_company()
    login(client, make.user(security.COMPANY_MEMBER))

    response = submit(client, "/bedrijf/registreren", {
        "name": "Het echte bedrijf", "number": false_claim.kvk_number, "place": "Goes",
        "sectors": sector_ids("metaal")})

    assert response.status_code == 302
    assert find(Company, Company.name == "Het echte bedrijf").status == "pending"


def test_a_number_taken_since_the_rejection_answers_422_next_to_the_number(client, make):
    company = make.rejected_company()
    make.company(number=company.kvk_number)
    login(client, make.owner_of(company))

    response = submit(client, PROFILE_URL, action=RESUBMIT_URL)

    assert response.status_code == 422
    assert field_error(response, "number")
    assert form_alert(response)
    assert reload(Company, company.id).status == "rejected"


# --- the logo --------------------------------------------------------------------------------


def test_a_member_uploads_a_logo_shown_on_the_company_page(client, make, new_client):
    company = signed_in_owner(client, make, name="Scheldewerf")

    response = upload(client, image(size=(900, 300)))

    assert response.status_code == 302
    assert location(response) == PROFILE_URL
    logo_url = f"/bedrijven/{company.id}/logo"
    visitor = new_client()
    page = text(visitor.get(f"/bedrijven/{company.id}"))
    assert f'src="{logo_url}"' in page
    assert 'alt="Logo van Scheldewerf"' in page or 'alt="Logo of Scheldewerf"' in page
    served = visitor.get(logo_url)
    assert served.status_code == 200
    assert served.mimetype == "image/png"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert Image.open(io.BytesIO(served.data)).size == (400, 133)


def test_a_renamed_pdf_is_refused_next_to_the_field(client, make, upload_dir):
    company = signed_in_owner(client, make)

    response = upload(client, b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n", "logo.png")

    assert response.status_code == 422
    assert field_error(response, "logo")
    assert form_alert(response)
    assert gettext("This file is not a PNG, JPEG or WebP image. Save the logo in one of these "
                   "formats and try again.") in text(response)
    assert reload(Company, company.id).logo is None
    assert not upload_dir.exists()


def test_a_30_mb_file_is_refused_with_a_clear_message(client, make):
    company = signed_in_owner(client, make)

    response = upload(client, b"\x89PNG\r\n\x1a\n" + b"\x00" * (30 * 1024 * 1024))

    assert response.status_code == 413
    assert field_error(response, "logo")
    assert form_alert(response)
    assert gettext("The file is too large: a logo may have at most %(mb)d MB.", mb=2) in text(
        response)
    assert 'class="navbar' in text(response)  # the portal's page, not a bare error
    assert reload(Company, company.id).logo is None


def test_a_too_large_request_elsewhere_answers_413_in_the_portals_look(client, make):
    signed_in_owner(client, make)

    response = client.post(LOCATIONS_URL, data={"name": "x" * (4 * 1024 * 1024)})

    assert response.status_code == 413
    assert 'class="navbar' in text(response)
    assert gettext("What was sent is too large to be accepted.") in text(response)


def test_without_a_file_the_form_answers_422(client, make):
    signed_in_owner(client, make)
    page = text(client.get(PROFILE_URL))

    response = client.post(LOGO_URL, data=find_form(page, LOGO_URL).defaults(),
                           content_type="multipart/form-data")

    assert response.status_code == 422
    assert field_error(response, "logo")


def test_a_member_removes_the_logo(client, make, upload_dir):
    company = signed_in_owner(client, make)
    upload(client, image())

    response = submit(client, PROFILE_URL, action=REMOVE_LOGO_URL)

    assert response.status_code == 302
    assert reload(Company, company.id).logo is None
    assert list(upload_dir.iterdir()) == []
    assert client.get(f"/bedrijven/{company.id}/logo").status_code == 404


def test_the_logo_of_a_company_waiting_for_approval_is_hidden_from_visitors(client, make,
                                                                            new_client):
    company = signed_in_owner(client, make, approved=False)
    upload(client, image())

    assert client.get(f"/bedrijven/{company.id}/logo").status_code == 200
    assert new_client().get(f"/bedrijven/{company.id}/logo").status_code == 404


# --- who may open the company pages ----------------------------------------------------------


COMPANY_PAGES = [PROFILE_URL, LOCATIONS_URL]


@pytest.mark.parametrize("url", COMPANY_PAGES)
def test_a_teacher_may_not_open_the_company_pages(client, make, url):
    login(client, make.owner_of(make.school()))

    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", COMPANY_PAGES + [SCHOOL_URL])
def test_a_visitor_is_sent_to_sign_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert location(response).startswith(LOGIN_URL)


@pytest.mark.parametrize("url", COMPANY_PAGES)
def test_a_member_without_a_company_is_sent_to_register_it(client, make, url):
    login(client, make.user(security.COMPANY_MEMBER))

    response = client.get(url)

    assert response.status_code == 302
    assert location(response) == "/bedrijf/registreren"


def test_a_teacher_cannot_post_a_logo(client, make):
    company = make.company()
    login(client, make.owner_of(make.school()))

    response = client.post(LOGO_URL, data={"logo": (io.BytesIO(image()), "logo.png")},
                           content_type="multipart/form-data")

    assert response.status_code in (400, 403)  # no token, and no company member
    assert reload(Company, company.id).logo is None


# --- locations -------------------------------------------------------------------------------


def test_the_locations_page_lists_the_main_location(client, make):
    signed_in_owner(client, make, place="Terneuzen")

    page = text(client.get(LOCATIONS_URL))

    assert "Hoofdvestiging" in page
    assert "Terneuzen (Zeeland)" in page
    assert "/verwijderen" not in page  # the only location cannot be removed


def test_a_member_adds_a_location(client, make):
    company = signed_in_owner(client, make)

    response = submit(client, LOCATIONS_URL, {"name": "Werf Oost", "place": "Vlisingen",
                                              "address": "Havenweg 3"})

    assert response.status_code == 302
    assert location(response) == LOCATIONS_URL
    added = find(Location, Location.name == "Werf Oost")
    assert (added.organisation_id, added.place.name, added.address) == (
        company.id, "Vlissingen", "Havenweg 3")
    assert "Werf Oost" in text(client.get(LOCATIONS_URL))


@pytest.mark.parametrize("data, name", [
    ({"name": "", "place": "Goes"}, "name"),
    ({"name": "Hoofdvestiging", "place": "Goes"}, "name"),
    ({"name": "Werf", "place": "Middelburg"}, "place"),
    ({"name": "Werf", "place": ""}, "place"),
])
def test_a_wrong_location_answers_422_next_to_the_field(client, make, data, name):
    company = signed_in_owner(client, make)

    response = submit(client, LOCATIONS_URL, data)

    assert response.status_code == 422
    assert field_error(response, name)
    assert form_alert(response)
    assert count(Location, Location.organisation_id == company.id) == 1


def test_a_member_edits_a_location(client, make):
    company = signed_in_owner(client, make)
    werf = make.location(company, name="Werf", place="Goes")
    url = f"{LOCATIONS_URL}/{werf.id}"
    assert 'value="Goes (Zeeland)"' in text(client.get(url))

    response = submit(client, url, {"name": "Werf Oost", "address": "Havenweg 3"})

    assert response.status_code == 302
    werf = reload(Location, werf.id)
    assert (werf.name, werf.place.name, werf.address) == ("Werf Oost", "Goes", "Havenweg 3")


def test_a_wrong_edit_answers_422_and_changes_nothing(client, make):
    company = signed_in_owner(client, make)
    werf = make.location(company, name="Werf", place="Goes")

    response = submit(client, f"{LOCATIONS_URL}/{werf.id}", {"place": "Nergenshuizen"})

    assert response.status_code == 422
    assert field_error(response, "place")
    werf = reload(Location, werf.id)
    assert (werf.name, werf.place.name) == ("Werf", "Goes")


def test_a_member_removes_a_location(client, make):
    company = signed_in_owner(client, make)
    werf_id = make.location(company, name="Werf").id

    response = submit(client, LOCATIONS_URL, action=f"{LOCATIONS_URL}/{werf_id}/verwijderen")

    assert response.status_code == 302
    assert count(Location, Location.organisation_id == company.id) == 1
    assert reload(Location, werf_id) is None


def test_removing_the_last_location_answers_422_with_the_reason(client, make):
    company = signed_in_owner(client, make)
    main_id, werf_id = company.locations[0].id, make.location(company, name="Werf").id
    # The page offered both removals; the other one went first (in another tab, say).
    page = text(client.get(LOCATIONS_URL))
    main_form = find_form(page, f"{LOCATIONS_URL}/{main_id}/verwijderen")
    submit(client, LOCATIONS_URL, action=f"{LOCATIONS_URL}/{werf_id}/verwijderen")

    response = client.post(main_form.action, data=main_form.defaults())

    assert response.status_code == 422
    assert form_alert(response)
    assert gettext("A company keeps at least one location. Add the new one first, then remove "
                   "this one.") in text(response)
    assert reload(Location, main_id) is not None


def test_another_companys_location_is_not_found(client, make):
    other = make.location(name="Werf")
    signed_in_owner(client, make)

    assert client.get(f"{LOCATIONS_URL}/{other.id}").status_code == 404
    page = text(client.get(LOCATIONS_URL))
    token = find_form(page, LOCATIONS_URL).defaults()["csrf_token"]
    response = client.post(f"{LOCATIONS_URL}/{other.id}/verwijderen",
                           data={"csrf_token": token})
    assert response.status_code == 404
    assert reload(Location, other.id) is not None


# --- the school profile ----------------------------------------------------------------------


def test_a_teacher_edits_the_schools_profile(client, make):
    school = make.school(stage="vo")
    login(client, make.owner_of(school))
    page = text(client.get(SCHOOL_URL))
    assert f'value="{school.name}"' in page
    assert school.brin_code in page
    assert f'href="{SCHOOL_URL}"' in page  # in the navigation

    response = submit(client, SCHOOL_URL, {"name": "Scalda Vlissingen", "stage": "mbo",
                                           "place": "Vlisingen",
                                           "sectors": sector_ids("maritiem")})

    assert response.status_code == 302
    assert location(response) == SCHOOL_URL
    school = reload(School, school.id)
    assert (school.name, school.school_stage, school.place.name) == (
        "Scalda Vlissingen", "mbo", "Vlissingen")
    assert [s.code for s in school.sectors] == ["maritiem"]


@pytest.mark.parametrize("data, name", [({"name": ""}, "name"), ({"place": "Middelburg"},
                                                                 "place")])
def test_a_wrong_school_profile_answers_422_next_to_the_field(client, make, data, name):
    school = make.school()
    login(client, make.owner_of(school))

    response = submit(client, SCHOOL_URL, data)

    assert response.status_code == 422
    assert field_error(response, name)
    assert form_alert(response)
    assert reload(School, school.id).name == school.name


def test_a_company_member_may_not_open_the_school_profile(client, make):
    login(client, make.owner_of(make.company()))

    assert client.get(SCHOOL_URL).status_code == 403


def test_a_teacher_without_a_school_is_sent_to_register_it(client, make):
    login(client, make.user(security.TEACHER))

    response = client.get(SCHOOL_URL)

    assert response.status_code == 302
    assert location(response) == "/school/registreren"


# --- the audit log ---------------------------------------------------------------------------


def test_the_administrator_reads_the_profile_changes_as_sentences(client, make, new_client):
    company = signed_in_owner(client, make, name="Scheldewerf")
    submit(client, PROFILE_URL, {"number": "87654321"})
    upload(client, image())
    submit(client, LOCATIONS_URL, {"name": "Werf", "place": "Goes"})
    admin = new_client()
    login(admin, make.admin())
    admin.get("/taal/en")

    page = text(admin.get("/moderatie/logboek"))

    owner = make.owner_of(company).full_name
    for sentence in ("changed the profile of the company",
                     "submitted the company", "changed the logo of the company",
                     "added a location to the company"):
        assert f"{owner} {sentence}" in page
    assert "company.updated" not in page
