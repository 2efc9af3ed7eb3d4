"""The headline figures (portal/moderation/figures.py), tied out against the raw rows: every
figure is counted again here in plain Python from the requests, evaluations and rides, and the
two must agree for the country and for a region."""
from datetime import date, time, timedelta

import pytest
from sqlalchemy import func, select

from portal.bookings.bus.models import BusRide
from portal.bookings.models import Booking
from portal.bookings.outcomes import evaluate, report_outcome
from portal.db import PORTAL_TIMEZONE, local_today
from portal.extensions import db
from portal.moderation.figures import Period, headline, school_year_of
from portal.organisations.regions import Region

ZEELAND = "NL-ZE"


def test_a_school_year_runs_from_august_to_july():
    assert school_year_of(date(2026, 12, 1)) == Period(date(2026, 8, 1), date(2027, 7, 31))
    assert school_year_of(date(2027, 7, 31)) == Period(date(2026, 8, 1), date(2027, 7, 31))
    assert school_year_of(date(2027, 8, 1)).label == "2027-2028"


def _held(make, offer, teacher, days_ago, pupils=None, girls=None, evaluated=True):
    """A request that took place `days_ago` days ago; the school evaluates it (or not)."""
    booking = make.past_booking(offer, teacher, days_ago=days_ago, group_size=20)
    report_outcome(actor=teacher, booking=booking, held=True)
    report_outcome(actor=make.owner_of(offer.company), booking=booking, held=True)
    if evaluated:
        evaluate(actor=teacher, booking=booking, rating=4, pupils_reached=pupils, girls=girls)
        evaluate(actor=make.owner_of(offer.company), booking=booking, rating=5,
                 host_again=True)  # the company's evaluation says nothing of pupils
    return booking


@pytest.fixture
def activities(make):
    """Activities in Zeeland and Utrecht, evaluated or not, with and without girls reported;
    one that did not take place, one only requested, one by bus."""
    zeeland_teacher = make.owner_of(make.school(place="Middelburg (Zeeland)"))
    utrecht_teacher = make.owner_of(make.school(place="Utrecht"))
    zeeland_offer = make.offer(make.company(place="Vlissingen"))
    utrecht_offer = make.offer(make.company(place="Utrecht"))
    mixed_offer = make.offer(make.company(place="Utrecht"))  # a Zeeland school visits it
    _held(make, zeeland_offer, zeeland_teacher, 3, pupils=18, girls=7)
    _held(make, zeeland_offer, zeeland_teacher, 5, evaluated=False)
    _held(make, utrecht_offer, utrecht_teacher, 4, pupils=25, girls=10)
    _held(make, mixed_offer, zeeland_teacher, 6, pupils=12, girls=6)
    make.past_booking(utrecht_offer, utrecht_teacher, days_ago=8)  # nobody said it took place
    make.booking(utrecht_offer, utrecht_teacher, slot_id=next(  # only requested
        s.id for s in utrecht_offer.slots if s.day >= local_today()))
    bus = make.bus(make.technocentrum(provinces=(ZEELAND,)))
    visit = make.visit_to_ride()
    from portal.bookings.bus import services as bus_services

    ride = bus_services.book_ride(actor=visit.requested_by, booking=visit, bus_id=bus.id,
                                  departs_at=time(8, 15), returns_at=time(12, 15), teachers=2,
                                  price_cents=0)
    # The visit took place: its date is moved into the past as the nightly job would find it.
    past = local_today() - timedelta(days=2)
    db.session.execute(Booking.__table__.update().where(Booking.id == visit.id)
                       .values(status="completed", wanted_on=past))
    db.session.execute(BusRide.__table__.update().where(BusRide.id == ride.id)
                       .values(day=past))
    db.session.commit()


def _by_hand(period, province_code=None):
    """The figures counted from the rows, one request at a time."""
    activities = pupils = girls = girls_pupils = 0
    schools, companies = set(), set()
    for booking in db.session.scalars(select(Booking)):
        if booking.status != "completed" or not period.first <= booking.wanted_on <= period.last:
            continue
        school_province = booking.school.place.province.code
        company_province = booking.offer.company.place.province.code
        if province_code and province_code not in (school_province, company_province):
            continue
        evaluation = next((e for e in booking.evaluations if e.side == "school"), None)
        reached = evaluation.pupils_reached if evaluation and evaluation.pupils_reached \
            is not None else booking.group_size
        activities += 1
        pupils += reached
        if evaluation is not None and evaluation.girls is not None:
            girls += evaluation.girls
            girls_pupils += reached
        schools.add(booking.school_id)
        companies.add(booking.offer.company_id)
    rides = [r for r in db.session.scalars(select(BusRide))
             if r.status == "booked" and r.booking.status == "completed"
             and period.first <= r.day <= period.last
             and (not province_code or province_code in (
                 r.booking.school.place.province.code,
                 r.booking.offer.company.place.province.code))]
    return (activities, pupils, girls, girls_pupils, len(schools), len(companies), len(rides),
            sum(r.pupils for r in rides))


def _figures(period, region=None):
    h = headline(period, region)
    return (h.activities, h.pupils, h.girls, h.pupils_counted_for_girls, h.schools,
            h.companies, h.bus_rides, h.bus_pupils)


def test_the_national_figures_tie_out_with_the_rows(activities):
    period = Period(local_today() - timedelta(days=30), local_today())

    figures = _figures(period)

    assert figures == _by_hand(period)
    assert figures[0] == 5 and figures[6] == 1  # four held, the bus visit; one ride
    assert headline(period).girls_share == pytest.approx(23 / 55)


def test_a_regions_figures_tie_out_and_count_visits_across_its_border(activities):
    from portal.geo.models import Province

    zeeland = db.session.scalar(select(Province.id).where(Province.code == ZEELAND))
    period = Period(local_today() - timedelta(days=30), local_today())

    figures = _figures(period, Region((zeeland,)))

    assert figures == _by_hand(period, ZEELAND)
    assert figures[0] == 4  # its school's visit to Utrecht counts; Utrecht's own does not


def test_outside_the_period_nothing_counts(activities):
    period = Period(local_today() - timedelta(days=4), local_today())
    earlier = Period(local_today() - timedelta(days=400), local_today() - timedelta(days=31))

    assert _figures(period) == _by_hand(period)
    assert _figures(earlier) == (0, 0, 0, 0, 0, 0, 0, 0)
    assert headline(earlier).girls_share is None


# --- a region's figures in detail ----------------------------------------------------------


def _held_rows(period, province_code=None):
    for booking in db.session.scalars(select(Booking)):
        if booking.status != "completed" or not period.first <= booking.wanted_on <= period.last:
            continue
        provinces = (booking.school.place.province.code,
                     booking.offer.company.place.province.code)
        if province_code and province_code not in provinces:
            continue
        evaluation = next((e for e in booking.evaluations if e.side == "school"), None)
        yield booking, (evaluation.pupils_reached if evaluation and evaluation.pupils_reached
                        is not None else booking.group_size)


def _tally(pairs):
    totals = {}
    for key, pupils in pairs:
        entry = totals.setdefault(key, [0, 0])
        entry[0] += 1
        entry[1] += pupils
    return {key: tuple(value) for key, value in totals.items()}


@pytest.mark.parametrize("province_code", [None, ZEELAND])
def test_activities_by_type_sector_level_and_place_tie_out(activities, province_code):
    from portal.geo.models import Province
    from portal.moderation.figures import activities_by

    period = Period(local_today() - timedelta(days=30), local_today())
    region = None if province_code is None else Region((db.session.scalar(
        select(Province.id).where(Province.code == province_code)),))
    held = list(_held_rows(period, province_code))
    expected = {
        "type": _tally((b.offer.offer_type, p) for b, p in held),
        "sector": _tally((s.id, p) for b, p in held for s in b.offer.sectors),
        "level": _tally((b.education_level_id, p) for b, p in held),
        "place": _tally((b.school.place_id, p) for b, p in held),
    }

    for by, wanted in expected.items():
        rows = activities_by(period, region, by)
        assert {row.key: (row.activities, row.pupils) for row in rows} == wanted, by
        assert [row.activities for row in rows] == sorted(
            (row.activities for row in rows), reverse=True)


def test_late_answers_and_the_median_response_time(make):
    from portal.bookings.models import BookingMessage
    from portal.bookings.services import withdraw_booking
    from portal.db import utcnow
    from portal.moderation.figures import answers

    offer = make.offer(make.company(place="Vlissingen"), slot_capacity=200)
    places = ("Goes", "Middelburg (Zeeland)", "Terneuzen", "Vlissingen", "Goes", "Goes")
    answered, waiting, quick, silent, gave_up, patient = (
        make.booking(offer, make.owner_of(make.school(place=p))) for p in places)
    make.accepted(answered)
    make.accepted(quick)
    make.accepted(silent, message="")  # an acceptance without a word: its decision answers
    for booking in (gave_up, patient):
        withdraw_booking(actor=booking.requested_by, booking=booking)
    now = utcnow()
    # (asked, the company's first word, its decision, the school's withdrawal), as time ago:
    # answered after 10 days (late); not at all (late); after 2 hours; decided after 3 hours
    # without a word; withdrawn unanswered after 2 days (not late), after 12 days (late)
    moved = {answered.id: (21, 11, 11, None), waiting.id: (21, None, None, None),
             quick.id: (21, 21 - 2 / 24, 21 - 2 / 24, None), silent.id: (21, None, 21 - 3 / 24,
                                                                       None),
             gave_up.id: (21, None, None, 19), patient.id: (21, None, None, 9)}
    for booking_id, (asked, word, decided, withdrawn) in moved.items():
        def ago(days):
            return None if days is None else now - timedelta(days=days)
        db.session.execute(Booking.__table__.update().where(Booking.id == booking_id)
                           .values(created_at=ago(asked), decided_at=ago(decided),
                                   updated_at=ago(withdrawn or 0)))
        if word is not None:
            db.session.execute(BookingMessage.__table__.update().where(
                BookingMessage.booking_id == booking_id, BookingMessage.side == "company")
                .values(created_at=ago(word)))
    db.session.commit()
    assert db.session.scalar(select(func.count(BookingMessage.id)).where(
        BookingMessage.booking_id == silent.id, BookingMessage.side == "company")) == 0

    result = answers(Period(local_today() - timedelta(days=30), local_today()), None,
                     local_today())

    assert (result.requests, result.answered, result.late) == (6, 3, 3)
    assert result.median_hours == pytest.approx(3, abs=0.1)  # of 240, 2 and 3 hours


def test_internship_and_bbl_places_offered_taken_and_asked(make):
    from portal.moderation.figures import placements

    company = make.company(place="Vlissingen")
    internship = make.placement(company, places=3, title="Stage monteur")
    make.booking(internship, make.owner_of(make.school(place="Goes", stage="mbo")),
                 group_size=2)
    make.placement(make.company(place="Utrecht"), places=5)  # another region: left out

    from portal.geo.models import Province

    zeeland = db.session.scalar(select(Province.id).where(Province.code == ZEELAND))
    period = Period(local_today() - timedelta(days=1), local_today() + timedelta(days=60))

    [row] = placements(period, Region((zeeland,)))

    assert (row.sector_id, row.level_id) == (internship.sectors[0].id,
                                             internship.levels[0].id)
    assert (row.offered, row.taken, row.asked) == (3, 0, 2)
    assert len(placements(period, None)) == 1  # the same sector and level: summed
    assert placements(period, None)[0].offered == 8


def test_new_companies_of_the_period(make):
    from portal.geo.models import Province
    from portal.moderation.figures import new_companies

    make.company(place="Vlissingen")
    make.company(place="Goes", approved=False)
    make.rejected_company(place="Middelburg (Zeeland)")
    make.company(place="Utrecht")
    zeeland = db.session.scalar(select(Province.id).where(Province.code == ZEELAND))
    today = Period(local_today(), local_today())

    assert new_companies(today, Region((zeeland,))) == 2
    assert new_companies(today, None) == 3
    assert new_companies(Period(local_today() - timedelta(days=9),
                                local_today() - timedelta(days=1)), None) == 0


# --- the topsector lens --------------------------------------------------------------------


@pytest.fixture
def topsectors(activities, make):
    """Two topsectors over the sectors (made here: the seeds are not the test's), and a held
    activity whose offer has two sectors in one topsector."""
    from portal.taxonomy.models import Topsector
    from portal.taxonomy.services import sector_by_code

    metaal, elektro, energie = (sector_by_code(code) for code in
                                ("metaal", "elektrotechniek", "energie"))
    high_tech = Topsector(code="test_high_tech", name="High Tech", name_en="High Tech",
                          sectors=[metaal, elektro])
    power = Topsector(code="test_energie", name="Energie", name_en="Energy",
                      sectors=[metaal, energie])
    db.session.add_all([high_tech, power])
    db.session.commit()
    both = make.offer(make.company(place="Goes"),
                      sector_ids=[metaal.id, elektro.id, energie.id])
    _held(make, both, make.owner_of(make.school(place="Goes")), 7, pupils=15, girls=5)
    return high_tech, power


@pytest.mark.parametrize("province_code", [None, ZEELAND])
def test_activities_by_topsector_tie_out_once_per_topsector(topsectors, province_code):
    from portal.geo.models import Province
    from portal.moderation.figures import BY_TOPSECTOR, activities_by

    period = Period(local_today() - timedelta(days=30), local_today())
    region = None if province_code is None else Region((db.session.scalar(
        select(Province.id).where(Province.code == province_code)),))
    held = list(_held_rows(period, province_code))
    wanted = _tally((topsector, p) for b, p in held
                    for topsector in {t.id for s in b.offer.sectors for t in s.topsectors})

    rows = activities_by(period, region, BY_TOPSECTOR)

    assert {row.key: (row.activities, row.pupils) for row in rows} == wanted
    high_tech, power = topsectors
    by_sector = {row.key: row for row in activities_by(period, region, "sector")}
    metaal = next(s.id for s in high_tech.sectors if s.code == "metaal")
    # the offer of metaal, elektrotechniek and energie is in each of its topsectors once
    mine = {row.key: row.activities for row in rows}
    assert mine[high_tech.id] == mine[power.id] == by_sector[metaal].activities


# --- requests that found no room -----------------------------------------------------------


def _asked_long_ago(*requests):
    """Move requests (or waiting-list entries) to 60 days ago, before the period."""
    from portal.bookings.models import WaitlistEntry
    from portal.db import utcnow

    for made in requests:
        model = Booking if isinstance(made, Booking) else WaitlistEntry
        db.session.execute(model.__table__.update().where(model.id == made.id)
                           .values(created_at=utcnow() - timedelta(days=60)))
    db.session.commit()


@pytest.fixture
def endings(make):
    """Requests in Zeeland and Utrecht of three types ended every way, a few made before the
    period; and waiting-list entries closed with and without room, by the date or by the
    offer's withdrawal."""
    from portal.bookings import counter
    from portal.bookings import services as bookings
    from portal.bookings.models import NO_ROOM, OTHER_REASON
    from portal.offers.models import Offer

    zeeland = make.company(place="Vlissingen")
    utrecht = make.company(place="Utrecht")
    visit = make.offer(zeeland, slot_capacity=30)
    lesson = make.offer(zeeland, offer_type="guest_lesson",
                        sector_ids=[s.id for s in visit.sectors]
                        + [_sector("elektrotechniek")])
    internship = make.placement(utrecht, places=5)
    far_visit = make.offer(utrecht)
    teachers = [make.owner_of(make.school(place=p)) for p in
                ("Goes", "Middelburg (Zeeland)", "Utrecht", "Amersfoort", "Terneuzen")]
    mbo = make.owner_of(make.school(place="Goes", stage="mbo"))

    def asked(offer, who):
        return make.booking(offer, who, group_size=1 if not offer.has_slots else 10)

    def decline(booking, reason):
        return bookings.decline_booking(actor=make.owner_of(booking.offer.company),
                                        booking=booking, message="Helaas.", end_reason=reason)

    def withdraw(booking, reason=None):
        return bookings.withdraw_booking(actor=booking.requested_by, booking=booking,
                                         end_reason=reason)

    decline(asked(visit, teachers[0]), NO_ROOM)
    decline(asked(visit, teachers[1]), OTHER_REASON)
    withdraw(asked(visit, teachers[2]), NO_ROOM)  # an Utrecht school at a Zeeland company
    withdraw(asked(lesson, teachers[0]))
    decline(asked(lesson, teachers[1]), NO_ROOM)
    make.accepted(asked(lesson, teachers[4]))
    asked(visit, teachers[4])  # still open
    decline(asked(internship, mbo), NO_ROOM)  # a Zeeland school at an Utrecht company
    withdraw(asked(far_visit, teachers[3]), NO_ROOM)  # Utrecht only
    proposed = asked(far_visit, teachers[2])
    counter.counter_propose(actor=make.owner_of(utrecht), booking=proposed, group_size=8,
                            message="Acht past.")
    counter.decline_counter_proposal(actor=teachers[2], booking=proposed, message="Nee.")
    _asked_long_ago(decline(asked(visit, teachers[3]), NO_ROOM))  # before the period

    full = make.offer(zeeland, slot_capacity=20, title="Volle datum")
    full_slot = full.slots[0]
    make.accepted(make.booking(full, teachers[3], group_size=20))
    entries = [waitlist_join(make, full_slot, who) for who in teachers[:3]]
    gone = make.offer(zeeland, slot_capacity=20, title="Ingetrokken")
    make.accepted(make.booking(gone, teachers[3], group_size=20))
    withdrawn_line = waitlist_join(make, gone.slots[0], teachers[0])
    from portal.bookings.offer_life import withdraw_offer
    from portal.bookings.waitlist import expire_offers, leave_waitlist
    from portal.bookings.waitlist.lines import slot_start

    leave_waitlist(actor=teachers[1], entry=entries[1])
    withdraw_offer(actor=make.owner_of(zeeland), offer=gone, reason="Machine stuk.")
    late = waitlist_join(make, full_slot, teachers[4])
    _asked_long_ago(late)
    # room comes free for a school where nobody is left to be offered it: closed, not for
    # lack of room
    emptied = make.offer(zeeland, slot_capacity=20, title="Niemand meer")
    emptied_booking = make.accepted(make.booking(emptied, teachers[3], group_size=20))
    alone = [make.owner_of(make.school(place=p)) for p in ("Goes", "Vlissingen")]
    nobody = [waitlist_join(make, emptied.slots[0], who) for who in alone]
    for who in alone:
        who.is_active = False
    db.session.commit()
    bookings.cancel_booking(actor=make.owner_of(zeeland), booking=emptied_booking,
                            message="De hal is dicht.")
    # an offer that ended before its date (archived by hand): its line closes, not for room
    ended = make.offer(zeeland, slot_capacity=20, title="Afgelopen")
    later_slot = make.slot(ended, capacity=20, days=21)
    make.accepted(make.booking(ended, teachers[3], group_size=20, slot_id=later_slot.id))
    ended_line = waitlist_join(make, later_slot, teachers[0])
    db.session.execute(Offer.__table__.update().where(Offer.id == ended.id)
                       .values(status="archived"))
    db.session.commit()
    # the date begins while the others wait: their line closes without room
    expire_offers(now=slot_start(full_slot) + timedelta(minutes=1))
    # the company withdraws the offer after its date began: those schools still found no room
    withdraw_offer(actor=make.owner_of(zeeland), offer=full, reason="Wij stoppen ermee.")
    return {"closed": [entries[0], entries[2], late], "left": entries[1],
            "withdrawn": withdrawn_line, "nobody": nobody, "ended": ended_line}


def _sector(code):
    from portal.taxonomy.services import sector_by_code

    return sector_by_code(code).id


def waitlist_join(make, slot, who):
    from portal.bookings.waitlist import join_waitlist

    return join_waitlist(actor=who, slot=slot, group_size=10, level_id=slot.offer.levels[0].id)


def _ended_by_hand(period, province_code, by):
    """Per type or sector: [requests, ended, of them no room, waiting list closed], counted
    from the rows one at a time."""
    from portal.bookings.models import WaitlistEntry

    def made_in(row):
        return period.first <= row.created_at.astimezone(PORTAL_TIMEZONE).date() <= period.last

    def in_region(school, offer):
        return not province_code or province_code in (school.place.province.code,
                                                      offer.company.place.province.code)

    def keys(offer):
        return [offer.offer_type] if by == "type" else [s.id for s in offer.sectors]

    totals = {}
    for booking in db.session.scalars(select(Booking)):
        if not made_in(booking) or not in_region(booking.school, booking.offer):
            continue
        ended = booking.status in ("declined", "withdrawn")
        for key in keys(booking.offer):
            row = totals.setdefault(key, [0, 0, 0, 0])
            row[0] += 1
            row[1] += ended
            row[2] += ended and booking.end_reason == "no_room"
    for entry in db.session.scalars(select(WaitlistEntry)):
        offer = entry.slot.offer
        if entry.status != "closed" or entry.closed_why != "date_began" \
                or entry.offered_at is not None or not made_in(entry) \
                or not in_region(entry.school, offer):
            continue
        for key in keys(offer):
            totals.setdefault(key, [0, 0, 0, 0])[3] += 1
    return {key: tuple(row) for key, row in totals.items()}


@pytest.mark.parametrize("by", ["type", "sector"])
@pytest.mark.parametrize("province_code", [None, ZEELAND])
def test_requests_that_found_no_room_tie_out(endings, by, province_code):
    from portal.geo.models import Province
    from portal.moderation.figures import ended_requests

    period = Period(local_today() - timedelta(days=30), local_today())
    region = None if province_code is None else Region((db.session.scalar(
        select(Province.id).where(Province.code == province_code)),))

    rows = ended_requests(period, region, by)

    assert {row.key: (row.requests, row.ended, row.no_room, row.waitlist_closed)
            for row in rows} == _ended_by_hand(period, province_code, by)
    assert [row.no_room for row in rows] == sorted((row.no_room for row in rows), reverse=True)


def test_what_counts_as_no_room(endings):
    from portal.moderation.figures import ended_requests

    period = Period(local_today() - timedelta(days=30), local_today())
    country = {row.key: row for row in ended_requests(period, None, "type")}

    visit, lesson, internship = (country[k] for k in ("company_visit", "guest_lesson",
                                                      "internship"))
    # visits: declined (room, other), withdrawn (room) at Vlissingen; withdrawn (room) and
    # declined as a counter-proposal at Utrecht; the requests of the two full dates
    assert (visit.ended, visit.no_room) == (5, 3)
    assert (lesson.requests, lesson.ended, lesson.no_room) == (3, 2, 1)
    assert (internship.ended, internship.no_room) == (1, 1)
    # two schools whose date began in line, though the offer was withdrawn after (the third
    # joined before the period; the one that left, the one whose offer was withdrawn or ended
    # before the date and the one whose school had nobody left do not count)
    assert visit.waitlist_closed == 2
    db.session.expire_all()
    closed = endings["closed"]
    assert {(e.status, e.closed_why) for e in closed} == {("closed", "date_began")}
    assert [(e.status, e.closed_why) for e in (endings["withdrawn"], endings["ended"],
                                                *endings["nobody"])] == [
        ("closed", "offer_withdrawn"), ("closed", "offer_ended"),
        ("closed", "nobody_at_school"), ("closed", "nobody_at_school")]
    assert closed[0].slot.offer.status == "withdrawn"


def test_no_room_outside_the_period_or_region_is_not_counted(endings):
    from portal.geo.models import Province
    from portal.moderation.figures import ended_requests

    earlier = Period(local_today() - timedelta(days=400), local_today() - timedelta(days=31))
    [old] = ended_requests(earlier, None, "type")
    assert (old.key, old.requests, old.no_room, old.waitlist_closed) == (
        "company_visit", 1, 1, 1)
    groningen = db.session.scalar(select(Province.id).where(Province.code == "NL-GR"))
    assert ended_requests(Period(local_today() - timedelta(days=30), local_today()),
                          Region((groningen,)), "type") == []


# --- searches that found nothing -----------------------------------------------------------


@pytest.fixture
def unfound():
    """Searches that found nothing: from Zeeland and Utrecht schools, and one of a school
    without a place (the country's only)."""
    from portal.geo.models import Place, Province
    from portal.matching.empty_searches import note_empty_search

    def place(name, province):
        return db.session.scalar(select(Place).join(Province).where(
            Place.name == name, Province.code == province))

    middelburg, goes = place("Middelburg", ZEELAND), place("Goes", ZEELAND)
    utrecht = place("Utrecht", "NL-UT")
    lesson = {"type": "guest_lesson", "sector": "metaal", "level": "vmbo_kb", "km": 25}
    today = local_today()
    for where, filters, days_ago in [
            (middelburg, lesson, 1), (middelburg, lesson, 3), (goes, lesson, 2),
            (middelburg, {"words": "drones"}, 5), (utrecht, lesson, 1),
            (None, {"words": "drones"}, 1), (middelburg, lesson, 90)]:
        note_empty_search(dict(filters), where, today=today - timedelta(days=days_ago))
    db.session.commit()
    return middelburg


def _unfound_by_hand(period, province_code):
    from portal.geo.models import Place
    from portal.matching.empty_searches import EmptySearch

    counts = {}
    for row in db.session.scalars(select(EmptySearch)):
        if not period.first <= row.day <= period.last:
            continue
        place = db.session.get(Place, row.place_id) if row.place_id else None
        if province_code and (place is None or place.province.code != province_code):
            continue
        key = tuple(sorted(row.filters.items()))
        counts[key] = counts.get(key, 0) + 1
    return counts


@pytest.mark.parametrize("province_code", [None, ZEELAND])
def test_searches_that_found_nothing_tie_out(unfound, province_code):
    from portal.geo.models import Province
    from portal.moderation.figures import empty_searches

    period = Period(local_today() - timedelta(days=30), local_today())
    region = None if province_code is None else Region((db.session.scalar(
        select(Province.id).where(Province.code == province_code)),))

    rows = empty_searches(period, region)

    assert {tuple(sorted(row.filters.items())): row.searches
            for row in rows} == _unfound_by_hand(period, province_code)
    # by the filters only: Middelburg's and Goes' the same search (and Utrecht's, for the
    # country), the school's place neither grouped by nor shown
    lesson = {"type": "guest_lesson", "sector": "metaal", "level": "vmbo_kb", "km": 25}
    assert (rows[0].filters, rows[0].searches) == (lesson, 3 if province_code else 4)
    assert [row.searches for row in rows] == sorted((r.searches for r in rows), reverse=True)
    assert [row.searches for row in rows if row.filters == {"words": "drones"}] == [
        1 if province_code else 2]
    assert not hasattr(rows[0], "place_id")
