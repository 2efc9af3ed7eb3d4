"""The demo's season: what the last school year and this one so far left behind, so the figures
pages (/moderatie/cijfers, /cijfers) show a region's real-looking year after `make run`.

Activities held and evaluated by both sides (pupils reached, of them girls), across the offer
types, sectors, levels and the schools' places; some not held (a no-show, a cancellation) or
declined; requests answered after an hour or after two weeks; internship, BBL and teacher
placements offered, taken and asked for (more asked than offered in some sectors); Techniekbus
rides with the pupils they carried; companies that registered over the months; schools that
waited on a waiting list for a date that began before room came free, and schools' searches
that found nothing. Most of it in Zeeland and Flanders (Technocentrum Zeeland), some in
Flevoland, Noord-Holland and Twente, so the country's figures differ from Zeeland's.

The use cases refuse dates in the past, so these rows are written directly, each as the use
cases would have left it: the status and the room taken, who decided and when, the messages of
the conversation (the company's first word is its answer), both sides' answers to "did it take
place?", the evaluations, and the time-driven work done (reminder, question) so that `flask
tasks run` sends nothing about them. Nothing goes into the outbox and no audit event is written:
nobody is mailed about the past.

Dates follow the day it runs, as the rest of the demo; the choices come from one seeded random
generator, so the same day gives the same season. Loaded once: last year's editions of the
placements (archived, the school year in their titles) say it is there.
"""
import itertools
import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from sqlalchemy import insert, select, update
from sqlalchemy.orm import selectinload

from portal.accounts.models import User
from portal.bookings import rules
from portal.bookings.bus import rules as bus_rules
from portal.bookings.bus.models import Bus, BusRide
from portal.bookings.bus.services import rules_of
from portal.bookings.models import (
    CLOSED,
    DATE_BEGAN,
    NO_ROOM,
    Booking,
    BookingMessage,
    Evaluation,
    WaitlistEntry,
)
from portal.db import PORTAL_TIMEZONE, utcnow
from portal.extensions import db
from portal.geo.distance import haversine_km
from portal.matching.empty_searches import EmptySearch, filters_of
from portal.moderation.figures import Period, school_year_of
from portal.offers.models import ARCHIVED, PUBLISHED, Offer, Slot
from portal.organisations.models import Membership, Organisation, Technocentrum
from portal.organisations.regions import Region
from portal.taxonomy.codes import (
    APPRENTICESHIP,
    ASSIGNMENT,
    AT_COMPANY,
    AT_SCHOOL,
    COMPANY_VISIT,
    GUEST_LESSON,
    INTERNSHIP,
    TASTER_DAY,
    TEACHER_PLACEMENT,
)
from portal.taxonomy.holidays import holiday_region_of, holidays_between

SEED = 20250801
# Where the season happens: the provinces of a region's schools and companies, and the requests
# they made in a whole school year (this year's part follows from the school days gone by).
REGIONS = ((("NL-ZE", "BE-VLG"), 165), (("NL-FL",), 36), (("NL-NH",), 46), (("NL-OV",), 40))
ZEELAND = "Technocentrum Zeeland"

GROUP_KINDS = {GUEST_LESSON: 4, COMPANY_VISIT: 4, TASTER_DAY: 2, ASSIGNMENT: 1}
PLACEMENT_KINDS = (INTERNSHIP, APPRENTICESHIP, TEACHER_PLACEMENT)
STAGE_WEIGHT = {"po": 1.0, "vo": 1.6, "mbo": 0.3}
COUNTRY_WEIGHT = {"NL": 1.0, "BE": 0.55}  # Zeeland's region reaches into Flanders
# The levels a school teaches, by its stage and country.
LEVELS = {("po", "NL"): ("po_7_8",),
          ("vo", "NL"): ("pro", "vmbo_bb", "vmbo_kb", "vmbo_gl", "vmbo_tl", "havo", "vwo"),
          ("vo", "BE"): ("be_so_doorstroom", "be_so_dubbel", "be_so_arbeidsmarkt", "be_duaal"),
          ("mbo", "NL"): ("mbo_1", "mbo_2", "mbo_3", "mbo_4")}
# How far a class travels to a company, and a student to a placement (km, straight line).
CLASS_KM, STUDENT_KM = 45, 80
# Days between the request and the activity.
LEAD_DAYS = {GUEST_LESSON: (12, 55), COMPANY_VISIT: (18, 70), TASTER_DAY: (10, 40),
             ASSIGNMENT: (20, 60)}
# More activities in autumn and early spring than in September, June and July.
MONTH_WEIGHT = {8: 0.0, 9: 0.8, 10: 1.2, 11: 1.3, 12: 0.8, 1: 1.0, 2: 1.1, 3: 1.3, 4: 1.1,
                5: 0.9, 6: 0.8, 7: 0.3}
# The weeks most schools are off, (month, day) to (month, day): the administrator's calendar
# (seeds/holidays) holds them from this school year on, not before.
WEEKS_OFF = {
    "NL": (((7, 11), (8, 31)), ((10, 17), (10, 25)), ((12, 20), (12, 31)), ((1, 1), (1, 4)),
           ((2, 14), (2, 22)), ((4, 25), (5, 5))),
    "BE": (((7, 1), (8, 31)), ((10, 27), (11, 2)), ((12, 22), (12, 31)), ((1, 1), (1, 4)),
           ((2, 14), (2, 22)), ((4, 4), (4, 19)), ((5, 1), (5, 1))),
}
# The share of girls in a group, by level; some sectors draw more girls than others.
GIRLS = {"po": 0.45, "pro": 0.3, "vmbo_bb": 0.18, "vmbo_kb": 0.2, "vmbo_gl": 0.28,
         "vmbo_tl": 0.3, "havo": 0.36, "vwo": 0.4, "mbo": 0.14, "be": 0.24}
MORE_GIRLS = {"life_sciences", "media", "medische_techniek", "voedingsmiddelen"}
FEWER_GIRLS = {"metaal", "bouw", "automotive", "installatietechniek", "elektrotechniek",
               "maritiem"}
# Sectors whose placements schools ask for more than companies offer (SBB's shortages).
SHORT_SECTORS = {"elektrotechniek", "installatietechniek", "automotive", "bouw", "metaal"}

ASKS = ["Wij komen graag met onze klas. Kan het in de ochtend?",
        "Mijn leerlingen zijn erg benieuwd naar uw bedrijf. Past deze datum?",
        "Graag een plek voor onze techniekklas; twee collega's gaan mee.",
        "Wij hebben dit in ons lesprogramma gepland en komen graag.",
        "Kunnen de leerlingen ook zelf iets maken of uitproberen?"]
ACCEPTS = ["Van harte welkom! Meld u bij de receptie.", "Leuk! Tot dan.",
           "Akkoord. Wilt u de leerlingen dichte schoenen laten dragen?",
           "Prima, wij zorgen voor koffie en ranja.",
           "Welkom. Onze techniekambassadeur ontvangt u bij de poort."]
# A company declines for lack of room (NO_ROOM, which the figures count as demand not met) or
# for another reason (None); a school that withdraws after being offered less room says so too.
DECLINES = [("Die week draait onze werkplaats een grote order; dan hebben we helaas geen tijd.",
             None),
            ("De groep is te groot voor onze werkplaats, het spijt ons.", NO_ROOM),
            ("Op die dag is er al een andere klas bij ons; meer leerlingen passen er niet bij.",
             NO_ROOM),
            ("Onze begeleider is die periode met verlof. Probeert u het later in het jaar?", None)]
COUNTERS = "Wij kunnen op die dag iets minder leerlingen ontvangen. Past dat voor u?"
COUNTER_TAKEN = "Prima, dan komt de rest van de klas een andere keer."
WITHDRAWALS = "Dan zoeken we liever iets voor de hele klas. Dank u wel!"
SCHOOL_CANCELS = ["Er is die dag een toetsweek ingepland; het spijt ons.",
                  "De bus is uitgevallen, dus we moeten helaas afzeggen.",
                  "Door ziekte van twee collega's kunnen we de klas niet begeleiden."]
COMPANY_CANCELS = ["Onze begeleider is ziek; we moeten helaas afzeggen.",
                   "Er is een storing in de fabriek; bezoekers kunnen er die dag niet in."]
SCHOOL_COMMENTS = {5: "Heel leerzaam; de leerlingen praten er nog steeds over.",
                   4: "Goed verzorgd en de leerlingen mochten veel zelf doen.",
                   3: "Interessant, al was het voor de jongste leerlingen wat lang.",
                   2: "Er was weinig voorbereid voor onze leerlingen."}
COMPANY_COMMENTS = {5: "Betrokken klas met goede vragen.",
                    4: "Leuke groep; de begeleiding was goed geregeld.",
                    3: "Wat onrustig, maar de leerlingen deden goed mee.",
                    2: "De groep kwam laat en was slecht voorbereid."}
PLACE_ASKS = ["Wij hebben een gemotiveerde student voor deze plek.",
              "Een student van ons zoekt een plek in deze richting. Is er nog ruimte?"]
PLACE_ACCEPTS = ["Welkom! De student kan zich op de eerste dag om 8 uur melden.",
                 "Akkoord, wij nemen contact op over het kennismakingsgesprek."]
PLACES_GONE = "Alle plaatsen zijn al vergeven; probeert u het volgend jaar weer."
WAITLIST_ASKS = ["Wij staan graag op de wachtlijst voor deze datum.",
                 "Als er een plek vrijkomt, komen wij graag met de hele klas.", ""]
# Schools in line for a company visit's date that began before room came free for them, in a
# whole school year, per region (this year's part follows from the school days gone by).
CLOSED_IN_LINE = {("NL-ZE", "BE-VLG"): 6}
CLOSED_IN_LINE_ELSEWHERE = 1
# What schools searched for and nobody offered: (stage, country, the search's filters), the
# first ones asked most; the distance is a teacher's default unless it says otherwise. A
# search of `dates` asks for a week some weeks after the day it was made.
SEARCHES = [
    ("vo", "NL", {"offer_type": TASTER_DAY, "sector_code": "maritiem", "level_code": "havo",
                  "max_km": 25}),
    ("po", "NL", {"offer_type": GUEST_LESSON, "level_code": "po_7_8", "text": "Drones"}),
    ("vo", "NL", {"offer_type": COMPANY_VISIT, "sector_code": "luchtvaart",
                  "level_code": "vmbo_kb", "group_size": 28}),
    ("mbo", "NL", {"offer_type": INTERNSHIP, "sector_code": "procesindustrie",
                   "level_code": "mbo_2", "max_km": 25}),
    ("vo", "NL", {"text": "3D printen", "level_code": "vmbo_tl", "dates": True}),
    ("po", "NL", {"offer_type": COMPANY_VISIT, "sector_code": "voedingsmiddelen",
                  "level_code": "po_7_8", "max_km": 15}),
    ("vo", "BE", {"offer_type": COMPANY_VISIT, "sector_code": "metaal",
                  "level_code": "be_so_dubbel", "max_km": 15}),
    ("mbo", "NL", {"offer_type": APPRENTICESHIP, "sector_code": "installatietechniek",
                   "level_code": "mbo_3", "text": "warmtepomp"}),
    ("vo", "NL", {"offer_type": GUEST_LESSON, "sector_code": "ict", "text": "cybersecurity",
                  "dates": True}),
]
# Searches that found nothing in a whole school year, per region.
SEARCHES_PER_YEAR = {("NL-ZE", "BE-VLG"): 22}
SEARCHES_ELSEWHERE = 4


def load_season(companies, teachers, today):
    """The season of the demo: `companies` are the demo's (company, owner) pairs and
    `teachers` its (school, teacher) pairs. Once: a second load finds it and adds nothing."""
    if _loaded_before():
        return
    Season(companies, teachers, today).load()
    db.session.commit()


def _loaded_before():
    return db.session.scalar(select(Offer.id).where(
        Offer.status == ARCHIVED, Offer.title.like("% (20__-20__)")).limit(1)) is not None


def _country(organisation):
    return organisation.place.country_code


def _days(first, last):
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


class Season:
    def __init__(self, companies, teachers, today):
        self.rng = random.Random(SEED)
        self.today, self.now = today, utcnow()
        this = school_year_of(today)
        self.this = Period(this.first, today - timedelta(days=1))
        self.last = school_year_of(this.first - timedelta(days=1))
        self.owners = {company.id: owner for company, owner in companies}
        self.companies = [company for company, _owner in companies]
        self.teachers = teachers
        self.demo_school, self.demo_company = teachers[0][0].id, companies[0][0].id
        self.closed = {}  # (holiday region, country): days off
        self.weekdays = {}  # Period: (weekdays, cumulative weights)
        self.opened = {}  # offer id: when it was published
        self.registered = {}  # company id: when it was approved
        self.windows = defaultdict(list)  # (school, offer): (asked, answered) of its requests
        self.rides = defaultdict(list)  # (bus id, day): (departs, returns)
        self.visits = []  # (booking, slot, offer, school, level): company visits a bus may take

    # --- the whole season ---------------------------------------------------------------

    def load(self):
        self.offers = list(db.session.scalars(
            select(Offer).where(Offer.company_id.in_([c.id for c in self.companies]))
            .options(selectinload(Offer.sectors), selectinload(Offer.levels),
                     selectinload(Offer.place)).order_by(Offer.id)))
        self._registrations()
        for provinces, per_year in REGIONS:
            self._region(provinces, per_year)
        self._placements()
        self._rides()
        self._still_waiting()
        self._closed_in_line()
        self._searches()
        db.session.flush()

    # --- companies registered over the months -------------------------------------------

    def _registrations(self):
        """Approved companies registered before the last school year (the first three, the
        demo's own, and about half of the rest), during it, or this year; their offers were
        published some days after. Schools, the Technocentra and their people were there before
        it all."""
        rng, start = self.rng, self.last.first
        organisations, users, memberships, offers = [], [], [], []
        staff = list(db.session.scalars(select(Technocentrum).order_by(Technocentrum.id)))
        for centre in staff:
            made = self._moment(start - timedelta(days=700), 9, 12)
            organisations.append({"id": centre.id, "created_at": made, "updated_at": made})
        for school, teacher in self.teachers:
            made = self._moment(start - timedelta(days=rng.randint(150, 600)), 8, 20)
            organisations.append({"id": school.id, "created_at": made, "updated_at": made})
            users.append(self._person(teacher, made))
            memberships.append((teacher.id, school.id, made))
        by_company = defaultdict(list)
        for offer in self.offers:
            by_company[offer.company_id].append(offer)
        for index, company in enumerate(self.companies):
            if company.status != "approved":
                continue
            roll = rng.random()
            if index < 3 or roll < 0.5:
                day = start - timedelta(days=rng.randint(70, 420))
            elif roll < 0.86:
                day = self._pick_day(self.last)
            else:
                day = self.this.first + timedelta(days=rng.randint(
                    0, max(0, (self.today - self.this.first).days - 21)))
            made = self._moment(day, 8, 21)
            decided = self._office(made + timedelta(hours=rng.uniform(3, 60)))
            self.registered[company.id] = decided
            values = {"id": company.id, "created_at": made, "updated_at": decided,
                      "decided_at": decided}
            if company.sbb_verified_at is not None:
                values["sbb_verified_at"] = self._office(decided + timedelta(days=rng.randint(
                    1, 9)))
            organisations.append(values)
            owner = self.owners[company.id]
            users.append(self._person(owner, made))
            memberships.append((owner.id, company.id, made))
            for offer in by_company[company.id]:
                if offer.published_at is None:
                    continue
                published = min(self._office(decided + timedelta(days=rng.uniform(1, 21))),
                                self.now - timedelta(days=1))
                submitted = published - timedelta(hours=rng.uniform(3, 40))
                self.opened[offer.id] = published
                offers.append({"id": offer.id, "published_at": published,
                               "submitted_at": submitted,
                               "created_at": submitted - timedelta(hours=rng.uniform(1, 72)),
                               "updated_at": published})
        db.session.execute(update(Organisation), organisations)
        db.session.execute(update(User), users)
        db.session.execute(update(Offer), offers)
        # The dates ahead were put up with the offer.
        db.session.execute(
            update(Slot).where(Slot.offer_id.in_([row["id"] for row in offers]))
            .values(created_at=select(Offer.created_at).where(Offer.id == Slot.offer_id)
                    .scalar_subquery()).execution_options(synchronize_session=False))
        for user_id, organisation_id, made in memberships:
            db.session.execute(update(Membership).where(
                Membership.user_id == user_id, Membership.organisation_id == organisation_id)
                .values(created_at=made, updated_at=made))

    def _person(self, user, made):
        made = made - timedelta(minutes=12)
        return {"id": user.id, "created_at": made, "updated_at": made,
                "email_confirmed_at": made + timedelta(minutes=4)}

    # --- dates ----------------------------------------------------------------------------

    def _moment(self, day, first_hour, last_hour):
        """A moment on `day` between the hours, local time."""
        minute = self.rng.randrange((last_hour - first_hour) * 60)
        return datetime.combine(day, time(first_hour + minute // 60, minute % 60),
                                tzinfo=PORTAL_TIMEZONE)

    def _office(self, moment):
        """`moment`, or the next working morning when it falls at night or at the weekend."""
        local = moment.astimezone(PORTAL_TIMEZONE)
        if local.hour >= 18:
            local = self._moment(local.date() + timedelta(days=1), 8, 10)
        elif local.hour < 8:
            local = self._moment(local.date(), 8, 10)
        while local.weekday() >= 5:
            local = self._moment(local.date() + timedelta(days=1), 8, 10)
        return local

    def _days_off(self, organisation):
        """The days the organisation's schools are off: the calendar's holidays of its region
        and the usual weeks off of its country."""
        country = _country(organisation)
        region = holiday_region_of(organisation.place.province.code)
        key = (region, country)
        if key not in self.closed:
            last = self.today + timedelta(days=400)
            days = {day for first, end in holidays_between(region, self.last.first, last)
                    for day in _days(first, end)}
            days |= {day for day in _days(self.last.first, last)
                     if any(a <= (day.month, day.day) <= b for a, b in WEEKS_OFF[country])}
            self.closed[key] = days
        return self.closed[key]

    def _school_day(self, day, *organisations):
        return day.weekday() < 5 and not any(day in self._days_off(o) for o in organisations)

    def _pick_day(self, period):
        """A weekday of the period, more likely in the busy months."""
        if period not in self.weekdays:
            days = [d for d in _days(period.first, period.last) if d.weekday() < 5]
            self.weekdays[period] = (days, list(itertools.accumulate(
                MONTH_WEIGHT[d.month] for d in days)))
        days, weights = self.weekdays[period]
        return self.rng.choices(days, cum_weights=weights)[0]

    def _share_gone_by(self):
        """How much of a school year's activities lie in this year's days gone by."""
        def weight(period):
            return sum(MONTH_WEIGHT[d.month] for d in _days(period.first, period.last)
                       if d.weekday() < 5)
        return weight(self.this) / weight(self.last) if self.this.last >= self.this.first else 0

    # --- group activities -----------------------------------------------------------------

    def _region(self, provinces, per_year):
        schools = [(s, t) for s, t in self.teachers if s.place.province.code in provinces]
        offers = [o for o in self.offers if o.offer_type in GROUP_KINDS
                  and o.status == PUBLISHED and o.id in self.opened
                  and o.company.place.province.code in provinces]
        choices = {}
        for school, teacher in schools:
            fitting = [(o, lv) for o in offers for lv in [self._level(school, o)]
                       if lv is not None and self._reachable(school, o)]
            if fitting:
                choices[school.id] = (school, teacher, fitting)
        if not choices:
            return
        pool = list(choices.values())
        weights = [STAGE_WEIGHT[school.school_stage] * COUNTRY_WEIGHT[_country(school)]
                   for school, _t, _f in pool]
        this_year = round(per_year * self._share_gone_by())
        for period, count in ((self.last, per_year), (self.this, this_year)):
            for _n in range(count):
                school, teacher, fitting = self.rng.choices(pool, weights)[0]
                offer, level = self.rng.choices(
                    fitting, [GROUP_KINDS[o.offer_type] for o, _lv in fitting])[0]
                self._group_request(school, teacher, offer, level, period)

    def _level(self, school, offer):
        """A level of the offer the school teaches (the higher groups of primary school)."""
        codes = LEVELS.get((school.school_stage, _country(school)), ())
        fitting = [lv for lv in offer.levels if lv.code in codes]
        return self.rng.choice(fitting) if fitting else None

    def _reachable(self, school, offer, km=CLASS_KM):
        if offer.location_mode == AT_SCHOOL:
            km = offer.travel_km or 40
        elif offer.location_mode != AT_COMPANY:
            return True  # online
        a, b = school.place, offer.place
        return haversine_km(a.latitude, a.longitude, b.latitude, b.longitude) <= km

    def _group_request(self, school, teacher, offer, level, period):
        """One request for a date of the period: found a school day, a moment to ask and to
        answer that leave the school one open request for the offer at a time."""
        rng = self.rng
        for _attempt in range(15):
            day = self._pick_day(period)
            if not self._school_day(day, school, offer.company):
                continue
            asked = self._moment(day - timedelta(days=rng.randint(*LEAD_DAYS[
                offer.offer_type])), 8, 22)
            if asked < self.opened[offer.id] or asked > self.now - timedelta(days=1):
                continue
            answered = self._answered(asked)
            if answered.date() >= day - timedelta(days=1):
                answered = self._office(asked + timedelta(hours=rng.uniform(1, 6)))
            if answered.date() >= day or answered > self.now or self._overlaps(
                    school, offer, asked, answered):
                continue
            self.windows[(school.id, offer.id)].append((asked, answered))
            self._activity(school, teacher, offer, level, day, asked, answered)
            return

    def _answered(self, asked):
        """When the company answered: mostly within a day or three, sometimes after more than
        five school days."""
        roll = self.rng.random()
        hours = (self.rng.uniform(0.5, 20) if roll < 0.5 else
                 self.rng.uniform(20, 80) if roll < 0.78 else
                 self.rng.uniform(80, 150) if roll < 0.89 else self.rng.uniform(170, 330))
        return self._office(asked + timedelta(hours=hours))

    def _overlaps(self, school, offer, asked, answered):
        return any(asked <= b and a <= answered for a, b in self.windows[(school.id, offer.id)])

    def _group(self, offer, school):
        """(pupils, accompanying teachers) of the group that asked."""
        rng, kind = self.rng, offer.offer_type
        if kind == TASTER_DAY:
            return rng.randint(min(2, offer.pupils_per_day or 2), offer.pupils_per_day or 4), 0
        if kind == ASSIGNMENT:
            most = offer.max_group_size or 6
            return rng.randint(min(3, most), most), 0
        most = offer.max_group_size or 30
        if most > 40:
            return rng.randint(24, most - 3), rng.randint(2, 3)
        least = max(offer.min_group_size or 1, 14 if school.school_stage == "po" else 12)
        pupils = rng.randint(min(least, most), min(most, 30))
        return pupils, (rng.randint(1, 2) if kind == COMPANY_VISIT else 0)

    def _slot(self, offer, day, room, asked):
        """The date the company had put up for the activity."""
        kind, rng = offer.offer_type, self.rng
        starts = rng.choice({GUEST_LESSON: (time(8, 30), time(10, 15), time(13, 0)),
                             COMPANY_VISIT: (time(9, 0), time(9, 30), time(13, 0)),
                             TASTER_DAY: (time(9, 0),),
                             ASSIGNMENT: (time(9, 0), time(13, 0))}[kind])
        minutes = {TASTER_DAY: 360, ASSIGNMENT: 150}.get(kind, offer.duration_minutes or 120)
        ends = (datetime.combine(day, starts) + timedelta(minutes=minutes)).time()
        capacity = {GUEST_LESSON: 32, COMPANY_VISIT: 30 + (4 if offer.counts_teachers else 0),
                    TASTER_DAY: offer.pupils_per_day or 4, ASSIGNMENT: 12}[kind]
        made = max(self.opened[offer.id], asked - timedelta(days=rng.randint(5, 60)))
        return Slot(offer_id=offer.id, day=day, starts_at=starts, ends_at=ends,
                    capacity=max(capacity, room), taken=0, created_at=made, updated_at=made)

    def _activity(self, school, teacher, offer, level, day, asked, answered):
        """The request and what became of it: declined, withdrawn after a proposal, accepted
        and cancelled, or accepted and then held (or not) as the two sides said."""
        rng = self.rng
        owner = self.owners[offer.company_id]
        pupils, teachers = self._group(offer, school)
        room = pupils + (teachers if offer.counts_teachers else 0)
        slot = self._slot(offer, day, room, asked)
        start = datetime.combine(day, slot.starts_at, tzinfo=PORTAL_TIMEZONE)
        booking = Booking(offer_id=offer.id, slot=slot, school_id=school.id,
                          requested_by_id=teacher.id, status=rules.REQUESTED, wanted_on=day,
                          group_size=pupils, teachers=teachers, education_level_id=level.id,
                          created_at=asked, updated_at=asked)
        db.session.add(booking)
        self._say(booking, teacher, rules.SCHOOL, "request", rng.choice(ASKS), asked)
        roll = rng.random()
        if roll < 0.075:
            text, booking.end_reason = rng.choice(DECLINES)
            booking.status = rules.DECLINED
            booking.decided_by_id, booking.decided_at = owner.id, answered
            booking.updated_at = answered
            self._say(booking, owner, rules.COMPANY, "decline", text, answered)
            return
        smaller = max(pupils - rng.randint(4, 8), offer.min_group_size or 1, 1)
        if roll < 0.09 and smaller < pupils:
            booking.status, booking.proposed_group_size = rules.WITHDRAWN, smaller
            booking.end_reason = NO_ROOM  # the company had room for fewer
            left = self._office(answered + timedelta(hours=rng.uniform(2, 50)))
            booking.updated_at = left
            self._say(booking, owner, rules.COMPANY, "counter", COUNTERS, answered)
            self._say(booking, teacher, rules.SCHOOL, "withdraw", WITHDRAWALS, left)
            return
        decided, decider = answered, owner
        taken = self._office(answered + timedelta(hours=rng.uniform(2, 30)))
        if roll < 0.13 and smaller < pupils and taken < start - timedelta(days=1):
            # the school takes the smaller group the company proposed
            booking.proposed_group_size = booking.group_size = smaller
            room = smaller + (teachers if offer.counts_teachers else 0)
            decided, decider = taken, teacher
            self._say(booking, owner, rules.COMPANY, "counter", COUNTERS, answered)
            self._say(booking, teacher, rules.SCHOOL, "accept", COUNTER_TAKEN, decided)
        else:
            self._say(booking, owner, rules.COMPANY, "accept", rng.choice(ACCEPTS), answered)
        booking.status, booking.sequence = rules.ACCEPTED, 1
        booking.decided_by_id, booking.decided_at = decider.id, decided
        booking.room_taken = slot.taken = room
        booking.updated_at = slot.updated_at = decided
        reminder = max(start - timedelta(hours=48), decided) + timedelta(minutes=3)
        if rng.random() < 0.065:
            self._cancelled(booking, slot, teacher, owner, decided, start, reminder)
            return
        if reminder < start:
            booking.reminded_at = reminder
        self._outcomes(booking, offer, teacher, owner, day, start)
        if offer.offer_type == COMPANY_VISIT and booking.status in (rules.COMPLETED,
                                                                   rules.ACCEPTED):
            self.visits.append((booking, slot, offer, school, level))

    def _cancelled(self, booking, slot, teacher, owner, decided, start, reminder):
        rng = self.rng
        by_school = rng.random() < 0.65
        cancelled = decided + (start - decided) * rng.uniform(0.3, 0.98)
        booking.status, booking.sequence = rules.CANCELLED, 2
        booking.cancelled_by = rules.SCHOOL if by_school else rules.COMPANY
        booking.cancelled_late = rules.is_late_cancellation(start, cancelled)
        booking.room_taken = slot.taken = 0
        booking.updated_at = slot.updated_at = cancelled
        if reminder < cancelled:
            booking.reminded_at = reminder
        if by_school:
            self._say(booking, teacher, rules.SCHOOL, "cancel", rng.choice(SCHOOL_CANCELS),
                      cancelled)
        else:
            self._say(booking, owner, rules.COMPANY, "cancel", rng.choice(COMPANY_CANCELS),
                      cancelled)

    def _outcomes(self, booking, offer, teacher, owner, day, start, placement=False):
        """Both sides say whether it took place (some days after, one of them now and then
        not at all), and those who may evaluate it do; what lies ahead of now has not happened
        yet. Most took place; a few classes did not come. The demo logins' own school and
        company left nothing of it undone: their lists show what waits for them today."""
        rng = self.rng
        tidy = booking.school_id == self.demo_school or offer.company_id == self.demo_company
        asked_at = datetime.combine(day + timedelta(days=1), time(0, 5), tzinfo=PORTAL_TIMEZONE)
        if asked_at < self.now:
            booking.outcome_asked_at = asked_at
        roll = rng.random()
        if not placement and roll < 0.035:
            answers = {rules.COMPANY: (rules.ABSENT, 1, 3)}
            if tidy or rng.random() < 0.4:
                answers[rules.SCHOOL] = (rules.ABSENT, 1, 6)
        elif not placement and roll < 0.05 and day < self.this.first and not tidy:
            return  # nobody ever said
        else:
            answers = {}
            if tidy or rng.random() < 0.92:
                answers[rules.SCHOOL] = (rules.HELD, 1, 10)
            if tidy or rng.random() < 0.85 or not answers:
                answers[rules.COMPANY] = (rules.HELD, 1, 14)
        said = {}
        for side, (answer, soonest, latest) in answers.items():
            moment = self._office(start + timedelta(days=rng.randint(soonest, latest),
                                                    hours=rng.uniform(-1, 6)))
            if moment < self.now:
                said[side] = (answer, moment)
        if not said:
            return
        booking.school_outcome = said.get(rules.SCHOOL, (None,))[0]
        booking.company_outcome = said.get(rules.COMPANY, (None,))[0]
        booking.status = rules.outcome_status(booking.school_outcome, booking.company_outcome)
        booking.updated_at = max(moment for _a, moment in said.values())
        if booking.status != rules.COMPLETED:
            return
        held_at = min(moment for answer, moment in said.values() if answer == rules.HELD)
        self._evaluations(booking, offer, teacher, owner, held_at, placement, tidy)

    def _evaluations(self, booking, offer, teacher, owner, held_at, placement, tidy):
        rng = self.rng
        when = self._office(held_at + timedelta(days=rng.randint(0, 8), hours=rng.uniform(0, 5)))
        if when < self.now and (tidy or rng.random() < (0.6 if placement else 0.8)) \
                and offer.offer_type != TEACHER_PLACEMENT:
            rating = rng.choices((5, 4, 3, 2), (45, 40, 12, 3))[0]
            absent = 0 if booking.group_size < 8 else rng.choices((0, 1, 2, 3), (55, 25, 12, 8))[0]
            pupils = booking.group_size - absent
            db.session.add(Evaluation(
                booking=booking, side=rules.SCHOOL, author_id=teacher.id, rating=rating,
                comment=SCHOOL_COMMENTS[rating], pupils_reached=pupils,
                girls=self._girls(pupils, booking, offer), created_at=when))
        when = self._office(held_at + timedelta(days=rng.randint(0, 12), hours=rng.uniform(0, 5)))
        if when < self.now and (tidy or rng.random() < (0.5 if placement else 0.62)):
            rating = rng.choices((5, 4, 3, 2), (40, 42, 14, 4))[0]
            db.session.add(Evaluation(
                booking=booking, side=rules.COMPANY, author_id=owner.id, rating=rating,
                comment=COMPANY_COMMENTS[rating], host_again=rating >= 3 or rng.random() < 0.3,
                created_at=when))

    def _girls(self, pupils, booking, offer):
        level = next(lv for lv in offer.levels if lv.id == booking.education_level_id)
        code = level.code
        share = GIRLS.get(code) or GIRLS["be" if code.startswith("be_") else code.split("_")[0]]
        sectors = {s.code for s in offer.sectors}
        share += 0.08 if sectors & MORE_GIRLS else -0.06 if sectors & FEWER_GIRLS else 0
        return sum(self.rng.random() < share for _n in range(pupils))

    def _say(self, booking, author, side, kind, body, at):
        db.session.add(BookingMessage(booking=booking, author_id=author.id, side=side,
                                      kind=kind, body=body, created_at=at))

    # --- the Techniekbus ----------------------------------------------------------------

    def _rides(self):
        """Zeeland's buses took about two thirds of the classes visiting a company in its
        region, as its rules allowed: booked five days ahead or more, a bus that runs that day
        and has seats for the class and its teachers, and no other ride of that bus then."""
        zeeland = db.session.scalar(select(Technocentrum).where(Technocentrum.name == ZEELAND))
        if zeeland is None:
            return
        region, centre_rules = Region.of(zeeland), rules_of(zeeland.id)
        buses = list(db.session.scalars(select(Bus).where(
            Bus.technocentrum_id == zeeland.id, Bus.active.is_(True)).order_by(Bus.id)))
        booked = defaultdict(int)
        for booking, slot, offer, school, level in self.visits:
            if not region.contains(school.place) or self.rng.random() > 0.65 \
                    or not centre_rules.allows_level(level.code):
                continue
            a, b = school.place, offer.place
            if haversine_km(a.latitude, a.longitude, b.latitude,
                            b.longitude) > centre_rules.max_distance_km:
                continue
            made = self._office(booking.decided_at + timedelta(hours=self.rng.uniform(2, 90)))
            if made.date() > slot.day - timedelta(days=centre_rules.min_days_ahead):
                continue
            departs = (datetime.combine(slot.day, slot.starts_at) - timedelta(minutes=45)).time()
            returns = (datetime.combine(slot.day, slot.ends_at) + timedelta(minutes=45)).time()
            teachers = max(booking.teachers, 2)
            bus = next((bus for bus in buses if bus.runs_on(slot.day)
                        and booking.group_size + teachers <= bus.seats
                        and not any(departs < back and out < returns
                                    for out, back in self.rides[(bus.id, slot.day)])), None)
            if bus is None:
                continue
            self.rides[(bus.id, slot.day)].append((departs, returns))
            total, surcharge = bus_rules.price(centre_rules, school.place_id)
            db.session.add(BusRide(
                bus_id=bus.id, booking=booking, school_id=school.id,
                booked_by_id=booking.requested_by_id, day=slot.day, departs_at=departs,
                returns_at=returns, pupils=booking.group_size, teachers=teachers,
                price_cents=total, surcharge_cents=surcharge, created_at=made, updated_at=made))
            booked[bus.id] += 1
        for bus in buses:
            bus.rides_version += booked[bus.id]

    # --- internships, BBL places and teacher placements --------------------------------

    def _placements(self):
        """Last year's edition of most internships and teacher placements (archived once it
        ended), BBL places open since the start of last year, and this year's requests for the
        places ahead: taken until they are gone, then declined. Only where the company was
        there by then."""
        provinces = {code for codes, _n in REGIONS for code in codes}
        busy = set(db.session.execute(select(Booking.school_id, Booking.offer_id)).all())
        for offer in self.offers:
            if offer.offer_type not in PLACEMENT_KINDS or offer.status != PUBLISHED \
                    or offer.id not in self.opened \
                    or offer.company.place.province.code not in provinces:
                continue
            schools = [(s, t, lv) for s, t in self.teachers for lv in [self._level(s, offer)]
                       if lv is not None and self._reachable(s, offer, STUDENT_KM)
                       and not (s.id == self.demo_school and offer.offer_type == TEACHER_PLACEMENT)]
            if not schools:
                continue
            if offer.offer_type == APPRENTICESHIP:
                if self.rng.random() < 0.45:
                    self._open_since_last_year(offer, schools)
            elif self.rng.random() < 0.85:
                self._last_edition(offer, schools)
            schools = [(s, t, lv) for s, t, lv in schools if (s.id, offer.id) not in busy]
            if schools:  # this year's requests so far: about half of a year's
                self._places_asked(offer, schools, self._wanted_ahead(offer),
                                   max(self.opened[offer.id], datetime.combine(
                                       self.today - timedelta(days=80), time(8),
                                       tzinfo=PORTAL_TIMEZONE)),
                                   self._demand(offer, self.rng.uniform(0.3, 0.8)))

    def _demand(self, offer, part=1.0):
        """How many places schools ask for (`part`: of a whole year's): more than there are in
        the short sectors."""
        if offer.offer_type == TEACHER_PLACEMENT:
            return self.rng.randint(1, offer.capacity)
        short = {s.code for s in offer.sectors} & SHORT_SECTORS
        extra = self.rng.choice((2, 2, 3, 4) if short else (-1, 0, 0, 1))
        return max(1, round((offer.capacity + extra) * part))

    def _start(self, day):
        while day.weekday() >= 5:
            day += timedelta(days=1)
        return day

    def _last_edition(self, offer, schools):
        """The same placement last school year: from September or February, archived the night
        after it ended, with its places asked for, taken and (once gone) declined."""
        rng, year = self.rng, self.last.first.year
        for starts in rng.sample((date(year, 9, 1), date(year + 1, 2, 2)), 2):
            starts = self._start(starts)
            published = self._office(datetime.combine(
                starts - timedelta(days=rng.randint(60, 120)), time(10), tzinfo=PORTAL_TIMEZONE))
            if published > self.registered[offer.company_id] + timedelta(days=3):
                break
        else:
            return
        weeks = 20 if offer.offer_type == INTERNSHIP else rng.randint(4, 10)
        ends = min(starts + timedelta(weeks=weeks), date(year + 1, 7, 3))
        copy = Offer(**{name: getattr(offer, name) for name in COPIED}, status=ARCHIVED,
                     title=f"{offer.title} ({self.last.label})", starts_on=starts,
                     ends_on=ends, places_taken=0, revision=1,
                     created_at=published - timedelta(days=2),
                     submitted_at=published - timedelta(hours=20), published_at=published,
                     archived_at=datetime.combine(ends + timedelta(days=1), time(0, 5),
                                                  tzinfo=PORTAL_TIMEZONE),
                     updated_at=datetime.combine(ends + timedelta(days=1), time(0, 5),
                                                 tzinfo=PORTAL_TIMEZONE))
        copy.sectors, copy.levels = list(offer.sectors), list(offer.levels)
        db.session.add(copy)
        db.session.flush()
        self.opened[copy.id] = published
        self._places_asked(copy, schools, lambda: starts, published, self._demand(offer))

    def _open_since_last_year(self, offer, schools):
        """BBL places open since September of last year (the offer has no end), all taken by
        students who started then and on and stay for years: this year's requests find none."""
        starts = self._start(date(self.last.first.year, 9, 1))
        published = min(self.opened[offer.id], self._office(datetime.combine(
            starts - timedelta(days=self.rng.randint(40, 80)), time(10), tzinfo=PORTAL_TIMEZONE)))
        if published < self.registered[offer.company_id] + timedelta(days=3):
            return
        offer.starts_on = starts
        offer.published_at = self.opened[offer.id] = published
        offer.submitted_at = published - timedelta(hours=20)
        offer.created_at = published - timedelta(days=2)
        last_day = date(self.last.first.year + 1, 3, 31)

        def wanted():
            return self._start(starts + timedelta(days=self.rng.randint(0, (
                last_day - starts).days)))
        asking = datetime.combine(starts - timedelta(days=45), time(9), tzinfo=PORTAL_TIMEZONE)
        self._places_asked(offer, schools, wanted, max(published, asking),
                           offer.capacity + self.rng.randint(0, 2))

    def _wanted_ahead(self, offer):
        """A start date ahead in the current offer's period, this school year."""
        def wanted():
            first = max(offer.starts_on or self.today, self.today + timedelta(days=14))
            last = min(offer.ends_on or date.max, school_year_of(self.today).last)
            if last < first:
                return None
            return self._start(first + timedelta(days=self.rng.randint(0, min(
                30, (last - first).days))))
        return wanted

    def _places_asked(self, offer, schools, wanted, opened, demand):
        """Requests for the offer's places from `opened` on, some days apart, by schools with
        at most one open request for it each; the company answers them in turn, accepting
        while places are left (then, once begun, they are held) and declining after."""
        rng = self.rng
        asked = self._office(opened + timedelta(days=rng.uniform(2, 12)))
        requests = []
        for _n in range(demand):
            day = wanted()
            if day is None or asked > self.now - timedelta(days=1):
                break
            if asked.date() >= day - timedelta(days=7):
                continue
            answered = self._answered(asked)
            if answered.date() >= day:
                answered = self._office(asked + timedelta(hours=rng.uniform(1, 30)))
            free = [(s, t, lv) for s, t, lv in schools
                    if not self._overlaps(s, offer, asked, answered)]
            if answered < self.now and free:
                school, teacher, level = rng.choice(free)
                self.windows[(school.id, offer.id)].append((asked, answered))
                requests.append((answered, asked, day, school, teacher, level))
            asked = self._office(asked + timedelta(days=rng.uniform(0.5, 6)))
        owner = self.owners[offer.company_id]
        for answered, asked, day, school, teacher, level in sorted(requests,
                                                                   key=lambda r: r[0]):
            self._placement_request(offer, school, teacher, level, owner, day, asked, answered)

    def _placement_request(self, offer, school, teacher, level, owner, day, asked, answered):
        rng = self.rng
        booking = Booking(offer_id=offer.id, school_id=school.id, requested_by_id=teacher.id,
                          status=rules.DECLINED, wanted_on=day, group_size=1, teachers=0,
                          education_level_id=level.id, created_at=asked, updated_at=answered,
                          decided_by_id=owner.id, decided_at=answered)
        db.session.add(booking)
        self._say(booking, teacher, rules.SCHOOL, "request", rng.choice(PLACE_ASKS), asked)
        if offer.places_taken + 1 > offer.capacity:
            booking.end_reason = NO_ROOM
            self._say(booking, owner, rules.COMPANY, "decline", PLACES_GONE, answered)
            return
        offer.places_taken += 1
        booking.status, booking.sequence, booking.room_taken = rules.ACCEPTED, 1, 1
        self._say(booking, owner, rules.COMPANY, "accept", rng.choice(PLACE_ACCEPTS), answered)
        start = datetime.combine(day, time(9, 0), tzinfo=PORTAL_TIMEZONE)
        reminder = max(start - timedelta(hours=48), answered) + timedelta(minutes=3)
        if reminder < min(start, self.now):
            booking.reminded_at = reminder
        if day < self.today:
            self._outcomes(booking, offer, teacher, owner, day, start, placement=True)

    # --- requests still waiting for an answer ----------------------------------------------

    def _still_waiting(self):
        """Three requests the companies have not answered yet: two asked more than five
        school days ago (late), one the day before yesterday."""
        waiting = ((("NL-ZE", "BE-VLG"), (COMPANY_VISIT, GUEST_LESSON), 9),
                   (("NL-ZE", "BE-VLG"), (INTERNSHIP, APPRENTICESHIP), 2),
                   (("NL-OV",), (GUEST_LESSON, COMPANY_VISIT, TASTER_DAY), 12))
        busy = set(db.session.execute(select(Booking.school_id, Booking.offer_id).where(
            Booking.status.in_(rules.OPEN))).all())
        for provinces, kinds, days_ago in waiting:
            day = self.today - timedelta(days=days_ago)
            while day.weekday() >= 5:
                day -= timedelta(days=1)
            asked = self._moment(day, 9, 16)
            for offer in self.offers:
                if offer.offer_type not in kinds or offer.status != PUBLISHED \
                        or offer.company.place.province.code not in provinces \
                        or self.opened.get(offer.id, self.now) > asked:
                    continue
                found = self._waiting_request(offer, provinces, asked, busy)
                if found:
                    break

    def _waiting_request(self, offer, provinces, asked, busy):
        for school, teacher in self.teachers:
            level = self._level(school, offer)
            if level is None or school.place.province.code not in provinces \
                    or (school.id, offer.id) in busy or not self._reachable(school, offer) \
                    or self._overlaps(school, offer, asked, self.now):
                continue
            if offer.has_slots:
                pupils, teachers = self._group(offer, school)
                room = pupils + (teachers if offer.counts_teachers else 0)
                slot = next((s for s in offer.slots if s.day >= self.today + timedelta(days=7)
                             and s.room >= room and s.created_at < asked), None)
                if slot is None:
                    continue
                when = {"slot_id": slot.id, "wanted_on": slot.day}
            else:
                pupils, teachers = 1, 0
                day = self._wanted_ahead(offer)()
                if day is None or offer.places_left < 1:
                    continue
                when = {"wanted_on": day}
            booking = Booking(offer_id=offer.id, school_id=school.id, requested_by_id=teacher.id,
                              status=rules.REQUESTED, group_size=pupils, teachers=teachers,
                              education_level_id=level.id, created_at=asked, updated_at=asked,
                              **when)
            db.session.add(booking)
            self._say(booking, teacher, rules.SCHOOL, "request",
                      self.rng.choice(ASKS if offer.has_slots else PLACE_ASKS), asked)
            busy.add((school.id, offer.id))
            return True
        return False

    # --- waiting lists that found no room ---------------------------------------------------

    def _closed_in_line(self):
        """Schools of the region that joined the line of a company visit's date with too
        little room left for their group, after the visit already there was accepted; nobody
        cancelled, so the date began while they waited and the run closed their place (as
        flask tasks run leaves it: closed, date began, never offered room)."""
        share = self._share_gone_by()
        for provinces, _n in REGIONS:
            per_year = CLOSED_IN_LINE.get(provinces, CLOSED_IN_LINE_ELSEWHERE)
            schools = [(s, t) for s, t in self.teachers if s.place.province.code in provinces
                       and s.id != self.demo_school]
            visits = [v for v in self.visits if v[2].company.place.province.code in provinces]
            for period, count in ((self.last, per_year),
                                  (self.this, max(1, round(per_year * share)) if share else 0)):
                held = [v for v in visits if period.first <= v[1].day <= period.last]
                for booking, slot, offer, _school, _level in self.rng.sample(held, len(held)):
                    if count and self._in_line(booking, slot, offer, schools, period):
                        count -= 1

    def _in_line(self, booking, slot, offer, schools, period):
        """One school in line for the date; joined in the date's school year, where the
        figures count it."""
        rng = self.rng
        free = slot.capacity - slot.taken
        start = datetime.combine(slot.day, slot.starts_at, tzinfo=PORTAL_TIMEZONE)
        since = max(booking.decided_at,
                    datetime.combine(period.first, time(8), tzinfo=PORTAL_TIMEZONE))
        joined = self._office(since + timedelta(hours=rng.uniform(4, 200)))
        if joined > start - timedelta(days=2) or joined > self.now:
            return False
        for school, teacher in rng.sample(schools, len(schools)):
            level = self._level(school, offer)
            if school.id == booking.school_id or level is None \
                    or not self._reachable(school, offer):
                continue
            teachers = rng.randint(1, 2)
            extra = teachers if offer.counts_teachers else 0
            most = min(offer.max_group_size or 30, slot.capacity - extra)
            least = max(free + 1 - extra, offer.min_group_size or 1, 12)
            if least > most:
                continue
            closed = start + timedelta(minutes=rng.randint(1, 9))
            db.session.add(WaitlistEntry(
                slot=slot, school_id=school.id, requested_by_id=teacher.id,
                group_size=rng.randint(least, most), teachers=teachers,
                education_level_id=level.id, message=rng.choice(WAITLIST_ASKS),
                status=CLOSED, closed_why=DATE_BEGAN, room_held=0, created_at=joined,
                updated_at=closed))
            return True
        return False

    # --- searches that found nothing --------------------------------------------------------

    def _searches(self):
        """Searches of the region's schools that found nothing, on school days of both years:
        the filters as the search page logs them (portal/matching/empty_searches.py), the
        school's place, nothing of who."""
        rows, share = [], self._share_gone_by()
        for provinces, _n in REGIONS:
            per_year = SEARCHES_PER_YEAR.get(provinces, SEARCHES_ELSEWHERE)
            asked = [(school, filters, len(SEARCHES) - index) for school, _t in self.teachers
                     if school.place.province.code in provinces
                     for index, (stage, country, filters) in enumerate(SEARCHES)
                     if (stage, country) == (school.school_stage, _country(school))]
            if not asked:
                continue
            weights = [weight for _school, _filters, weight in asked]  # the first asked most
            for period, count in ((self.last, per_year), (self.this, round(per_year * share))):
                for _n in range(count):
                    school, filters, _weight = self.rng.choices(asked, weights)[0]
                    day = self._pick_day(period)
                    rows.append({"day": day, "place_id": school.place_id,
                                 "filters": self._filters(filters, day)})
        if rows:
            db.session.execute(insert(EmptySearch), rows)

    def _filters(self, filters, day):
        chosen = {key: value for key, value in filters.items() if key != "dates"}
        chosen.setdefault("max_km", 50)  # a teacher's distance as the form fills it in
        first = day + timedelta(days=7 * self.rng.randint(3, 6) - day.weekday())
        if filters.get("dates") and first.month not in (7, 8):  # a week outside the summer
            chosen.update(wanted_on=first, wanted_until=first + timedelta(days=4))
        return filters_of(**chosen)


# What last year's edition of a placement has of this year's.
COPIED = ("company_id", "created_by_id", "offer_type", "description", "location_mode",
          "location_id", "place_id", "contact_id", "travel_km", "capacity", "crebo",
          "qualification_name", "mbo_level", "allowance_euros", "hours_per_week", "days",
          "subjects", "min_age")
