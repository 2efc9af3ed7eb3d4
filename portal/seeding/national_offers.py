"""The offers of the national bench data set (portal/seeding/national.py): one row per offer
with its type's fields, sectors, levels, slots or places, and open requests. Functions of the
generator `gen` (national._Generator), which holds the seeded random and the reference data.
"""
from datetime import time as clock
from datetime import timedelta

from portal.offers.models import ARCHIVED, DRAFT, PAUSED, PENDING, PUBLISHED, WITHDRAWN
from portal.offers.rules import GROUP_TYPES
from portal.seeding import national_text as words
from portal.taxonomy import codes

ENDED = 0.04                 # published offers whose period or dates lie in the past
PUPIL_LEVELS = {"NL": ["po_7_8", "vmbo_bb", "vmbo_kb", "vmbo_gl", "vmbo_tl", "havo", "vwo",
                       "mbo_1", "mbo_2", "mbo_3", "mbo_4"],
                "BE": ["be_so_doorstroom", "be_so_dubbel", "be_so_arbeidsmarkt", "be_duaal"]}
TEACHER_LEVELS = ["vmbo_bb", "vmbo_kb", "vmbo_gl", "vmbo_tl", "havo", "vwo", "mbo_2", "mbo_3",
                  "mbo_4"]
ASSIGNMENT_LEVELS = ["vmbo_gl", "vmbo_tl", "havo", "vwo", "mbo_2", "mbo_3", "mbo_4", "hbo"]
STARTS = [clock(8, 30), clock(9, 0), clock(10, 0), clock(13, 0), clock(13, 30)]
OFFER_KEYS = ("id", "company_id", "offer_type", "title", "description", "location_mode",
              "location_id", "place_id", "travel_km", "capacity", "places_taken", "topic",
              "given_by", "duration_minutes", "min_group_size", "max_group_size", "min_age",
              "safety_rules", "protective_gear", "wheelchair_access", "counts_teachers",
              "pupils_per_day", "days", "crebo", "qualification_name", "mbo_level",
              "allowance_euros", "hours_per_week", "subjects", "deliverable", "duration_weeks",
              "starts_on", "ends_on", "status", "revision", "submitted_at", "published_at",
              "archived_at", "created_at", "updated_at")


def _status(gen, company):
    if not company.approved:
        return PENDING if gen.rng.random() < 0.8 else DRAFT
    return gen.status_pick.pick(gen.rng)


def _dates(gen, row, status, ended):
    """submitted/published/archived stamps, consistent with the status."""
    rng = gen.rng
    if status == DRAFT:
        row["created_at"] = gen.stamp(60)
    elif status == PENDING:
        row["submitted_at"] = gen.stamp(20)
        row["created_at"] = row["submitted_at"] - timedelta(hours=rng.randint(1, 72))
    else:
        row["published_at"] = gen.stamp(365)
        row["submitted_at"] = row["published_at"] - timedelta(hours=rng.randint(2, 96))
        row["created_at"] = row["submitted_at"] - timedelta(hours=rng.randint(1, 72))
        if status == ARCHIVED:
            row["archived_at"] = gen.stamp(60)
    row["updated_at"] = row["published_at"] or row["submitted_at"] or row["created_at"]


def _levels(gen, offer_type, country, qualification):
    rng = gen.rng
    if qualification is not None and country == "NL":
        low = max(1, qualification.level - rng.randint(0, 1))
        return [gen.levels[f"mbo_{n}"] for n in range(low, qualification.level + 1)]
    if offer_type == codes.TEACHER_PLACEMENT:
        pool = TEACHER_LEVELS
    elif offer_type == codes.ASSIGNMENT:
        pool = ASSIGNMENT_LEVELS
    elif offer_type in (codes.INTERNSHIP, codes.APPRENTICESHIP):
        pool = ["be_so_arbeidsmarkt", "be_duaal"]
    else:
        pool = PUPIL_LEVELS["BE" if country == "BE" and rng.random() < 0.7 else "NL"]
    size = rng.randint(1, min(4, len(pool)))
    start = rng.randint(0, len(pool) - size)
    return [gen.levels[code] for code in pool[start:start + size]]


def _sectors(gen, sector):
    rng, chosen = gen.rng, {gen.sector_ids[sector]}
    if rng.random() < 0.3:
        chosen.add(gen.sector_ids[gen.sector_pick.pick(rng)])
        if rng.random() < 0.25:
            chosen.add(gen.sector_ids[gen.sector_pick.pick(rng)])
    if rng.random() < 0.08 and len(chosen) < 3:
        chosen.add(gen.chamber_of[sector])
    return sorted(chosen)


def _type_fields(gen, row, offer_type, mode, words_):
    rng = gen.rng
    if offer_type == codes.GUEST_LESSON:
        row.update(topic=words_["Topic"], given_by=f"Een {words_['job']}",
                   duration_minutes=rng.choice((45, 50, 60, 90, 120)),
                   max_group_size=rng.randint(20, 35),
                   travel_km=rng.choice((10, 15, 20, 25, 30, 40, 50, 75, 100))
                   if mode == codes.AT_SCHOOL else None)
    elif offer_type == codes.COMPANY_VISIT:
        row.update(min_group_size=rng.randint(5, 10), max_group_size=rng.randint(15, 40),
                   min_age=rng.randint(10, 16), duration_minutes=rng.choice((60, 90, 120, 180)),
                   safety_rules=rng.choice(words.SAFETY_RULES),
                   protective_gear=rng.choice(words.PROTECTIVE_GEAR),
                   wheelchair_access=rng.random() < 0.6, counts_teachers=rng.random() < 0.3)
    elif offer_type == codes.TASTER_DAY:
        row.update(pupils_per_day=rng.randint(10, 30), days=rng.randint(1, 3),
                   min_age=rng.randint(12, 16), safety_rules=rng.choice(words.SAFETY_RULES),
                   protective_gear=rng.choice(words.PROTECTIVE_GEAR))
    elif offer_type == codes.ASSIGNMENT:
        row.update(deliverable=rng.choice(words.DELIVERABLES),
                   duration_weeks=rng.randint(1, 12), max_group_size=rng.randint(4, 30))
    elif offer_type == codes.INTERNSHIP:
        row.update(allowance_euros=rng.randrange(0, 650, 50))
    elif offer_type == codes.APPRENTICESHIP:
        row.update(hours_per_week=rng.randint(24, 40))
    elif offer_type == codes.TEACHER_PLACEMENT:
        row.update(days=rng.randint(1, 10), subjects=f"{words_['Topic']}, {words_['topic2']}")


def _placement(gen, row, offer_type, ended):
    """Places and a period: ended ones lie in the past; some full."""
    rng, today = gen.rng, gen.today
    capacity = rng.randint(1, 3 if offer_type == codes.TEACHER_PLACEMENT else 5)
    roll = rng.random()
    taken = 0 if roll < 0.65 else capacity if roll < 0.8 else rng.randint(0, capacity)
    row.update(capacity=capacity, places_taken=taken)
    # A third of the teacher placements are by arrangement: they have no period.
    by_arrangement = offer_type == codes.TEACHER_PLACEMENT and rng.random() < 0.3
    if offer_type == codes.APPRENTICESHIP:
        row["starts_on"] = today + timedelta(days=rng.randint(-30, 200))
    elif by_arrangement:
        return
    elif ended:
        row["ends_on"] = today - timedelta(days=rng.randint(1, 150))
        row["starts_on"] = row["ends_on"] - timedelta(weeks=rng.randint(2, 40))
    else:
        row["starts_on"] = today + timedelta(days=rng.randint(-60, 200))
        weeks = rng.randint(1, 4) if offer_type == codes.TEACHER_PLACEMENT else rng.randint(
            10, 40)
        row["ends_on"] = max(row["starts_on"] + timedelta(weeks=weeks), today)


def _slots(gen, offer_id, duration, ended, room=None):
    """1-8 dates over the school year (in the past for ended offers), some partly or fully
    taken."""
    rng, today = gen.rng, gen.today
    first, last = ((today - timedelta(days=200), today - timedelta(days=1)) if ended
                   else (today, gen.year_end))
    days = sorted({gen.school_day(first, last) for _ in range(rng.randint(1, 8))})
    rows = []
    for day in days:
        if day < first or day > last:
            continue
        starts = rng.choice(STARTS)
        minutes = starts.hour * 60 + starts.minute + duration
        ends = clock(min(minutes // 60, 23), minutes % 60 if minutes // 60 < 24 else 0)
        capacity = room or rng.randint(10, 60)
        roll = rng.random()
        taken = 0 if roll < 0.6 else capacity if roll < 0.72 else rng.randint(1, capacity - 1)
        rows.append({"id": gen.new_id("slots"), "offer_id": offer_id, "day": day,
                     "starts_at": starts, "ends_at": ends, "capacity": capacity,
                     "taken": taken, "created_at": gen.now, "updated_at": gen.now})
    if not rows:  # a Friday pushed past the last day: take the last weekday before it
        day = last
        while day.weekday() >= 5:
            day -= timedelta(days=1)
        rows.append({"id": gen.new_id("slots"), "offer_id": offer_id, "day": day,
                     "starts_at": STARTS[1], "ends_at": clock(11, 0), "capacity": 30,
                     "taken": 0, "created_at": gen.now, "updated_at": gen.now})
    return rows


def _requests(gen, company, offer, slots, level_ids):
    """Open requests ("requested") on a published offer of a company that has some left."""
    rng, left = gen.rng, gen.open_quota.get(company.index, 0)
    rows = []
    for _ in range(min(left, rng.randint(1, 3))):
        school = gen.schools[rng.randrange(len(gen.schools))]
        if slots:
            open_slots = [s for s in slots if s["taken"] < s["capacity"]]
            if not open_slots:
                break
            slot = rng.choice(open_slots)
            slot_id, wanted_on = slot["id"], slot["day"]
            size = rng.randint(1, min(30, slot["capacity"] - slot["taken"]))
        else:
            if offer["places_taken"] >= offer["capacity"]:
                break
            slot_id, size = None, 1
            wanted_on = max(offer["starts_on"] or gen.today, gen.today + timedelta(days=14))
        created = gen.stamp(20)
        rows.append({"id": gen.new_id("bookings"), "offer_id": offer["id"], "slot_id": slot_id,
                     "school_id": school.id, "requested_by_id": school.teacher_id,
                     "status": "requested", "wanted_on": wanted_on, "group_size": size,
                     "teachers": 0, "room_taken": 0, "education_level_id": rng.choice(level_ids),
                     "sequence": 0, "cancelled_late": False, "created_at": created,
                     "updated_at": created})
    if rows:
        gen.open_quota[company.index] = left - len(rows)
    return rows


def _location_mode(rng, offer_type):
    if offer_type == codes.GUEST_LESSON:
        return codes.AT_SCHOOL if rng.random() < 0.7 else codes.ONLINE
    if offer_type == codes.ASSIGNMENT:
        roll = rng.random()
        return codes.AT_COMPANY if roll < 0.5 else codes.AT_SCHOOL if roll < 0.8 else codes.ONLINE
    return codes.AT_COMPANY


def _qualification(gen, offer_type, sector):
    if offer_type not in (codes.INTERNSHIP, codes.APPRENTICESHIP):
        return None
    crebos = [c for c in words.SECTORS[sector]["crebo"] if c in gen.quals] or sorted(gen.quals)
    return gen.quals[gen.rng.choice(crebos)]


def offer_chunk(gen, first_id, count, summary):
    """`count` offers from id `first_id` on: {table name: rows}, in the order to insert."""
    rng = gen.rng
    tables = {"offers": [], "offer_sectors": [], "offer_levels": [], "slots": [],
              "bookings": []}
    for offer_id in range(first_id, first_id + count):
        offer_type = gen.type_pick.pick(rng)
        company = (gen.bbl_pick if offer_type == codes.APPRENTICESHIP
                   else gen.company_pick).pick(rng)
        status = _status(gen, company)
        ended = status == ARCHIVED or (status in (PUBLISHED, PAUSED, WITHDRAWN)
                                       and rng.random() < ENDED)
        sector = company.sector if rng.random() < 0.75 else gen.sector_pick.pick(rng)
        qualification = _qualification(gen, offer_type, sector)
        mode = _location_mode(rng, offer_type)
        text = words.pick_words(rng, sector, company.name,
                                qualification.name if qualification else None)
        row = dict.fromkeys(OFFER_KEYS)
        row.update(id=offer_id, company_id=company.id, offer_type=offer_type,
                   title=words.offer_title(rng, offer_type, text),
                   description=words.offer_description(rng, offer_type, text,
                                                       online=mode == codes.ONLINE),
                   location_mode=mode, place_id=company.place_id, places_taken=0,
                   location_id=company.location_id if mode == codes.AT_COMPANY else None,
                   status=status, revision=1)
        if qualification is not None:
            row.update(crebo=qualification.crebo, qualification_name=qualification.name,
                       mbo_level=qualification.level)
        _type_fields(gen, row, offer_type, mode, text)
        _dates(gen, row, status, ended)
        level_ids = _levels(gen, offer_type, company.country, qualification)
        slots = []
        if offer_type in GROUP_TYPES:
            duration = row["duration_minutes"] or (360 if offer_type == codes.TASTER_DAY
                                                   else 120)
            room = row["pupils_per_day"] or None  # a taster day's dates hold its pupils per day
            slots = _slots(gen, offer_id, duration, ended, room)
        else:
            _placement(gen, row, offer_type, ended)
        tables["offers"].append(row)
        tables["offer_sectors"] += [{"offer_id": offer_id, "sector_id": s}
                                    for s in _sectors(gen, sector)]
        tables["offer_levels"] += [{"offer_id": offer_id, "education_level_id": lvl}
                                   for lvl in level_ids]
        tables["slots"] += slots
        if status == PUBLISHED and not ended and company.index in gen.open_quota:
            tables["bookings"] += _requests(gen, company, row, slots, level_ids)
        summary.offers_by_status[status] += 1
        if status == PUBLISHED:
            summary.published_by_type[offer_type] += 1
            summary.counts["published_ended"] += ended
    summary.counts["offers"] += count
    summary.counts["slots"] += len(tables["slots"])
    summary.counts["open_requests"] += len(tables["bookings"])
    return tables
