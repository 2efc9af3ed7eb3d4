"""Pure rules on offers: the fields of each type, where it may happen, slots and series.

No Flask and no database here: the services turn the codes these functions return into
messages, and the tests call them with plain values.
"""
from datetime import date, timedelta

from portal.taxonomy.codes import (
    APPRENTICESHIP,
    ASSIGNMENT,
    AT_COMPANY,
    AT_SCHOOL,
    COMPANY_VISIT,
    GUEST_LESSON,
    INTERNSHIP,
    LOCATION_MODE_CODES,
    OFFER_TYPE_CODES,
    ONLINE,
    TASTER_DAY,
    TEACHER_PLACEMENT,
)

ALLOWED_LOCATION_MODES = {code: (AT_COMPANY,) for code in OFFER_TYPE_CODES}
ALLOWED_LOCATION_MODES[GUEST_LESSON] = (AT_SCHOOL, ONLINE)
ALLOWED_LOCATION_MODES[ASSIGNMENT] = LOCATION_MODE_CODES

# Group activities happen on slots with a capacity in pupils; placements have places, one
# student (or teacher) each, for a period or from a start date (DOMAIN.md).
GROUP_TYPES = (GUEST_LESSON, COMPANY_VISIT, TASTER_DAY, ASSIGNMENT)
PLACEMENT_TYPES = (INTERNSHIP, APPRENTICESHIP, TEACHER_PLACEMENT)

# The fields each type asks for, besides what every offer has (title, description, sectors,
# levels, where it happens, contact person).
TYPE_FIELDS = {
    GUEST_LESSON: ("topic", "given_by", "duration_minutes", "travel_km", "max_group_size"),
    COMPANY_VISIT: ("min_group_size", "max_group_size", "min_age", "duration_minutes",
                    "safety_rules", "protective_gear", "wheelchair_access", "counts_teachers"),
    TASTER_DAY: ("pupils_per_day", "days", "min_age", "safety_rules", "protective_gear"),
    INTERNSHIP: ("crebo", "qualification_name", "mbo_level", "starts_on", "ends_on",
                 "capacity", "allowance_euros"),
    APPRENTICESHIP: ("crebo", "qualification_name", "mbo_level", "hours_per_week", "starts_on",
                     "capacity"),
    TEACHER_PLACEMENT: ("days", "subjects", "starts_on", "ends_on", "capacity"),
    ASSIGNMENT: ("deliverable", "duration_weeks", "max_group_size"),
}
DETAIL_FIELDS = tuple(sorted({name for names in TYPE_FIELDS.values() for name in names}))
REQUIRED = {
    GUEST_LESSON: ("topic", "duration_minutes"),
    COMPANY_VISIT: ("max_group_size", "duration_minutes"),
    TASTER_DAY: ("pupils_per_day", "days"),
    INTERNSHIP: ("crebo", "starts_on", "ends_on", "capacity"),
    APPRENTICESHIP: ("crebo", "mbo_level", "hours_per_week", "starts_on", "capacity"),
    TEACHER_PLACEMENT: ("days", "capacity"),
    ASSIGNMENT: ("deliverable",),
}
# Free text that says what the offer is: a change to a published offer waits for the moderator.
# Numbers, dates, places, slots and the contact person are practical and change at once. The
# type and where it happens do not change once published (a copy starts a new offer).
SUBSTANTIVE = ("title", "description", "sector_ids",
               "level_ids", "topic", "given_by", "safety_rules", "protective_gear", "subjects",
               "deliverable", "crebo", "qualification_name", "mbo_level")
PRACTICAL = tuple(name for name in DETAIL_FIELDS + ("contact_id", "location_id")
                  if name not in SUBSTANTIVE)

# Upper bounds that keep a typing error from publishing nonsense.
LIMITS = {
    "capacity": (1, 500), "max_group_size": (1, 500), "min_group_size": (1, 500),
    "duration_minutes": (15, 600), "travel_km": (0, 1000), "min_age": (4, 99),
    "pupils_per_day": (1, 200), "days": (1, 60), "mbo_level": (1, 4),
    "hours_per_week": (1, 40), "allowance_euros": (0, 5000), "duration_weeks": (1, 52),
}
SLOT_CAPACITY = (1, 500)
SERIES_MAX = 80
SLOTS_AHEAD_DAYS = 2 * 366


def is_group_activity(offer_type):
    return offer_type in GROUP_TYPES


def location_mode_fits(offer_type, location_mode):
    return location_mode in ALLOWED_LOCATION_MODES.get(offer_type, ())


def fields_of(offer_type):
    return TYPE_FIELDS.get(offer_type, ())


def detail_problems(offer_type, values, location_mode=None):
    """{field: code} for the type's fields: "required", "range", "order" or "travel"."""
    problems = {}
    for name in REQUIRED.get(offer_type, ()):
        if values.get(name) in (None, ""):
            problems[name] = "required"
    if offer_type == GUEST_LESSON and location_mode == AT_SCHOOL \
            and values.get("travel_km") is None:
        problems["travel_km"] = "travel"
    for name in fields_of(offer_type):
        bounds = LIMITS.get(name)
        value = values.get(name)
        if bounds and value is not None and not bounds[0] <= value <= bounds[1]:
            problems.setdefault(name, "range")
    low, high = values.get("min_group_size"), values.get("max_group_size")
    if low is not None and high is not None and low > high:
        problems.setdefault("min_group_size", "order")
    starts, ends = values.get("starts_on"), values.get("ends_on")
    if starts is not None and ends is not None and ends < starts:
        problems.setdefault("ends_on", "order")
    return problems


def only_fields_of(offer_type, values):
    """The type's own detail values; the others are emptied, so a changed type leaves none of
    the old type's fields behind."""
    own = set(fields_of(offer_type))
    return {name: (values.get(name) if name in own else None) for name in DETAIL_FIELDS}


def is_well_formed_crebo(text):
    return len(text) == 5 and text.isascii() and text.isdigit()


def slot_problems(day, starts_at, ends_at, capacity, today, min_group=None):
    """{field: code} for one slot: "past", "far", "order", "range", "min_group"."""
    problems = {}
    if day is None:
        problems["day"] = "required"
    elif day < today:
        problems["day"] = "past"
    elif day > today + timedelta(days=SLOTS_AHEAD_DAYS):
        problems["day"] = "far"
    if starts_at is None:
        problems["starts_at"] = "required"
    if ends_at is None:
        problems["ends_at"] = "required"
    elif starts_at is not None and ends_at <= starts_at:
        problems["ends_at"] = "order"
    if capacity is None or not SLOT_CAPACITY[0] <= capacity <= SLOT_CAPACITY[1]:
        problems["capacity"] = "range"
    elif min_group is not None and not 1 <= min_group <= capacity:
        problems["min_group"] = "min_group"
    return problems


def series_dates(weekday, first, last, holidays=()):
    """The dates on `weekday` (0 = Monday) from `first` to `last`, skipping every date that
    falls in one of the `holidays` periods (pairs of first and last day, inclusive)."""
    if first is None or last is None or last < first:
        return []
    day = first + timedelta(days=(weekday - first.weekday()) % 7)
    dates = []
    while day <= last:
        if not any(start <= day <= end for start, end in holidays):
            dates.append(day)
        day += timedelta(days=7)
    return dates


def last_date(offer_type, slot_dates, ends_on, starts_on):
    """The last day an offer can still happen; None when it has no end (yet)."""
    if is_group_activity(offer_type):
        return max(slot_dates) if slot_dates else None
    return ends_on


def has_ended(offer_type, slot_dates, ends_on, starts_on, today: date):
    """Whether the offer's last date lies before today, so it is archived."""
    last = last_date(offer_type, slot_dates, ends_on, starts_on)
    return last is not None and last < today
