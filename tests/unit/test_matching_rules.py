import itertools
import random
from dataclasses import replace
from datetime import date

import pytest

from portal.geo.distance import haversine_km
from portal.matching.rules import (
    BUSY_FROM,
    DEFAULT_WEIGHTS,
    Area,
    Candidate,
    Facts,
    Query,
    Ranked,
    Reason,
    SlotRoom,
    Weights,
    distance_km,
    exclusion,
    points,
    rank,
    score,
)
from portal.matching.words import MATCH_FROM, words_of

ZEELAND, BRABANT, NOORD_HOLLAND, ANTWERP_PROVINCE = 10, 11, 12, 20
ZUID_NL, WEST_NL, NOORD_NL = 3, 2, 1

MIDDELBURG = Area(51.5, 3.61389, 7, ZEELAND, ZUID_NL)
VLISSINGEN = Area(51.4425, 3.57361, 1, ZEELAND, ZUID_NL)
EINDHOVEN = Area(51.4416, 5.4697, 13, BRABANT, ZUID_NL)
AMSTERDAM = Area(52.37403, 4.88969, 14, NOORD_HOLLAND, WEST_NL)
ANTWERPEN = Area(51.22047, 4.40026, 11, ANTWERP_PROVINCE, None)

MIDDELBURG_VLISSINGEN_KM = haversine_km(51.5, 3.61389, 51.4425, 3.57361)  # ~6.98
KM_PER_DEGREE_OF_LATITUDE = 111.195

TODAY = date(2025, 1, 15)
MARCH_1, MARCH_10 = date(2025, 3, 1), date(2025, 3, 10)


def make(offer_id=1, **changes) -> Candidate:
    """A guest lesson in Middelburg with one date (1 March) that 30 pupils still fit on."""
    base = Candidate(
        offer_id=offer_id,
        offer_type="guest_lesson",
        location_mode="company",
        area=MIDDELBURG,
        travel_km=None,
        sector_ids=frozenset({5}),
        chamber_ids=frozenset({50}),
        level_ids=frozenset({2, 3}),
        capacity=None,  # a group activity: its room in pupils is on its slots
        places_taken=0,
        max_group_size=None,
        starts_on=None,
        ends_on=None,
        slots=(SlotRoom(MARCH_1, 30),),
        words=tuple(words_of("Gastles lassen", "Damen Shipyards", "Metaal")),
    )
    return replace(base, **changes)


def placement(offer_id=1, places=4, **changes) -> Candidate:
    """An internship with `places` places (students), none taken unless said."""
    return make(offer_id, offer_type="internship", capacity=places, slots=(), **changes)


def north_of(area: Area, km: float, **changes) -> Area:
    """An area `km` kilometres due north of `area` (other units only when said)."""
    moved = replace(area, latitude=area.latitude + km / KM_PER_DEGREE_OF_LATITUDE)
    return replace(moved, **changes)


def reasons_of(ranked: Ranked | None, rule: str) -> list[Reason]:
    assert ranked is not None
    return [r for r in ranked.reasons if r.rule == rule]


def ids(ranked: list[Ranked]) -> list[int]:
    return [r.offer_id for r in ranked]


# --- the query -----------------------------------------------------------------------


def test_query_tokens_are_the_folded_searched_words_without_stop_words():
    assert Query(text="De LASSER en het lassen, lasser").tokens == ("lasser", "lassen")
    assert Query(text="de en het").tokens == ()
    assert Query().tokens == ()


@pytest.mark.parametrize(
    ("wanted_on", "wanted_until", "period"),
    [
        (None, None, None),
        (None, MARCH_10, None),  # an end without a start asks nothing
        (MARCH_1, None, (MARCH_1, MARCH_1)),  # a single day
        (MARCH_1, MARCH_10, (MARCH_1, MARCH_10)),
        (MARCH_1, MARCH_1, (MARCH_1, MARCH_1)),
        (MARCH_10, MARCH_1, (MARCH_10, MARCH_10)),  # an end before the start: the start only
    ],
)
def test_query_period(wanted_on, wanted_until, period):
    assert Query(wanted_on=wanted_on, wanted_until=wanted_until).period == period


# --- distance ----------------------------------------------------------------------


def test_distance_km():
    assert distance_km(make(area=VLISSINGEN), Query()) is None
    assert distance_km(make(area=VLISSINGEN), Query(origin=MIDDELBURG)) == pytest.approx(
        6.98, abs=0.05
    )


def test_sanity_of_fixture_distance():
    assert 6.9 < MIDDELBURG_VLISSINGEN_KM < 7.1
    assert haversine_km(51.5, 3.61389, north_of(MIDDELBURG, 5).latitude, 3.61389) \
        == pytest.approx(5.0, abs=0.01)


# --- hard rules ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ends", "today", "expected"),
    [
        (date(2025, 1, 14), TODAY, "ended"),
        (date(2024, 6, 30), TODAY, "ended"),
        (TODAY, TODAY, None),  # its last day is today: still shown
        (date(2025, 6, 30), TODAY, None),
        (None, TODAY, None),  # no end
        (date(2020, 1, 1), None, None),  # no today given: nothing counts as ended
    ],
)
def test_an_offer_whose_period_ended_before_today_is_never_kept(ends, today, expected):
    for candidate in (placement(ends_on=ends), make(ends_on=ends)):
        assert exclusion(candidate, Query(today=today), None) == expected
        assert (score(candidate, Query(today=today)) is None) == (expected is not None)


def test_an_ended_offer_is_dropped_whatever_else_fits():
    ended = placement(ends_on=date(2025, 1, 1), area=MIDDELBURG)
    query = Query(origin=MIDDELBURG, sector_ids=frozenset({5}), level_id=2, text="lassen",
                  today=TODAY)
    assert exclusion(ended, query, 0.0) == "ended"
    assert rank([ended, placement(2)], query)[0].offer_id == 2
    assert len(rank([ended, placement(2)], query)) == 1


@pytest.mark.parametrize(("taken", "expected"), [(4, "capacity"), (5, "capacity"), (3, None)])
def test_a_placement_without_free_places_is_excluded(taken, expected):
    assert exclusion(placement(places_taken=taken), Query(), None) == expected


@pytest.mark.parametrize(
    ("slots", "expected"),
    [
        ((SlotRoom(MARCH_1, 1),), None),
        ((SlotRoom(MARCH_1, 0), SlotRoom(MARCH_10, 12)), None),
        ((SlotRoom(MARCH_1, 0),), "capacity"),  # every date is full
        ((), "capacity"),  # no date from today on
    ],
)
def test_a_group_activity_has_its_room_on_its_slots(slots, expected):
    # places_taken is a placement's count: a group activity's own is never looked at.
    candidate = make(slots=slots, places_taken=99)
    assert exclusion(candidate, Query(), None) == expected


@pytest.mark.parametrize(
    ("min_group", "max_group", "group", "expected"),
    [
        (None, 25, 26, "group_size"),
        (None, 25, 25, None),
        (None, None, 30, None),
        (None, 25, None, None),
        (10, None, 9, "group_size"),
        (10, None, 10, None),
        (10, 25, 9, "group_size"),
        (10, 25, 17, None),
        (10, 25, 26, "group_size"),
        (10, 25, None, None),
    ],
)
def test_a_group_activity_takes_a_group_between_its_smallest_and_largest(
        min_group, max_group, group, expected):
    candidate = make(min_group_size=min_group, max_group_size=max_group)
    assert exclusion(candidate, Query(group_size=group), None) == expected


@pytest.mark.parametrize("group", [1, 3, 30, 200])
def test_group_size_is_ignored_for_placements(group):
    # A placement takes students one by one: one free place is enough for any class.
    candidate = placement(places=4, places_taken=3, min_group_size=2, max_group_size=5)
    assert exclusion(candidate, Query(group_size=group), None) is None


GROUP_SLOTS = (SlotRoom(MARCH_1, 10), SlotRoom(MARCH_10, 30))


@pytest.mark.parametrize(
    ("group", "wanted_on", "wanted_until", "expected"),
    [
        (None, MARCH_1, None, None),
        (None, date(2025, 3, 2), None, "room"),  # no date on that day
        (None, date(2025, 3, 2), date(2025, 3, 9), "room"),  # none in that period
        (None, date(2025, 3, 2), MARCH_10, None),  # the period's last day counts
        (None, date(2025, 2, 1), MARCH_1, None),
        (10, MARCH_1, None, None),
        (11, MARCH_1, None, "room"),  # 1 March: room for 10 pupils only
        (11, MARCH_1, MARCH_10, None),  # 10 March: room for 30
        (25, date(2025, 2, 1), date(2025, 3, 9), "room"),
        (30, MARCH_10, None, None),
        (31, MARCH_10, None, "room"),
        (30, None, None, None),  # no date asked: any date with room for the group
        (31, None, None, "room"),
        (11, MARCH_1, date(2025, 2, 1), "room"),  # an end before the start: 1 March only
        (30, None, MARCH_1, None),  # an end without a start asks no period
    ],
)
def test_a_group_activity_needs_a_date_with_room_for_the_group_in_the_wanted_period(
        group, wanted_on, wanted_until, expected):
    candidate = make(slots=GROUP_SLOTS)
    query = Query(group_size=group, wanted_on=wanted_on, wanted_until=wanted_until)
    assert exclusion(candidate, query, None) == expected
    assert (score(candidate, query) is None) == (expected is not None)


def test_a_group_activity_ignores_its_own_period_its_dates_decide():
    candidate = make(slots=GROUP_SLOTS, starts_on=date(2025, 6, 1), ends_on=date(2025, 6, 30))
    assert exclusion(candidate, Query(wanted_on=MARCH_1), None) is None
    assert exclusion(candidate, Query(wanted_on=date(2025, 6, 2)), None) == "room"


@pytest.mark.parametrize(
    ("starts", "ends", "wanted", "until", "expected"),
    [
        (date(2025, 3, 1), date(2025, 6, 30), date(2025, 2, 28), None, "room"),
        (date(2025, 3, 1), date(2025, 6, 30), date(2025, 3, 1), None, None),
        (date(2025, 3, 1), date(2025, 6, 30), date(2025, 6, 30), None, None),
        (date(2025, 3, 1), date(2025, 6, 30), date(2025, 7, 1), None, "room"),
        (None, date(2025, 6, 30), date(2020, 1, 1), None, None),
        (date(2025, 3, 1), None, date(2030, 1, 1), None, None),
        (date(2025, 3, 1), None, date(2025, 2, 1), None, "room"),
        (date(2025, 3, 1), date(2025, 6, 30), None, None, None),
        # a wanted period: any overlap will do
        (date(2025, 3, 1), date(2025, 6, 30), date(2025, 2, 1), date(2025, 2, 28), "room"),
        (date(2025, 3, 1), date(2025, 6, 30), date(2025, 2, 1), date(2025, 3, 1), None),
        (date(2025, 3, 1), date(2025, 6, 30), date(2025, 6, 30), date(2025, 8, 31), None),
        (date(2025, 3, 1), date(2025, 6, 30), date(2025, 7, 1), date(2025, 8, 31), "room"),
        (date(2025, 3, 1), date(2025, 3, 31), date(2025, 1, 1), date(2025, 12, 31), None),
        (None, None, date(2025, 7, 1), date(2025, 8, 31), None),
    ],
)
def test_a_placement_needs_a_free_place_in_an_overlapping_period(
        starts, ends, wanted, until, expected):
    candidate = placement(starts_on=starts, ends_on=ends)
    assert exclusion(candidate, Query(wanted_on=wanted, wanted_until=until), None) == expected


def test_a_full_placement_is_named_capacity_even_when_its_period_fits():
    candidate = placement(places_taken=4, starts_on=MARCH_1)
    assert exclusion(candidate, Query(wanted_on=MARCH_10, group_size=1), None) == "capacity"


@pytest.mark.parametrize(
    ("level", "expected"), [(1, "level"), (4, "level"), (2, None), (None, None)]
)
def test_level(level, expected):
    assert exclusion(make(), Query(level_id=level), None) == expected


@pytest.mark.parametrize(("max_km", "expected"), [(6.9, "distance"), (7.0, None), (None, None)])
def test_company_visit_limited_by_teachers_radius(max_km, expected):
    candidate = make(area=VLISSINGEN)
    query = Query(origin=MIDDELBURG, max_km=max_km)
    assert exclusion(candidate, query, distance_km(candidate, query)) == expected
    assert (score(candidate, query) is None) == (expected is not None)


def test_radius_ignored_without_origin():
    assert score(make(area=AMSTERDAM), Query(max_km=1)) is not None


@pytest.mark.parametrize(("travel_km", "expected"),
                         [(6, "distance"), (7, None), (None, "distance")])
def test_activity_at_school_limited_by_company_travel(travel_km, expected):
    candidate = make(location_mode="school", area=VLISSINGEN, travel_km=travel_km)
    # The teacher's own radius is tiny: it does not matter when the company states how far it
    # travels; a company that states nothing is held to the teacher's radius.
    query = Query(origin=MIDDELBURG, max_km=1)
    assert exclusion(candidate, query, distance_km(candidate, query)) == expected


def test_activity_at_school_far_away_but_company_travels_far():
    candidate = make(location_mode="school", area=AMSTERDAM, travel_km=200)
    ranked = score(candidate, Query(origin=MIDDELBURG, max_km=10))
    assert ranked is not None
    assert reasons_of(ranked, "distance")[0] == Reason("distance", "at_school")


def test_online_never_excluded_by_distance():
    candidate = make(location_mode="online", area=AMSTERDAM, travel_km=1)
    query = Query(origin=MIDDELBURG, max_km=1)
    assert exclusion(candidate, query, distance_km(candidate, query)) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("bakker", "text"),
        ("kapper", "text"),
        ("lasen", None),
        ("", None),
        ("  ?! ", None),
        ("de en het", None),  # only stop words: no words searched
        ("lassen damen", None),
        ("lassen bakkerij", "text"),  # every searched word must match
    ],
)
def test_text_hard_rule(text, expected):
    assert exclusion(make(), Query(text=text), None) == expected


def test_text_hard_rule_trusts_a_text_score_given_to_it():
    # The search passes the score it found in the word index instead of the offer's words.
    assert exclusion(make(words=()), Query(text="lassen"), None, (100.0, "lassen")) is None
    assert exclusion(make(words=()), Query(text="lassen"), None) == "text"


def test_first_failing_hard_rule_is_named():
    candidate = placement(places_taken=4, level_ids=frozenset({1}))
    assert exclusion(candidate, Query(level_id=2), None) == "capacity"
    ended = replace(candidate, ends_on=date(2025, 1, 1))
    assert exclusion(ended, Query(level_id=2, today=TODAY), None) == "ended"
    too_small = make(level_ids=frozenset({1}), min_group_size=20)
    assert exclusion(too_small, Query(level_id=2, group_size=5), None) == "level"
    assert exclusion(too_small, Query(level_id=1, group_size=5), None) == "group_size"


# --- soft rules ----------------------------------------------------------------------


def test_nothing_asked_nothing_scored():
    assert score(make(), Query()) == Ranked(1, 0.0, None, ())


@pytest.mark.parametrize(
    ("area", "points", "code"),
    [
        (MIDDELBURG, 30.0, "same_place"),
        (VLISSINGEN, 20.0, "same_province"),
        (EINDHOVEN, 10.0, "same_landsdeel"),
        (AMSTERDAM, 0.0, None),
        (ANTWERPEN, 0.0, None),  # cross-border: allowed, no region points
    ],
)
def test_region_points(area, points, code):
    # Same coordinates everywhere so only the region rule differs.
    candidate = make(area=replace(area, latitude=51.5, longitude=3.61389))
    ranked = score(candidate, Query(origin=MIDDELBURG))
    assert ranked.score == pytest.approx(points + 20.0)
    expected = [Reason("region", code)] if code else []
    assert reasons_of(ranked, "region") == expected


def test_landsdeel_none_on_both_sides_is_not_shared():
    origin = replace(ANTWERPEN, place_id=99, province_id=98)
    candidate = make(area=ANTWERPEN)
    assert reasons_of(score(candidate, Query(origin=origin)), "region") == []


def test_cross_border_is_kept_and_explained_by_distance():
    ranked = score(make(area=ANTWERPEN), Query(origin=MIDDELBURG))
    assert ranked is not None
    assert reasons_of(ranked, "region") == []
    (reason,) = reasons_of(ranked, "distance")
    assert reason.code == "km"
    assert reason.value == pytest.approx(63.9, abs=1.5)


def test_distance_points_with_default_radius():
    ranked = score(make(area=VLISSINGEN), Query(origin=MIDDELBURG))
    expected_distance = 20 * (1 - MIDDELBURG_VLISSINGEN_KM / 100)
    assert ranked.score == pytest.approx(round(20 + expected_distance, 2))
    assert ranked.score == pytest.approx(38.6, abs=0.01)
    assert reasons_of(ranked, "distance") == [Reason("distance", "km", 7.0)]
    assert ranked.distance_km == pytest.approx(MIDDELBURG_VLISSINGEN_KM)


def test_distance_points_scale_with_teachers_radius():
    ranked = score(make(area=VLISSINGEN), Query(origin=MIDDELBURG, max_km=14))
    assert ranked.score == pytest.approx(20 + 20 * (1 - MIDDELBURG_VLISSINGEN_KM / 14), abs=0.01)


def test_distance_points_never_negative():
    ranked = score(make(area=AMSTERDAM), Query(origin=MIDDELBURG))
    assert ranked.score == 0.0
    assert reasons_of(ranked, "distance")[0].value == pytest.approx(130.7, abs=1)


@pytest.mark.parametrize("area", [MIDDELBURG, VLISSINGEN, AMSTERDAM, ANTWERPEN])
def test_online_gets_half_the_distance_points_no_region_points_and_no_km(area):
    ranked = score(make(location_mode="online", area=area), Query(origin=MIDDELBURG))
    assert ranked.score == 10.0
    assert reasons_of(ranked, "distance") == [Reason("distance", "online")]
    assert reasons_of(ranked, "region") == []
    assert ranked.distance_km is None


def test_online_half_distance_points_follow_the_weight():
    ranked = score(make(location_mode="online"), Query(origin=MIDDELBURG),
                   Weights(distance=8))
    assert ranked.score == 4.0


def test_online_without_origin_is_explained_but_not_favoured():
    ranked = score(make(location_mode="online"), Query())
    assert ranked.score == 0.0
    assert reasons_of(ranked, "distance") == [Reason("distance", "online")]


def test_nearby_in_the_own_province_outranks_online():
    near = make(1, area=north_of(MIDDELBURG, 5, place_id=70))  # another town in Zeeland
    online = make(2, location_mode="online", area=MIDDELBURG)
    ranked = rank([online, near], Query(origin=MIDDELBURG))
    assert ids(ranked) == [1, 2]
    assert ranked[0].score == pytest.approx(20 + 20 * (1 - 5 / 100), abs=0.01)
    assert reasons_of(ranked[0], "region") == [Reason("region", "same_province")]


def test_online_outranks_far_away_in_another_landsdeel():
    far = make(1, area=north_of(MIDDELBURG, 80, place_id=80, province_id=NOORD_HOLLAND,
                                landsdeel_id=WEST_NL))
    online = make(2, location_mode="online", area=AMSTERDAM)
    ranked = rank([far, online], Query(origin=MIDDELBURG))
    assert ids(ranked) == [2, 1]
    assert ranked[1].score == pytest.approx(20 * (1 - 80 / 100), abs=0.01)
    assert ranked[1].distance_km == pytest.approx(80, abs=0.01)


def test_activity_at_school_reasons():
    candidate = make(location_mode="school", area=VLISSINGEN, travel_km=50)
    ranked = score(candidate, Query(origin=MIDDELBURG))
    assert reasons_of(ranked, "distance") == [
        Reason("distance", "at_school"),
        Reason("distance", "km", 7.0),
    ]


@pytest.mark.parametrize(
    ("sectors", "chambers", "points", "code"),
    [
        ({5}, set(), 30.0, "exact"),
        ({5, 6}, {50}, 30.0, "exact"),
        ({6}, {50}, 15.0, "chamber"),
        ({6}, {51}, 0.0, None),
        (set(), set(), 0.0, None),
    ],
)
def test_sector_points(sectors, chambers, points, code):
    query = Query(sector_ids=frozenset(sectors), chamber_ids=frozenset(chambers))
    ranked = score(make(), query)
    assert ranked.score == points
    assert reasons_of(ranked, "sector") == ([Reason("sector", code)] if code else [])


def test_level_points():
    ranked = score(make(), Query(level_id=3))
    assert ranked.score == 10.0
    assert ranked.reasons == (Reason("level", "fits"),)


@pytest.mark.parametrize(
    "candidate",
    [placement(starts_on=date(2025, 1, 1), ends_on=date(2025, 12, 31)),
     make(slots=(SlotRoom(date(2025, 5, 1), 25),))],
    ids=["placement", "group activity"],
)
def test_period_points(candidate):
    ranked = score(candidate, Query(wanted_on=date(2025, 5, 1)))
    assert ranked.score == 5.0
    assert ranked.reasons == (Reason("period", "free"),)


def test_a_group_size_alone_earns_no_period_points():
    assert score(make(), Query(group_size=20)) == Ranked(1, 0.0, None, ())


def text_offer(*texts):
    return make(words=tuple(words_of(*texts)))


@pytest.mark.parametrize(
    ("text", "candidate", "word", "points"),
    [
        ("lassen", make(), "lassen", 25.0),
        ("lasen", make(), "lassen", 22.73),  # ratio 90.9
        ("LASSEN", make(), "lassen", 25.0),
        ("las", make(), "lassen", 25.0),  # the start of a word
        ("lassen", text_offer("Lastechniek"), "lastechniek", 23.75),  # stem "las": 95
        ("lasser", text_offer("Lassen"), "lassen", 20.83),  # ratio 83.3
        ("lassen", text_offer("Booglassen"), "booglassen", 22.5),  # in a compound: 90
        ("elektro", text_offer("Elektrotechniek"), "elektrotechniek", 25.0),
        ("elektrotechnik", text_offer("Elektrotechniek"), "elektrotechniek", 24.14),
        ("zonnepaneel", text_offer("Zonnepanelen leggen"), "zonnepanelen", 21.74),
        ("Vlisingen", text_offer("Scheepswerf Vlissingen"), "vlissingen", 23.75),
        ("damen", make(), "damen", 25.0),
        ("metaal", make(), "metaal", 25.0),
        ("techniek", text_offer("Stage installatietechniek"), "installatietechniek", 22.5),
        ("lassen en snijden", text_offer("Lassen en snijden"), "lassen", 25.0),
        ("lassen metal", make(), "lassen", 23.86),  # mean of 100 and 90.9
    ],
)
def test_text_points_forgive_typos_and_word_forms(text, candidate, word, points):
    ranked = score(candidate, Query(text=text))
    assert ranked is not None
    assert ranked.score == pytest.approx(points, abs=0.01)
    assert reasons_of(ranked, "text") == [Reason("text", "match", word)]


def test_every_searched_word_must_match_however_well_the_others_do():
    # "lassen" fits perfectly, "bakkerij" not at all: no mean can save it.
    assert score(make(), Query(text="lassen bakkerij")) is None
    assert score(make(), Query(text="lassen damen metaal bakkerij")) is None
    assert score(make(), Query(text="lassen damen metaal")).score == 25.0


@pytest.mark.parametrize(("text", "expected"), [("lasn", 20.0), ("lasnn", None)])
def test_a_word_scoring_exactly_match_from_still_counts(text, expected):
    # "lasn" against "lassen": ratio 80 = MATCH_FROM; "lasnn": 72.7, below it.
    ranked = score(make(), Query(text=text))
    assert (ranked.score if ranked else None) == expected
    assert MATCH_FROM == 80


def test_short_token_is_not_a_prefix_hit():
    # "la" is the start of "lassen" but too short to count as a hit.
    candidate = text_offer("Lassen")
    assert exclusion(candidate, Query(text="la"), None) == "text"
    assert exclusion(candidate, Query(text="las"), None) is None
    assert exclusion(text_offer("la lassen"), Query(text="la"), None) is None


@pytest.mark.parametrize(
    ("open_requests", "penalty"),
    [(0, 0.0), (1, 0.0), (BUSY_FROM - 1, 0.0), (BUSY_FROM, 1.5), (5, 2.5), (10, 5.0),
     (40, 5.0)],
)
def test_fairness_penalty_from_three_open_requests(open_requests, penalty):
    ranked = score(make(open_requests=open_requests), Query(level_id=2))
    assert ranked.score == pytest.approx(10.0 - penalty)
    busy = open_requests >= BUSY_FROM
    expected = [Reason("fairness", "busy", open_requests)] if busy else []
    assert reasons_of(ranked, "fairness") == expected


def test_busy_from_is_three():
    assert BUSY_FROM == 3


def test_custom_weights():
    weights = Weights(region=0, distance=0, sector=100)
    ranked = score(make(), Query(origin=MIDDELBURG, sector_ids=frozenset({5})), weights)
    assert ranked.score == 100.0
    assert Weights() == DEFAULT_WEIGHTS


def test_total_is_sum_of_all_rules_rounded():
    candidate = make(area=VLISSINGEN, slots=(SlotRoom(date(2025, 2, 1), 25),), open_requests=4)
    query = Query(
        origin=MIDDELBURG,
        sector_ids=frozenset({5}),
        level_id=2,
        text="lasen",
        wanted_on=date(2025, 2, 1),
        today=TODAY,
    )
    ranked = score(candidate, query)
    distance_points = 20 * (1 - MIDDELBURG_VLISSINGEN_KM / 100)
    expected = 20 + distance_points + 30 + 10 + 5 + 25 * (100 / 110 * 100) / 100 - 2
    assert ranked.score == round(expected, 2)
    assert [r.rule for r in ranked.reasons] == [
        "region",
        "distance",
        "sector",
        "level",
        "period",
        "text",
        "fairness",
    ]


def test_points_from_facts_equal_the_score_of_the_candidate():
    # The search scores its index rows through Facts; it must give what score() gives.
    candidate = make(7, area=VLISSINGEN, open_requests=5)
    query = Query(origin=MIDDELBURG, sector_ids=frozenset({6}), chamber_ids=frozenset({50}),
                  level_id=3, text="lasen", wanted_on=MARCH_1)
    facts = Facts(offer_id=7, location_mode="company", area=VLISSINGEN,
                  distance=distance_km(candidate, query), sector="chamber", level_fits=True,
                  period_fits=True, text=(100 / 110 * 100, "lassen"), open_requests=5)
    assert points(facts, query) == score(candidate, query)


# --- ranking -------------------------------------------------------------------------


def at_middelburg(place_id, province_id, landsdeel_id):
    return Area(51.5, 3.61389, place_id, province_id, landsdeel_id)


def test_same_place_beats_same_province_beats_elsewhere():
    elsewhere = make(1, area=at_middelburg(100, 200, 300))
    province = make(2, area=at_middelburg(101, ZEELAND, 301))
    place = make(3, area=at_middelburg(7, ZEELAND, ZUID_NL))
    ranked = rank([elsewhere, province, place], Query(origin=MIDDELBURG))
    assert ids(ranked) == [3, 2, 1]


def test_exact_sector_beats_chamber():
    chamber = make(1, sector_ids=frozenset({6}))
    exact = make(2)
    nothing = make(3, sector_ids=frozenset({7}), chamber_ids=frozenset({70}))
    query = Query(sector_ids=frozenset({5}), chamber_ids=frozenset({50}))
    assert ids(rank([chamber, nothing, exact], query)) == [2, 1, 3]


def test_excluded_candidates_are_dropped():
    full = placement(1, places_taken=4)
    kept = placement(2)
    ended = placement(3, ends_on=date(2024, 12, 31))
    no_room = make(4, slots=(SlotRoom(MARCH_1, 0),))
    assert ids(rank([full, kept, ended, no_room], Query(today=TODAY))) == [2]


def test_ties_broken_by_distance_then_id():
    no_distance_points = Weights(distance=0, region=0)
    far = make(1, area=VLISSINGEN)
    near_b = make(3, area=MIDDELBURG)
    near_a = make(2, area=MIDDELBURG)
    online = make(0, location_mode="online", area=MIDDELBURG)
    ranked = rank([far, near_b, online, near_a], Query(origin=MIDDELBURG), no_distance_points)
    assert {r.score for r in ranked} == {0.0}
    assert ids(ranked) == [2, 3, 1, 0]


def test_fairness_pushes_flooded_company_below_equal_one():
    flooded = make(1, open_requests=8)
    quiet = make(2)
    ranked = rank([flooded, quiet], Query(origin=MIDDELBURG, sector_ids=frozenset({5})))
    assert ids(ranked) == [2, 1]
    assert ranked[0].score - ranked[1].score == pytest.approx(4.0)


def test_region_and_sector_outweigh_text():
    # Near and in the sector, found by a word form (95), beats far away with the exact word.
    near_sector = make(1, words=tuple(words_of("Bedrijfsbezoek lastechniek", "Damen")))
    far_text = make(2, area=AMSTERDAM, sector_ids=frozenset({9}), chamber_ids=frozenset())
    query = Query(origin=MIDDELBURG, sector_ids=frozenset({5}), text="lassen")
    ranked = rank([far_text, near_sector], query)
    assert ids(ranked) == [1, 2]
    assert reasons_of(ranked[0], "text") == [Reason("text", "match", "lastechniek")]


def test_rank_is_deterministic():
    candidates = [
        make(i, area=area, sector_ids=frozenset({s}), open_requests=o, location_mode=mode)
        for i, (area, s, o, mode) in enumerate(
            itertools.product([MIDDELBURG, VLISSINGEN, EINDHOVEN, ANTWERPEN], [5, 6], [0, 4],
                              ["company", "online"]),
            start=1,
        )
    ]
    query = Query(origin=MIDDELBURG, sector_ids=frozenset({5}), chamber_ids=frozenset({50}))
    expected = rank(candidates, query)
    assert len(expected) == len(candidates)
    generator = random.Random(42)
    for _ in range(10):
        shuffled = candidates[:]
        generator.shuffle(shuffled)
        assert rank(shuffled, query) == expected
    assert rank(iter(candidates), query) == expected
    scores = [r.score for r in expected]
    assert scores == sorted(scores, reverse=True)
