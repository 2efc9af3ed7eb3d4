"""School holidays per holiday region (portal/taxonomy/holidays.py): kept by the administrator,
one by one or as a CSV file, and read by the series of slots."""
from datetime import date

import pytest
from flask_babel import force_locale
from sqlalchemy import delete, func, select

from portal import security
from portal.audit import AuditEvent
from portal.errors import NotAllowed, NotFound, ValidationFailed
from portal.extensions import db
from portal.seeds import SEEDS_DIR
from portal.taxonomy import holidays
from portal.taxonomy.models import SchoolHoliday

CSV = """region,name,starts_on,ends_on
zuid,Testvakantie,2035-02-17,2035-02-25
Noord ,Testvakantie,2035-02-10,2035-02-18
vlaanderen,Krokusvakantie,2035-02-26,2035-03-04
"""


def holiday_count(**where):
    query = select(func.count(SchoolHoliday.id))
    for name, value in where.items():
        query = query.where(getattr(SchoolHoliday, name) == value)
    return db.session.scalar(query)


def in_2035():
    return [(h.region, h.name, h.starts_on, h.ends_on) for h in db.session.scalars(
        select(SchoolHoliday).where(SchoolHoliday.starts_on >= date(2035, 1, 1))
        .order_by(SchoolHoliday.starts_on, SchoolHoliday.region))]


def refused(call, **fields):
    with force_locale("en"), pytest.raises(ValidationFailed) as failed:
        call(**fields)
    return failed.value.errors


@pytest.fixture
def admin(make):
    return make.admin()


# --- reading -------------------------------------------------------------------------------


@pytest.mark.parametrize("province, region", [
    ("NL-GR", "noord"), ("NL-FL", "noord"), ("NL-UT", "midden"), ("NL-ZH", "midden"),
    ("NL-ZE", "zuid"), ("NL-LI", "zuid"), ("BE-VLG", "vlaanderen"), ("BE-BRU", "vlaanderen"),
    ("BE-WAL", None), ("XX", None),
])
def test_the_holiday_region_of_a_province(province, region):
    assert holidays.holiday_region_of(province) == region


def test_holidays_between_takes_every_period_that_overlaps(admin):
    holidays.add_holiday(actor=admin, region="midden", name="A", starts_on=date(2035, 3, 1),
                         ends_on=date(2035, 3, 9))
    holidays.add_holiday(actor=admin, region="midden", name="B", starts_on=date(2035, 4, 1),
                         ends_on=date(2035, 4, 9))

    assert holidays.holidays_between("midden", date(2035, 3, 9), date(2035, 4, 1)) == [
        (date(2035, 3, 1), date(2035, 3, 9)), (date(2035, 4, 1), date(2035, 4, 9))]
    assert holidays.holidays_between("midden", date(2035, 3, 10), date(2035, 3, 31)) == []
    assert holidays.holidays_between("noord", date(2035, 3, 1), date(2035, 4, 9)) == []
    assert holidays.holidays_between(None, date(2000, 1, 1), date(2099, 1, 1)) == []


# --- one by one ----------------------------------------------------------------------------


def test_the_administrator_adds_and_removes_a_holiday(admin):
    holiday = holidays.add_holiday(actor=admin, region="zuid", name="  Carnaval  ",
                                   starts_on=date(2035, 2, 3), ends_on=date(2035, 2, 11))

    assert in_2035() == [("zuid", "Carnaval", date(2035, 2, 3), date(2035, 2, 11))]
    [added] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "holiday.added"))
    assert (added.actor_id, added.subject_id) == (admin.id, holiday.id)

    holidays.remove_holiday(actor=admin, holiday_id=holiday.id)

    assert in_2035() == []
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "holiday.removed")) == 1
    with pytest.raises(NotFound):
        holidays.remove_holiday(actor=admin, holiday_id=holiday.id)


@pytest.mark.parametrize("changes, field", [
    ({"region": "wallonie"}, "region"),
    ({"region": None}, "region"),
    ({"name": "   "}, "name"),
    ({"name": "x" * 81}, "name"),
    ({"starts_on": None}, "starts_on"),
    ({"ends_on": None}, "ends_on"),
    ({"ends_on": date(2035, 2, 2)}, "ends_on"),
    ({"ends_on": date(2035, 5, 7)}, "ends_on"),  # longer than three months
])
def test_a_bad_holiday_is_refused_at_its_field(admin, changes, field):
    fields = {"region": "zuid", "name": "Carnaval", "starts_on": date(2035, 2, 3),
              "ends_on": date(2035, 2, 11), **changes}

    assert set(refused(holidays.add_holiday, actor=admin, **fields)) == {field}
    assert in_2035() == []


def test_a_region_has_one_holiday_starting_on_a_day(admin):
    holidays.add_holiday(actor=admin, region="zuid", name="Carnaval",
                         starts_on=date(2035, 2, 3), ends_on=date(2035, 2, 11))

    errors = refused(holidays.add_holiday, actor=admin, region="zuid", name="Nog eens",
                     starts_on=date(2035, 2, 3), ends_on=date(2035, 2, 4))
    assert errors == {"starts_on": "This region already has a holiday starting that day."}

    holidays.add_holiday(actor=admin, region="noord", name="Carnaval",
                         starts_on=date(2035, 2, 3), ends_on=date(2035, 2, 11))
    assert holiday_count(starts_on=date(2035, 2, 3)) == 2


@pytest.mark.parametrize("role", [security.MODERATOR, security.COMPANY_MEMBER,
                                  security.TEACHER])
def test_only_the_administrator_keeps_the_holidays(make, admin, role):
    other = make.moderator() if role == security.MODERATOR else make.user(role)
    kept = holidays.add_holiday(actor=admin, region="zuid", name="Carnaval",
                                starts_on=date(2035, 2, 3), ends_on=date(2035, 2, 11))

    with pytest.raises(NotAllowed):
        holidays.add_holiday(actor=other, region="zuid", name="Eigen vakantie",
                             starts_on=date(2035, 3, 3), ends_on=date(2035, 3, 11))
    with pytest.raises(NotAllowed):
        holidays.remove_holiday(actor=other, holiday_id=kept.id)
    with pytest.raises(NotAllowed):
        holidays.import_holidays(actor=other, text=CSV)
    assert in_2035() == [("zuid", "Carnaval", date(2035, 2, 3), date(2035, 2, 11))]


# --- CSV -----------------------------------------------------------------------------------


def test_parse_a_csv_file():
    assert holidays.parse_holidays_csv(CSV) == [
        ("zuid", "Testvakantie", date(2035, 2, 17), date(2035, 2, 25)),
        ("noord", "Testvakantie", date(2035, 2, 10), date(2035, 2, 18)),
        ("vlaanderen", "Krokusvakantie", date(2035, 2, 26), date(2035, 3, 4)),
    ]


def test_every_bad_row_is_named_by_its_line():
    text = CSV + ("oost,Fantasie,2035-05-01,2035-05-03\n"
                  "zuid,Meivakantie,1 mei 2035,2035-05-09\n"
                  "zuid,Omgekeerd,2035-06-09,2035-06-01\n")

    with force_locale("en"):
        errors = refused(holidays.parse_holidays_csv, text=text)

    assert set(errors) == {"file"}
    message = errors["file"]
    assert "row 5: Choose a holiday region." in message
    assert "row 6: Enter the first day." in message
    assert "row 7: The last day cannot lie before the first." in message
    assert "row 2" not in message and "row 4" not in message


@pytest.mark.parametrize("text", ["", "region,name,starts_on\nzuid,X,2035-01-01\n",
                                  "naam;begin;eind\n"])
def test_a_file_without_the_columns_is_refused(text):
    errors = refused(holidays.parse_holidays_csv, text=text)

    assert set(errors) == {"file"}
    assert "missing" in errors["file"]


def test_import_a_csv_file_twice_changes_nothing_the_second_time(admin):
    assert holidays.import_holidays(actor=admin, text=CSV) == (3, 0)
    first = in_2035()

    assert holidays.import_holidays(actor=admin, text=CSV) == (0, 0)
    assert in_2035() == first
    assert len(first) == 3
    imported = list(db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "holiday.imported").order_by(AuditEvent.id)))
    assert [e.details for e in imported] == [{"new": 3, "updated": 0},
                                             {"new": 0, "updated": 0}]


def test_an_import_updates_a_known_period(admin):
    holidays.import_holidays(actor=admin, text=CSV)

    changed = CSV.replace("zuid,Testvakantie,2035-02-17,2035-02-25",
                          "zuid,Voorjaarsvakantie,2035-02-17,2035-02-24")
    assert holidays.import_holidays(actor=admin, text=changed) == (0, 1)
    assert ("zuid", "Voorjaarsvakantie", date(2035, 2, 17), date(2035, 2, 24)) in in_2035()
    assert holiday_count(region="zuid", starts_on=date(2035, 2, 17)) == 1


def test_nothing_is_imported_from_a_file_with_a_bad_row(admin):
    text = CSV + "zuid,Zonder einde,2035-06-01,\n"

    errors = refused(holidays.import_holidays, actor=admin, text=text)

    assert "row 5" in errors["file"]
    assert in_2035() == []


# --- the seeded calendar -------------------------------------------------------------------


def test_the_seeded_calendar_covers_every_region():
    periods = holidays.parse_holidays_csv((SEEDS_DIR / "school_holidays.csv").read_text("utf-8"))

    assert {region for region, *_ in periods} == {"noord", "midden", "zuid", "vlaanderen"}
    assert all(start <= end for _, _, start, end in periods)


def test_loading_the_seeds_again_adds_only_what_is_missing(admin):
    assert holidays.load_seeded_holidays() == 0  # the reference data loaded them already
    some = db.session.scalars(select(SchoolHoliday).where(SchoolHoliday.region == "zuid")
                              .order_by(SchoolHoliday.starts_on)).first()
    first_day = some.starts_on
    holidays.remove_holiday(actor=admin, holiday_id=some.id)
    other = db.session.scalars(select(SchoolHoliday).where(SchoolHoliday.region == "noord")
                               .order_by(SchoolHoliday.starts_on)).first()
    other.name = "Door de beheerder hernoemd"
    db.session.commit()

    assert holidays.load_seeded_holidays() == 1
    db.session.commit()

    assert holiday_count(region="zuid", starts_on=first_day) == 1
    db.session.refresh(other)
    assert other.name == "Door de beheerder hernoemd"  # what the administrator changed stays


def test_without_any_holiday_known_a_region_has_none(admin):
    db.session.execute(delete(SchoolHoliday))
    db.session.commit()

    assert holidays.all_holidays() == []
    assert holidays.holidays_between("zuid", date(2026, 1, 1), date(2030, 1, 1)) == []
