"""The administrator keeps the school holidays on /moderatie/vakanties: one at a time, or a CSV
file at once; nobody else may."""
import io
from datetime import date

import pytest
from sqlalchemy import select

from portal import security
from portal.extensions import db
from portal.taxonomy.models import SchoolHoliday
from tests.views.helpers import (
    LOGIN_URL,
    count,
    csrf_token,
    field_error,
    find,
    forms,
    location,
    login,
    submit,
    text,
)

URL = "/moderatie/vakanties"
CSV = (b"region,name,starts_on,ends_on\r\n"
       b"zuid,Testvakantie,2035-02-17,2035-02-25\r\n"
       b"noord,Testvakantie,2035-02-10,2035-02-18\r\n")


def in_2035():
    db.session.expire_all()
    return [(h.region, h.name, h.starts_on, h.ends_on) for h in db.session.scalars(
        select(SchoolHoliday).where(SchoolHoliday.starts_on >= date(2035, 1, 1))
        .order_by(SchoolHoliday.starts_on))]


def add(client, data):
    """Send the add form (the page's other forms remove holidays or import a file)."""
    page = client.get(URL)
    assert page.status_code == 200
    [form] = [f for f in forms(text(page)) if "holiday-region" in f.names]
    values = form.defaults()
    for name, value in data.items():
        assert name in form.names, f"the form has no field {name!r}"
        offered = form.choices(name)
        assert offered is None or value in offered, f"{name}: {value} not in {offered}"
        values[name] = [value]
    return client.post(form.action or URL, data=values)


def upload(client, data, filename="vakanties.csv"):
    """Send the import form with a file, as a browser does (multipart)."""
    page = client.get(URL)
    assert page.status_code == 200
    [form] = [f for f in forms(text(page)) if "import-csrf_token" in f.names]
    values = {name: value[0] for name, value in form.defaults().items()}
    values["import-file"] = (io.BytesIO(data), filename)
    return client.post(form.action or URL, data=values, content_type="multipart/form-data")


@pytest.fixture
def admin(client, make):
    user = make.admin()
    login(client, user)
    client.get("/taal/en")
    return user


def holiday_form(**changes):
    data = {"holiday-region": "zuid", "holiday-name": "Carnaval",
            "holiday-starts_on": "2035-02-03", "holiday-ends_on": "2035-02-11"}
    data.update(changes)
    return data


def test_the_administrator_adds_a_holiday(client, admin):
    response = add(client, holiday_form())

    assert response.status_code == 302
    assert location(response) == URL
    assert in_2035() == [("zuid", "Carnaval", date(2035, 2, 3), date(2035, 2, 11))]
    page = text(client.get(URL))
    assert "The holiday has been added." in page
    assert "Carnaval" in page


@pytest.mark.parametrize("changes, field", [
    ({"holiday-ends_on": "2035-02-01"}, "holiday-ends_on"),
    ({"holiday-ends_on": "2035-06-30"}, "holiday-ends_on"),
    ({"holiday-starts_on": "3 februari"}, "holiday-starts_on"),
    ({"holiday-starts_on": ""}, "holiday-starts_on"),
    ({"holiday-name": ""}, "holiday-name"),
    ({"holiday-region": ""}, "holiday-region"),
])
def test_bad_input_answers_422_at_the_field(client, admin, changes, field):
    response = add(client, holiday_form(**changes))

    assert response.status_code == 422
    assert field_error(response, field)
    assert in_2035() == []


def test_the_administrator_removes_a_holiday(client, admin):
    add(client, holiday_form())
    holiday = find(SchoolHoliday, SchoolHoliday.starts_on == date(2035, 2, 3))

    response = submit(client, URL, action=f"{URL}/{holiday.id}/verwijderen")

    assert response.status_code == 302
    assert in_2035() == []


def test_import_a_csv_file(client, admin):
    response = upload(client, b"\xef\xbb\xbf" + CSV)  # with the BOM a spreadsheet writes

    assert response.status_code == 302
    assert in_2035() == [("noord", "Testvakantie", date(2035, 2, 10), date(2035, 2, 18)),
                         ("zuid", "Testvakantie", date(2035, 2, 17), date(2035, 2, 25))]
    assert "Imported: 2 new, 0 changed." in text(client.get(URL))

    upload(client, CSV)  # the same file again
    assert "Imported: 0 new, 0 changed." in text(client.get(URL))
    assert len(in_2035()) == 2


def test_a_csv_with_a_bad_row_answers_422_naming_the_row(client, admin):
    bad = CSV + b"zuid,Meivakantie,2035-05-09,2035-05-01\r\n"

    response = upload(client, bad)

    assert response.status_code == 422
    assert field_error(response, "import-file")
    assert "row 4: The last day cannot lie before the first." in text(response)
    assert in_2035() == []


@pytest.mark.parametrize("data, message", [
    (b"region;name;begin\r\n", "The file needs the columns"),
    ("region,name,starts_on,ends_on\nzuid,Zomer,2035-07-01,2035-08-01\n".encode("utf-16"),
     "Save the file as CSV in UTF-8."),
])
def test_a_file_that_is_not_the_csv_asked_for_answers_422(client, admin, data, message):
    response = upload(client, data)

    assert response.status_code == 422
    assert message in text(response)
    assert in_2035() == []


def test_an_import_without_a_file_answers_422(client, admin):
    page = text(client.get(URL))
    [form] = [f for f in forms(page) if "import-csrf_token" in f.names]
    values = {name: value[0] for name, value in form.defaults().items()}

    response = client.post(URL, data=values, content_type="multipart/form-data")

    assert response.status_code == 422
    assert field_error(response, "import-file")


@pytest.mark.parametrize("role", [security.MODERATOR, security.COMPANY_MEMBER,
                                  security.TEACHER])
def test_only_the_administrator_has_the_page(client, make, role):
    # As on the audit log, the administrator's other page: 403 for every other role.
    user = make.moderator() if role == security.MODERATOR else make.user(role)
    login(client, user)
    token = csrf_token(text(client.get("/zoeken")))
    holiday = db.session.scalars(select(SchoolHoliday)).first()
    before = count(SchoolHoliday)

    assert client.get(URL).status_code == 403
    assert client.get("/moderatie/logboek").status_code == 403
    assert client.post(URL, data={"csrf_token": token, "kind": "add",
                                  **holiday_form()}).status_code == 403
    assert client.post(f"{URL}/{holiday.id}/verwijderen",
                       data={"csrf_token": token}).status_code == 403
    assert count(SchoolHoliday) == before


def test_a_visitor_is_sent_to_sign_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert location(response).startswith(LOGIN_URL)
