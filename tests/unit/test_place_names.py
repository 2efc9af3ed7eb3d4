import pytest

from portal.geo.names import PlaceMatch, best_place, match_places, normalise

VLISSINGEN, VLIST, VLIJMEN, VLEUTEN = 1, 2, 3, 4
DEN_BOSCH, BOSCH_EN_DUIN, MIDDELBURG = 5, 6, 7
HENGELO_OV, HENGELO_GLD, BRUSSEL, ANTWERPEN = 8, 9, 10, 11

ENTRIES = [
    ("Vlissingen", VLISSINGEN, 44_000),
    ("Vlist", VLIST, 10_000),
    ("Vlijmen", VLIJMEN, 14_000),
    ("Vleuten", VLEUTEN, 20_000),
    ("'s-Hertogenbosch", DEN_BOSCH, 155_000),
    ("Den Bosch", DEN_BOSCH, 155_000),
    ("Bosch en Duin", BOSCH_EN_DUIN, 1_000),
    ("Middelburg", MIDDELBURG, 48_000),
    # Listed small one first so the population ordering is really exercised.
    ("Hengelo", HENGELO_GLD, 8_000),
    ("Hengelo", HENGELO_OV, 81_000),
    ("Brussel", BRUSSEL, 1_200_000),
    ("Bruxelles", BRUSSEL, 1_200_000),
    ("Antwerpen", ANTWERPEN, 530_000),
]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("'s-Hertogenbosch", "s hertogenbosch"),
        ("'t Zandt", "t zandt"),
        ("Liège", "liege"),
        ("Sint-Niklaas", "sint niklaas"),
        ("St. Anna  Parochie", "st anna parochie"),
        ("  Den   Bosch ", "den bosch"),
        ("Itteren d’Elsloo", "itteren d elsloo"),
        ("", ""),
    ],
)
def test_normalise(name, expected):
    assert normalise(name) == expected


def ids(matches):
    return [m.place_id for m in matches]


def test_typo_finds_vlissingen_first():
    matches = match_places("Vlisingen", ENTRIES)
    assert matches[0].place_id == VLISSINGEN
    assert matches[0].matched == "Vlissingen"
    assert 85 <= matches[0].score < 100


@pytest.mark.parametrize("query", ["Den Bosch", "den bosch", "DEN BOSCH", "hertogenbosch"])
def test_den_bosch_aliases(query):
    matches = match_places(query, ENTRIES)
    assert matches[0].place_id == DEN_BOSCH


def test_alias_is_reported_as_matched_name_once_per_place():
    matches = match_places("den bosch", ENTRIES)
    assert matches[0] == PlaceMatch(DEN_BOSCH, 100.0, "Den Bosch")
    assert ids(matches).count(DEN_BOSCH) == 1
    assert match_places("hertogenbosch", ENTRIES)[0].matched == "'s-Hertogenbosch"


def test_same_name_places_ordered_by_population():
    matches = match_places("Hengelo", ENTRIES)
    assert ids(matches)[:2] == [HENGELO_OV, HENGELO_GLD]
    assert matches[0].score == matches[1].score == 100.0


@pytest.mark.parametrize(
    ("query", "place_id"),
    [
        ("Middelburg", MIDDELBURG),
        ("middelburg", MIDDELBURG),
        ("Bruxelles", BRUSSEL),
        ("'s-Hertogenbosch", DEN_BOSCH),
        ("s Hertogenbosch", DEN_BOSCH),
    ],
)
def test_exact_match_scores_100(query, place_id):
    top = match_places(query, ENTRIES)[0]
    assert (top.place_id, top.score) == (place_id, 100.0)


@pytest.mark.parametrize("query", ["xyzzy", "", "   ", "--"])
def test_no_match(query):
    assert match_places(query, ENTRIES) == []


def test_scores_sorted_and_above_cutoff():
    matches = match_places("Vlis", ENTRIES)
    scores = [m.score for m in matches]
    assert scores == sorted(scores, reverse=True)
    assert all(s >= 60 for s in scores)
    assert ids(matches)[:2] == [VLISSINGEN, VLIST]


def test_limit():
    assert len(match_places("Vl", ENTRIES, limit=2)) == 2
    assert match_places("Vl", ENTRIES, limit=0) == []


def test_ties_broken_by_population_then_id():
    entries = [("Aa", 30, 5), ("Aa", 20, 5), ("Aa", 10, 9)]
    assert ids(match_places("Aa", entries)) == [10, 20, 30]


def test_empty_entries():
    assert match_places("Vlissingen", []) == []
    assert best_place("Vlissingen", []) is None


@pytest.mark.parametrize(
    ("query", "place_id", "matched"),
    [
        ("Vlisingen", VLISSINGEN, "Vlissingen"),
        ("den bosch", DEN_BOSCH, "Den Bosch"),
        ("hertogenbosch", DEN_BOSCH, "'s-Hertogenbosch"),
        ("Brusel", BRUSSEL, "Brussel"),
        ("Vlist", VLIST, "Vlist"),
    ],
)
def test_best_place_confident(query, place_id, matched):
    best = best_place(query, ENTRIES)
    assert best is not None
    assert (best.place_id, best.matched) == (place_id, matched)


def test_best_place_exact_is_100():
    assert best_place("Middelburg", ENTRIES) == PlaceMatch(MIDDELBURG, 100.0, "Middelburg")


@pytest.mark.parametrize(
    "query",
    [
        "Hengelo",  # two places carry exactly this name
        "bosch",  # 's-Hertogenbosch and Bosch en Duin score the same
        "Vlis",  # Vlissingen and Vlist within the margin
        "xyzzy",
        "",
    ],
)
def test_best_place_refuses_ambiguous_or_weak(query):
    assert best_place(query, ENTRIES) is None


def test_best_place_margin_is_configurable():
    # "Vlisingen": Vlissingen ~94.7 vs Vlist 80, a gap of ~14.7 points.
    assert best_place("Vlisingen", ENTRIES, margin=14.0).place_id == VLISSINGEN
    assert best_place("Vlisingen", ENTRIES, margin=15.0) is None


def test_best_place_requires_strong_score():
    # Antwerpen is the only candidate, but a mangled "Antwrp" is too weak to be sure.
    matches = match_places("Antwrp", [("Antwerpen", ANTWERPEN, 1)])
    assert matches and matches[0].score < 85
    assert best_place("Antwrp", [("Antwerpen", ANTWERPEN, 1)]) is None
