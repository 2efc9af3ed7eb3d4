import itertools
import random
from dataclasses import replace
from datetime import date

import pytest

from portal.geo.distance import haversine_km
from portal.matching.rules import (
    DEFAULT_WEIGHTS,
    TEXT_THRESHOLD,
    Area,
    Candidate,
    Query,
    Ranked,
    Reason,
    Weights,
    distance_km,
    exclusion,
    rank,
    score,
)

ZEELAND, BRABANT, NOORD_HOLLAND, ANTWERP_PROVINCE = 10, 11, 12, 20
ZUID_NL, WEST_NL = 3, 2

MIDDELBURG = Area(51.5, 3.61389, 7, ZEELAND, ZUID_NL)
VLISSINGEN = Area(51.4425, 3.57361, 1, ZEELAND, ZUID_NL)
EINDHOVEN = Area(51.4416, 5.4697, 13, BRABANT, ZUID_NL)
AMSTERDAM = Area(52.37403, 4.88969, 14, NOORD_HOLLAND, WEST_NL)
ANTWERPEN = Area(51.22047, 4.40026, 11, ANTWERP_PROVINCE, None)

MIDDELBURG_VLISSINGEN_KM = haversine_km(51.5, 3.61389, 51.4425, 3.57361)  # ~6.98


def make(offer_id=1, **changes) -> Candidate:
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
        title="Gastles lassen",
        company_name="Damen Shipyards",
        keywords=("Metaal",),
    )
    return replace(base, **changes)


def reasons_of(ranked: Ranked | None, rule: str) -> list[Reason]:
    assert ranked is not None
    return [r for r in ranked.reasons if r.rule == rule]


# --- distance ----------------------------------------------------------------------


def test_distance_km():
    assert distance_km(make(area=VLISSINGEN), Query()) is None
    assert distance_km(make(area=VLISSINGEN), Query(origin=MIDDELBURG)) == pytest.approx(
        6.98, abs=0.05
    )


def test_sanity_of_fixture_distance():
    assert 6.9 < MIDDELBURG_VLISSINGEN_KM < 7.1


# --- hard rules ----------------------------------------------------------------------


def placement(offer_id=1, places=4, **changes) -> Candidate:
    """An internship with `places` places (students), none taken unless said."""
    return make(offer_id, offer_type="internship", capacity=places, **changes)


@pytest.mark.parametrize(("taken", "expected"), [(4, "capacity"), (5, "capacity"), (3, None)])
def test_a_placement_without_free_places_is_excluded(taken, expected):
    assert exclusion(placement(places_taken=taken), Query(), None) == expected


def test_a_group_activity_keeps_its_room_on_its_slots_not_in_places():
    # Whether a slot has room is the search query's to decide (offers/slots.has_open_slot).
    assert exclusion(make(capacity=None, places_taken=0), Query(), None) is None


@pytest.mark.parametrize(
    ("max_group", "group", "expected"),
    [(25, 26, "group_size"), (25, 25, None), (None, 200, None), (25, None, None)],
)
def test_group_size(max_group, group, expected):
    candidate = make(max_group_size=max_group)
    assert exclusion(candidate, Query(group_size=group), None) == expected


@pytest.mark.parametrize(
    ("level", "expected"), [(1, "level"), (4, "level"), (2, None), (None, None)]
)
def test_level(level, expected):
    assert exclusion(make(), Query(level_id=level), None) == expected


@pytest.mark.parametrize(
    ("starts", "ends", "wanted", "expected"),
    [
        (date(2025, 3, 1), date(2025, 6, 30), date(2025, 2, 28), "period"),
        (date(2025, 3, 1), date(2025, 6, 30), date(2025, 3, 1), None),
        (date(2025, 3, 1), date(2025, 6, 30), date(2025, 6, 30), None),
        (date(2025, 3, 1), date(2025, 6, 30), date(2025, 7, 1), "period"),
        (None, date(2025, 6, 30), date(2020, 1, 1), None),
        (date(2025, 3, 1), None, date(2030, 1, 1), None),
        (date(2025, 3, 1), None, date(2025, 2, 1), "period"),
        (date(2025, 3, 1), date(2025, 6, 30), None, None),
    ],
)
def test_period(starts, ends, wanted, expected):
    candidate = make(starts_on=starts, ends_on=ends)
    assert exclusion(candidate, Query(wanted_on=wanted), None) == expected


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
    [("bakker", "text"), ("kapper", "text"), ("lasen", None), ("", None), ("  ?! ", None)],
)
def test_text_hard_rule(text, expected):
    assert exclusion(make(), Query(text=text), None) == expected


def test_first_failing_hard_rule_is_named():
    candidate = placement(places_taken=4, level_ids=frozenset({1}))
    assert exclusion(candidate, Query(level_id=2), None) == "capacity"


# --- soft rules ----------------------------------------------------------------------


def test_nothing_asked_nothing_scored():
    ranked = score(make(), Query())
    assert ranked == Ranked(make(), 0.0, None, ())


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


def test_online_gets_full_distance_points_and_no_km():
    ranked = score(make(location_mode="online", area=AMSTERDAM), Query(origin=MIDDELBURG))
    assert ranked.score == 20.0
    assert reasons_of(ranked, "distance") == [Reason("distance", "online")]
    assert ranked.distance_km is None


def test_online_without_origin_is_explained_but_not_favoured():
    ranked = score(make(location_mode="online"), Query())
    assert ranked.score == 0.0
    assert reasons_of(ranked, "distance") == [Reason("distance", "online")]


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


def test_period_points():
    candidate = make(starts_on=date(2025, 1, 1), ends_on=date(2025, 12, 31))
    ranked = score(candidate, Query(wanted_on=date(2025, 5, 1)))
    assert ranked.score == 5.0
    assert ranked.reasons == (Reason("period", "free"),)


@pytest.mark.parametrize(
    ("text", "candidate", "word", "points"),
    [
        ("lassen", make(), "lassen", 25.0),
        ("lasen", make(), "lassen", 22.73),  # ratio 90.9
        ("LASSEN", make(), "lassen", 25.0),
        ("elektro", make(keywords=("Elektrotechniek",)), "Elektrotechniek", 25.0),
        ("Vlisingen", make(company_name="Scheepswerf Vlissingen"), "Vlissingen", 23.68),
        ("damen", make(), "Damen", 25.0),
        ("metaal", make(), "Metaal", 25.0),
        ("techniek", make(title="Stage installatietechniek"), "installatietechniek", 22.5),
        ("lassen en snijden", make(title="Lassen en snijden"), "Lassen", 25.0),
    ],
)
def test_text_points_forgive_typos(text, candidate, word, points):
    ranked = score(candidate, Query(text=text))
    assert ranked is not None
    assert ranked.score == pytest.approx(points, abs=0.01)
    assert reasons_of(ranked, "text") == [Reason("text", "match", word)]


def test_text_mean_over_tokens_can_drop_below_threshold():
    # "lassen" fits, "bakkerij" does not: the mean (~60) is below the threshold.
    assert exclusion(make(), Query(text="lassen bakkerij"), None) == "text"
    assert TEXT_THRESHOLD == 70


def test_short_token_is_not_a_prefix_hit():
    # "la" is a prefix of "lassen" but too short to count as a full hit.
    candidate = make(title="Lassen", company_name="X", keywords=())
    assert exclusion(candidate, Query(text="la"), None) == "text"
    assert exclusion(candidate, Query(text="las"), None) is None


@pytest.mark.parametrize(
    ("open_requests", "penalty", "busy"),
    [
        (0, 0.0, False),
        (2, 1.0, False),
        (3, 1.5, True),
        (5, 2.5, True),
        (10, 5.0, True),
        (40, 5.0, True),
    ],
)
def test_fairness_penalty(open_requests, penalty, busy):
    ranked = score(make(open_requests=open_requests), Query(level_id=2))
    assert ranked.score == pytest.approx(10.0 - penalty)
    expected = [Reason("fairness", "busy", open_requests)] if busy else []
    assert reasons_of(ranked, "fairness") == expected


def test_custom_weights():
    weights = Weights(region=0, distance=0, sector=100)
    ranked = score(make(), Query(origin=MIDDELBURG, sector_ids=frozenset({5})), weights)
    assert ranked.score == 100.0
    assert Weights() == DEFAULT_WEIGHTS


def test_total_is_sum_of_all_rules_rounded():
    candidate = make(area=VLISSINGEN, starts_on=date(2025, 1, 1), open_requests=4)
    query = Query(
        origin=MIDDELBURG,
        sector_ids=frozenset({5}),
        level_id=2,
        text="lasen",
        wanted_on=date(2025, 2, 1),
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


# --- ranking -------------------------------------------------------------------------


def at_middelburg(place_id, province_id, landsdeel_id):
    return Area(51.5, 3.61389, place_id, province_id, landsdeel_id)


def test_same_place_beats_same_province_beats_elsewhere():
    elsewhere = make(1, area=at_middelburg(100, 200, 300))
    province = make(2, area=at_middelburg(101, ZEELAND, 301))
    place = make(3, area=at_middelburg(7, ZEELAND, ZUID_NL))
    ranked = rank([elsewhere, province, place], Query(origin=MIDDELBURG))
    assert [r.candidate.offer_id for r in ranked] == [3, 2, 1]


def test_exact_sector_beats_chamber():
    chamber = make(1, sector_ids=frozenset({6}))
    exact = make(2)
    nothing = make(3, sector_ids=frozenset({7}), chamber_ids=frozenset({70}))
    query = Query(sector_ids=frozenset({5}), chamber_ids=frozenset({50}))
    assert [r.candidate.offer_id for r in rank([chamber, nothing, exact], query)] == [2, 1, 3]


def test_excluded_candidates_are_dropped():
    full = placement(1, places_taken=4)
    kept = placement(2)
    assert [r.candidate.offer_id for r in rank([full, kept], Query())] == [2]


def test_ties_broken_by_distance_then_id():
    no_distance_points = Weights(distance=0, region=0)
    far = make(1, area=VLISSINGEN)
    near_b = make(3, area=MIDDELBURG)
    near_a = make(2, area=MIDDELBURG)
    online = make(0, location_mode="online", area=MIDDELBURG)
    ranked = rank([far, near_b, online, near_a], Query(origin=MIDDELBURG), no_distance_points)
    assert {r.score for r in ranked} == {0.0}
    assert [r.candidate.offer_id for r in ranked] == [2, 3, 1, 0]


def test_fairness_pushes_flooded_company_below_equal_one():
    flooded = make(1, open_requests=8)
    quiet = make(2)
    ranked = rank([flooded, quiet], Query(origin=MIDDELBURG, sector_ids=frozenset({5})))
    assert [r.candidate.offer_id for r in ranked] == [2, 1]
    assert ranked[0].score - ranked[1].score == pytest.approx(4.0)


def test_region_and_sector_outweigh_text():
    near_sector = make(1, title="Bedrijfsbezoek werf", company_name="Damen", keywords=())
    far_text = make(2, area=AMSTERDAM, sector_ids=frozenset({9}), chamber_ids=frozenset())
    query = Query(origin=MIDDELBURG, sector_ids=frozenset({5}))
    assert [r.candidate.offer_id for r in rank([far_text, near_sector], query)] == [1, 2]


def test_rank_is_deterministic():
    candidates = [
        make(i, area=area, sector_ids=frozenset({s}), open_requests=o)
        for i, (area, s, o) in enumerate(
            itertools.product([MIDDELBURG, VLISSINGEN, EINDHOVEN, ANTWERPEN], [5, 6], [0, 4]),
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
