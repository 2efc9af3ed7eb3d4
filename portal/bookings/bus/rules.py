"""The Techniekbus's booking rules as pure functions: what a ride asks, checked against a
Technocentrum's rules and the bus. Problems are (field, code, values) for bus/wording.py."""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

# Every level may ride but the youngest primary school groups (DOMAIN.md: the Techniekbus
# serves groep 7-8 of primary school).
NOT_BY_DEFAULT = frozenset({"po_1_6"})


@dataclass(frozen=True)
class Rules:
    """A Technocentrum's rules (BusRules, or these defaults)."""

    min_days_ahead: int = 5
    max_days_ahead: int = 120
    opens_at: time = time(9, 0)
    max_distance_km: int = 60
    price_cents: int = 0
    surcharge_cents: int = 0
    level_codes: frozenset | None = None  # None: every level but NOT_BY_DEFAULT
    surcharge_place_ids: frozenset = field(default_factory=frozenset)

    def allows_level(self, code):
        if self.level_codes is None:
            return code not in NOT_BY_DEFAULT
        return code in self.level_codes


@dataclass(frozen=True)
class Ask:
    """A ride as the teacher asks for it, with the facts of the visit it goes with."""

    day: date
    departs_at: time  # from the school
    returns_at: time  # back at the school
    visit_starts: time
    visit_ends: time
    pupils: int
    teachers: int
    level_code: str
    distance_km: float | None  # school to company, in a straight line
    school_place_id: int | None


@dataclass(frozen=True)
class BusFacts:
    seats: int
    run_days: int  # bit 0 is Monday
    blocks: tuple = ()  # (starts_on, ends_on, reason)
    taken: tuple = ()  # (departs_at, returns_at) of its other rides that day


def opens(day, rules):
    """The local moment booking for `day` opens."""
    return datetime.combine(day - timedelta(days=rules.max_days_ahead), rules.opens_at)


def check(ask, rules, bus, now):
    """The problems of the ask: a list of (field, code, values). `now` is local (naive)."""
    problems = []
    today = now.date()
    if not rules.allows_level(ask.level_code):
        problems.append(("", "level", {}))
    if ask.day < today + timedelta(days=rules.min_days_ahead):
        problems.append(("", "too_soon", {"days": rules.min_days_ahead}))
    elif now < opens(ask.day, rules):
        problems.append(("", "not_open", {"opens": opens(ask.day, rules)}))
    if ask.distance_km is None or ask.distance_km > rules.max_distance_km:
        problems.append(("", "distance", {"km": rules.max_distance_km,
                                          "distance": ask.distance_km}))
    if ask.pupils + ask.teachers > bus.seats:
        problems.append(("teachers", "seats", {"seats": bus.seats, "pupils": ask.pupils}))
    if not bus.run_days >> ask.day.weekday() & 1:
        problems.append(("bus_id", "run_day", {}))
    for starts_on, ends_on, reason in bus.blocks:
        if starts_on <= ask.day <= ends_on:
            problems.append(("bus_id", "blocked", {"reason": reason, "until": ends_on}))
            break
    if ask.departs_at >= ask.visit_starts:
        problems.append(("departs_at", "late", {"starts": ask.visit_starts}))
    if ask.returns_at <= ask.visit_ends:
        problems.append(("returns_at", "early", {"ends": ask.visit_ends}))
    elif ask.departs_at < ask.visit_starts and any(
            ask.departs_at < back and out < ask.returns_at for out, back in bus.taken):
        problems.append(("bus_id", "taken", {}))
    return problems


def price(rules, school_place_id):
    """(price, surcharge) in cents: the surcharge for schools of the places that pay it."""
    surcharge = rules.surcharge_cents if school_place_id in rules.surcharge_place_ids else 0
    return rules.price_cents + surcharge, surcharge
