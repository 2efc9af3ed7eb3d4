"""The pure rules of offers (portal/offers/rules.py): plain values in, codes out."""
from datetime import date, time, timedelta

import pytest

from portal.offers import rules
from portal.taxonomy.codes import LOCATION_MODE_CODES, OFFER_TYPE_CODES

TODAY = date(2027, 3, 1)  # a Monday
NINE, HALF_PAST_ELEVEN = time(9, 0), time(11, 30)

# Values that satisfy every type's required fields and limits.
GOOD = {
    "guest_lesson": {"topic": "Lassen", "duration_minutes": 90},
    "company_visit": {"max_group_size": 30, "duration_minutes": 90},
    "taster_day": {"pupils_per_day": 4, "days": 1},
    "internship": {"crebo": "25623", "starts_on": TODAY, "ends_on": TODAY + timedelta(days=90),
                   "capacity": 2},
    "apprenticeship": {"crebo": "25623", "mbo_level": 2, "hours_per_week": 32,
                       "starts_on": TODAY, "capacity": 1},
    "teacher_placement": {"days": 3, "capacity": 1},
    "assignment": {"deliverable": "Een ontwerp."},
}


# --- the types and their fields ----------------------------------------------------------


def test_every_type_is_either_a_group_activity_or_a_placement():
    assert set(rules.GROUP_TYPES) | set(rules.PLACEMENT_TYPES) == set(OFFER_TYPE_CODES)
    assert set(rules.GROUP_TYPES) & set(rules.PLACEMENT_TYPES) == set()
    assert all(rules.is_group_activity(t) for t in rules.GROUP_TYPES)
    assert not any(rules.is_group_activity(t) for t in rules.PLACEMENT_TYPES)


def test_placements_have_places_and_group_activities_do_not():
    for offer_type in OFFER_TYPE_CODES:
        assert ("capacity" in rules.fields_of(offer_type)) == (
            offer_type in rules.PLACEMENT_TYPES), offer_type


def test_every_type_has_fields_and_requires_only_its_own():
    assert set(rules.TYPE_FIELDS) == set(OFFER_TYPE_CODES) == set(rules.REQUIRED)
    for offer_type, required in rules.REQUIRED.items():
        assert required and set(required) <= set(rules.fields_of(offer_type)), offer_type
    assert set(rules.DETAIL_FIELDS) == {n for names in rules.TYPE_FIELDS.values() for n in names}
    assert rules.fields_of("kermis") == ()


def test_substantive_and_practical_fields_split_the_offer():
    assert set(rules.SUBSTANTIVE) & set(rules.PRACTICAL) == set()
    # Of the type's own fields, whatever is not substantive is practical.
    assert set(rules.PRACTICAL) & set(rules.DETAIL_FIELDS) == (
        set(rules.DETAIL_FIELDS) - set(rules.SUBSTANTIVE))
    # What the offer says waits for the moderator; numbers, dates and the contact do not.
    assert {"title", "description", "topic", "safety_rules", "crebo"} <= set(rules.SUBSTANTIVE)
    assert {"capacity", "starts_on", "ends_on", "duration_minutes", "contact_id"} <= set(
        rules.PRACTICAL)


def test_limits_bound_only_number_fields_of_the_types():
    assert set(rules.LIMITS) <= set(rules.DETAIL_FIELDS)
    assert all(low <= high for low, high in rules.LIMITS.values())


@pytest.mark.parametrize("offer_type, allowed", [
    ("guest_lesson", {"school", "online"}),
    ("company_visit", {"company"}),
    ("taster_day", {"company"}),
    ("internship", {"company"}),
    ("apprenticeship", {"company"}),
    ("teacher_placement", {"company"}),
    ("assignment", set(LOCATION_MODE_CODES)),
])
def test_where_each_type_may_happen(offer_type, allowed):
    for mode in LOCATION_MODE_CODES:
        assert rules.location_mode_fits(offer_type, mode) == (mode in allowed), mode
    assert not rules.location_mode_fits(offer_type, None)
    assert not rules.location_mode_fits("kermis", "company")


# --- detail_problems -----------------------------------------------------------------------


@pytest.mark.parametrize("offer_type", OFFER_TYPE_CODES)
def test_good_values_have_no_problems(offer_type):
    mode = "school" if offer_type == "guest_lesson" else "company"
    values = {**GOOD[offer_type], "travel_km": 40}

    assert rules.detail_problems(offer_type, values, mode) == {}


@pytest.mark.parametrize("offer_type", OFFER_TYPE_CODES)
def test_each_required_field_of_each_type(offer_type):
    assert rules.detail_problems(offer_type, {}) == {
        name: "required" for name in rules.REQUIRED[offer_type]}
    for name in rules.REQUIRED[offer_type]:
        # Empty text arrives as "" or None; an empty number or date always as None.
        for empty in (None, "") if isinstance(GOOD[offer_type][name], str) else (None,):
            values = {**GOOD[offer_type], name: empty}
            assert rules.detail_problems(offer_type, values) == {name: "required"}, name


@pytest.mark.parametrize("offer_type", OFFER_TYPE_CODES)
def test_numbers_outside_their_limits(offer_type):
    for name in rules.fields_of(offer_type):
        if name not in rules.LIMITS:
            continue
        low, high = rules.LIMITS[name]
        for value, problems in ((low, {}), (high, {}), (low - 1, {name: "range"}),
                                (high + 1, {name: "range"})):
            values = {**GOOD[offer_type], "travel_km": 0, name: value}
            if name == "min_group_size":  # keep the smallest group below the largest
                values["max_group_size"] = rules.LIMITS["max_group_size"][1]
            if name == "max_group_size" and "min_group_size" in values:
                del values["min_group_size"]
            assert rules.detail_problems(offer_type, values, "online") == problems, (name,
                                                                                      value)


def test_a_number_of_another_type_is_not_checked():
    # A company visit has no places: its capacity is not its business (only_fields_of drops it).
    assert rules.detail_problems("company_visit", {**GOOD["company_visit"], "capacity": 0}) == {}


def test_a_required_field_out_of_range_is_named_once():
    problems = rules.detail_problems("teacher_placement", {"days": 0, "capacity": 1})

    assert problems == {"days": "range"}


def test_a_lesson_at_the_school_says_how_far_the_company_travels():
    values = GOOD["guest_lesson"]

    assert rules.detail_problems("guest_lesson", values, "school") == {"travel_km": "travel"}
    assert rules.detail_problems("guest_lesson", {**values, "travel_km": 0}, "school") == {}
    assert rules.detail_problems("guest_lesson", values, "online") == {}
    assert rules.detail_problems("guest_lesson", {**values, "travel_km": 1001}, "school") == {
        "travel_km": "range"}


def test_the_smallest_group_cannot_exceed_the_largest():
    values = {**GOOD["company_visit"], "min_group_size": 31}

    assert rules.detail_problems("company_visit", values) == {"min_group_size": "order"}
    assert rules.detail_problems("company_visit", {**values, "min_group_size": 30}) == {}


@pytest.mark.parametrize("offer_type", ["internship", "teacher_placement"])
def test_a_period_cannot_end_before_it_starts(offer_type):
    values = {**GOOD[offer_type], "starts_on": TODAY, "ends_on": TODAY - timedelta(days=1)}

    assert rules.detail_problems(offer_type, values) == {"ends_on": "order"}
    assert rules.detail_problems(offer_type, {**values, "ends_on": TODAY}) == {}


def test_a_bbl_place_needs_a_start_date_but_no_end():
    values = GOOD["apprenticeship"]

    assert "ends_on" not in rules.fields_of("apprenticeship")
    assert rules.detail_problems("apprenticeship", {**values, "starts_on": None}) == {
        "starts_on": "required"}


# --- only_fields_of ------------------------------------------------------------------------


@pytest.mark.parametrize("offer_type", OFFER_TYPE_CODES)
def test_only_the_types_own_fields_are_kept(offer_type):
    every = {name: f"value of {name}" for name in rules.DETAIL_FIELDS}
    every["title"] = "not a detail field"

    kept = rules.only_fields_of(offer_type, every)

    assert set(kept) == set(rules.DETAIL_FIELDS)  # every detail field, emptied or kept
    for name in rules.DETAIL_FIELDS:
        expected = every[name] if name in rules.fields_of(offer_type) else None
        assert kept[name] == expected, name


def test_only_fields_of_an_unknown_type_keeps_nothing():
    assert set(rules.only_fields_of("kermis", {"topic": "x"}).values()) == {None}


# --- crebo -----------------------------------------------------------------------------------


@pytest.mark.parametrize("text, ok", [
    ("25623", True), ("00001", True), ("2562", False), ("256231", False), ("2562a", False),
    (" 2562", False), ("", False), ("\uff12\uff15\uff16\uff12\uff13", False),  # full-width
    ("\u0662\u0665\u0666\u0662\u0663", False),  # Arabic-Indic digits
])
def test_a_crebo_code_is_five_ascii_digits(text, ok):
    assert rules.is_well_formed_crebo(text) is ok


# --- slots -----------------------------------------------------------------------------------


def slot(day=TODAY, starts_at=NINE, ends_at=HALF_PAST_ELEVEN, capacity=30, min_group=None):
    return rules.slot_problems(day, starts_at, ends_at, capacity, TODAY, min_group)


def test_a_good_slot_has_no_problems():
    assert slot() == {}
    assert slot(day=TODAY + timedelta(days=rules.SLOTS_AHEAD_DAYS)) == {}
    assert slot(capacity=1) == slot(capacity=500) == {}
    assert slot(min_group=1) == slot(min_group=30) == {}


@pytest.mark.parametrize("changes, problems", [
    ({"day": TODAY - timedelta(days=1)}, {"day": "past"}),
    ({"day": TODAY + timedelta(days=rules.SLOTS_AHEAD_DAYS + 1)}, {"day": "far"}),
    ({"day": None}, {"day": "required"}),
    ({"starts_at": None}, {"starts_at": "required"}),
    ({"ends_at": None}, {"ends_at": "required"}),
    ({"ends_at": NINE}, {"ends_at": "order"}),
    ({"ends_at": time(8, 59)}, {"ends_at": "order"}),
    ({"capacity": 0}, {"capacity": "range"}),
    ({"capacity": 501}, {"capacity": "range"}),
    ({"capacity": None}, {"capacity": "range"}),
    ({"min_group": 0}, {"min_group": "min_group"}),
    ({"min_group": 31}, {"min_group": "min_group"}),
    ({"capacity": 0, "min_group": 5}, {"capacity": "range"}),  # one problem at a time
    ({"day": None, "starts_at": None, "ends_at": None, "capacity": None},
     {"day": "required", "starts_at": "required", "ends_at": "required", "capacity": "range"}),
])
def test_slot_problem_codes(changes, problems):
    assert slot(**changes) == problems


# --- series ----------------------------------------------------------------------------------


def test_a_series_falls_on_its_weekday_from_first_to_last_inclusive():
    first, last = date(2027, 3, 2), date(2027, 3, 30)  # a Tuesday, and a Tuesday

    assert rules.series_dates(1, first, last) == [
        date(2027, 3, 2), date(2027, 3, 9), date(2027, 3, 16), date(2027, 3, 23),
        date(2027, 3, 30)]
    # A first day on another weekday moves to the next one; Sunday is 6.
    assert rules.series_dates(6, first, last) == [
        date(2027, 3, 7), date(2027, 3, 14), date(2027, 3, 21), date(2027, 3, 28)]
    assert all(d.weekday() == 4 for d in rules.series_dates(4, first, last))


def test_a_series_skips_the_holiday_periods_with_their_first_and_last_day():
    first, last = date(2027, 2, 1), date(2027, 5, 31)  # Mondays
    spring = (date(2027, 2, 22), date(2027, 2, 28))  # a Monday to a Sunday
    may = (date(2027, 4, 24), date(2027, 5, 3))  # Saturday to the Monday after

    dates = rules.series_dates(0, first, last, [spring, may])

    assert date(2027, 2, 22) not in dates and date(2027, 5, 3) not in dates
    assert date(2027, 4, 26) not in dates
    assert date(2027, 2, 15) in dates and date(2027, 3, 1) in dates
    assert date(2027, 5, 10) in dates
    assert len(dates) == len(rules.series_dates(0, first, last)) - 3


def test_a_holiday_covering_the_whole_series_leaves_no_date():
    assert rules.series_dates(0, date(2027, 7, 12), date(2027, 8, 16),
                              [(date(2027, 7, 10), date(2027, 8, 22))]) == []


@pytest.mark.parametrize("first, last", [
    (date(2027, 3, 10), date(2027, 3, 9)), (None, date(2027, 3, 9)), (date(2027, 3, 9), None),
    (date(2027, 3, 2), date(2027, 3, 7)),  # no Monday in a Tuesday-to-Sunday week
])
def test_a_period_without_the_weekday_gives_no_dates(first, last):
    assert rules.series_dates(0, first, last) == []


def test_a_one_day_series_on_its_weekday():
    assert rules.series_dates(0, TODAY, TODAY) == [TODAY]


# --- the end of an offer -----------------------------------------------------------------


def test_a_group_activity_ends_with_its_last_slot():
    days = [TODAY - timedelta(days=10), TODAY - timedelta(days=1)]

    assert rules.last_date("company_visit", days, None, None) == TODAY - timedelta(days=1)
    assert rules.has_ended("company_visit", days, None, None, TODAY)
    assert not rules.has_ended("company_visit", days + [TODAY], None, None, TODAY)
    # Without slots it has no last date, so it never ends by itself.
    assert not rules.has_ended("company_visit", [], None, None, TODAY)
    # A group activity's (emptied) period does not count.
    assert not rules.has_ended("guest_lesson", [TODAY], TODAY - timedelta(days=99), None, TODAY)


def test_a_placement_ends_with_its_period():
    yesterday = TODAY - timedelta(days=1)

    assert rules.has_ended("internship", [], yesterday, yesterday - timedelta(days=90), TODAY)
    assert not rules.has_ended("internship", [], TODAY, yesterday, TODAY)
    # A BBL place has a start date and no end: it stays.
    assert not rules.has_ended("apprenticeship", [], None, yesterday, TODAY)
