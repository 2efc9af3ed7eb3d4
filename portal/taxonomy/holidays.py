"""School holidays per holiday region: read by the series of slots, kept by the administrator."""
import csv
import io
from datetime import date

from sqlalchemy import delete, select

from portal import security
from portal.audit import record_event
from portal.errors import NotFound, ValidationFailed
from portal.extensions import db
from portal.i18n import gettext as _
from portal.seeds import SEEDS_DIR
from portal.taxonomy.codes import HOLIDAY_REGION_OF_PROVINCE, HOLIDAY_REGIONS
from portal.taxonomy.models import SchoolHoliday
from portal.text import clean_text

NAME_MAX = 80
CSV_MAX_ROWS = 2000


def holiday_region_of(province_code):
    """The holiday region of most schools in a province; None where the portal holds none."""
    return HOLIDAY_REGION_OF_PROVINCE.get(province_code)


def holidays_between(region, first, last):
    """(first day, last day) of the region's holidays that overlap first..last."""
    if region is None:
        return []
    return [(h.starts_on, h.ends_on) for h in db.session.scalars(
        select(SchoolHoliday).where(SchoolHoliday.region == region,
                                    SchoolHoliday.ends_on >= first,
                                    SchoolHoliday.starts_on <= last))]


def all_holidays():
    return list(db.session.scalars(select(SchoolHoliday).order_by(
        SchoolHoliday.starts_on, SchoolHoliday.region)))


def _clean(region, name, starts_on, ends_on, prefix=""):
    errors = {}
    if region not in HOLIDAY_REGIONS:
        errors[prefix + "region"] = _("Choose a holiday region.")
    name = clean_text(name or "")
    if not name or len(name) > NAME_MAX:
        errors[prefix + "name"] = _("Enter a name of at most %(n)d characters.", n=NAME_MAX)
    if starts_on is None:
        errors[prefix + "starts_on"] = _("Enter the first day.")
    if ends_on is None:
        errors[prefix + "ends_on"] = _("Enter the last day.")
    elif starts_on is not None and ends_on < starts_on:
        errors[prefix + "ends_on"] = _("The last day cannot lie before the first.")
    elif starts_on is not None and (ends_on - starts_on).days > 92:
        errors[prefix + "ends_on"] = _("A holiday lasts at most three months.")
    return name, errors


def _taken(region, starts_on):
    return db.session.scalar(select(SchoolHoliday.id).where(
        SchoolHoliday.region == region, SchoolHoliday.starts_on == starts_on)) is not None


def add_holiday(*, actor, region, name, starts_on, ends_on):
    """The administrator adds one holiday period."""
    security.require_role(actor, security.ADMIN)
    name, errors = _clean(region, name, starts_on, ends_on)
    if not errors and _taken(region, starts_on):
        errors["starts_on"] = _("This region already has a holiday starting that day.")
    if errors:
        raise ValidationFailed(errors)
    holiday = SchoolHoliday(region=region, name=name, starts_on=starts_on, ends_on=ends_on)
    db.session.add(holiday)
    db.session.flush()
    record_event(actor, "holiday.added", holiday, region=region, name=name,
                 starts_on=starts_on.isoformat(), ends_on=ends_on.isoformat())
    db.session.commit()
    return holiday


def remove_holiday(*, actor, holiday_id):
    security.require_role(actor, security.ADMIN)
    holiday = db.session.get(SchoolHoliday, holiday_id)
    if holiday is None:
        raise NotFound("holiday")
    record_event(actor, "holiday.removed", holiday, region=holiday.region, name=holiday.name,
                 starts_on=holiday.starts_on.isoformat())
    db.session.execute(delete(SchoolHoliday).where(SchoolHoliday.id == holiday_id))
    db.session.commit()


def _rows(text):
    reader = csv.DictReader(io.StringIO(text))
    missing = {"region", "name", "starts_on", "ends_on"} - set(reader.fieldnames or ())
    if missing:
        raise ValidationFailed({"file": _(
            "The file needs the columns region, name, starts_on and ends_on; missing: "
            "%(columns)s.", columns=", ".join(sorted(missing)))})
    for number, row in enumerate(reader, start=2):
        if number > CSV_MAX_ROWS + 1:
            raise ValidationFailed({"file": _("At most %(n)d rows at once.", n=CSV_MAX_ROWS)})
        yield number, row


def _day(text):
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        return None


def parse_holidays_csv(text):
    """Holiday periods from CSV text (region,name,starts_on,ends_on with ISO dates); every bad
    row is named, and nothing is taken from a file with any bad row."""
    periods, problems = [], []
    for number, row in _rows(text):
        starts_on, ends_on = _day(row.get("starts_on")), _day(row.get("ends_on"))
        region = (row.get("region") or "").strip().lower()
        name, errors = _clean(region, row.get("name"), starts_on, ends_on)
        if errors:
            problems.append(_("row %(row)d: %(problem)s", row=number,
                              problem=" ".join(errors.values())))
        else:
            periods.append((region, name, starts_on, ends_on))
    if problems:
        raise ValidationFailed({"file": "; ".join(problems[:10])})
    return periods


def import_holidays(*, actor, text):
    """The administrator imports a CSV of holidays; a period already known (same region and
    first day) is updated, so importing a file twice changes nothing. Returns (new, updated)."""
    security.require_role(actor, security.ADMIN)
    periods = parse_holidays_csv(text)
    new, updated = _upsert(periods)
    record_event(actor, "holiday.imported", actor, new=new, updated=updated)
    db.session.commit()
    return new, updated


def _upsert(periods):
    new = updated = 0
    for region, name, starts_on, ends_on in periods:
        existing = db.session.scalar(select(SchoolHoliday).where(
            SchoolHoliday.region == region, SchoolHoliday.starts_on == starts_on))
        if existing is None:
            db.session.add(SchoolHoliday(region=region, name=name, starts_on=starts_on,
                                         ends_on=ends_on))
            new += 1
        elif (existing.name, existing.ends_on) != (name, ends_on):
            existing.name, existing.ends_on = name, ends_on
            updated += 1
    db.session.flush()
    return new, updated


def load_seeded_holidays():
    """Add the holidays of seeds/school_holidays.csv that are not there yet; the caller
    commits. What the administrator changed is left alone."""
    path = SEEDS_DIR / "school_holidays.csv"
    if not path.exists():
        return 0
    added = 0
    for region, name, starts_on, ends_on in parse_holidays_csv(path.read_text("utf-8")):
        if not _taken(region, starts_on):
            db.session.add(SchoolHoliday(region=region, name=name, starts_on=starts_on,
                                         ends_on=ends_on))
            added += 1
    db.session.flush()
    return added
