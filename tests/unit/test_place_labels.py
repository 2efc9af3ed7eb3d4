"""Labels that tell places apart (portal/geo/labels.py), on a handful of made-up places."""
import ast
from pathlib import Path

import pytest

from portal.geo.labels import LabelledPlace, distinguishers, format_label, parse_label


def place(key, name, population, lat, lon, province="Vlaanderen", country="BE"):
    return LabelledPlace(key, name, province, country, population, lat, lon)


TOWNS = [
    place(1, "Roeselare", 60_000, 50.95, 3.12),
    place(2, "Aarschot", 30_000, 50.99, 4.84),
    place(3, "Tielt-Winge", 10_500, 50.93, 4.89),
    place(4, "Diest", 24_000, 50.99, 5.05),
]


def labels(places, overrides=None):
    parts = distinguishers(places, overrides)
    return {p.key: format_label(p.name, p.province, parts[p.key]) for p in places}


@pytest.mark.parametrize("label, parsed", [
    ("Hengelo (Overijssel)", ("Hengelo", None, "Overijssel")),
    ("  Tielt (bij Tielt-Winge, Vlaanderen) ", ("Tielt", "bij Tielt-Winge", "Vlaanderen")),
    ("Nes (Ameland, Friesland)", ("Nes", "Ameland", "Friesland")),
    ("'s-Hertogenbosch (Noord-Brabant)", ("'s-Hertogenbosch", None, "Noord-Brabant")),
    ("Vlissingen", None),
    ("Tielt ()", None),
    ("", None),
])
def test_parse_label(label, parsed):
    assert parse_label(label) == parsed


def test_a_label_reads_back_as_it_was_written():
    for name, part, province in (("Tielt", None, "Vlaanderen"),
                                 ("Tielt", "bij Tielt-Winge", "Vlaanderen")):
        assert parse_label(format_label(name, province, part)) == (name, part, province)


def test_a_name_unique_in_its_province_needs_no_part():
    places = [*TOWNS, place(10, "Hengelo", 80_000, 52.26, 6.79, "Overijssel", "NL"),
              place(11, "Hengelo", 8_000, 52.05, 6.31, "Gelderland", "NL")]

    assert set(distinguishers(places).values()) == {None}


def test_a_clearly_bigger_namesake_keeps_the_plain_label():
    big, small = place(20, "Tielt", 19_000, 51.0, 3.33), place(21, "Tielt", 5_000, 50.94, 4.91)

    found = labels([*TOWNS, big, small])

    assert found[20] == "Tielt (Vlaanderen)"
    assert found[21] == "Tielt (bij Tielt-Winge, Vlaanderen)"  # the nearest bigger town


def test_namesakes_of_a_like_size_both_get_a_part():
    west, east = place(30, "Beveren", 2_800, 50.97, 3.14), place(31, "Beveren", 2_000, 51.0, 4.85)

    found = labels([*TOWNS, west, east])

    assert found[30] == "Beveren (bij Roeselare, Vlaanderen)"
    assert found[31] == "Beveren (bij Aarschot, Vlaanderen)"


def test_namesakes_near_the_same_town_are_still_told_apart():
    one, two = place(40, "Meldert", 2_900, 50.98, 4.85), place(41, "Meldert", 2_500, 51.0, 4.83)

    found = labels([*TOWNS, one, two])

    assert found[40] != found[41]
    assert {found[40], found[41]} <= {f"Meldert (bij {t}, Vlaanderen)"
                                      for t in ("Aarschot", "Tielt-Winge", "Diest", "Roeselare")}


def test_a_part_given_by_hand_wins():
    island = place(50, "Nes", 1_140, 53.45, 5.77, "Friesland", "NL")
    inland = place(51, "Nes", 1_080, 53.05, 5.85, "Friesland", "NL")
    heerenveen = place(52, "Heerenveen", 30_000, 52.96, 5.92, "Friesland", "NL")

    found = labels([island, inland, heerenveen], overrides={50: "Ameland"})

    assert found[50] == "Nes (Ameland, Friesland)"
    assert found[51] == "Nes (bij Heerenveen, Friesland)"


def test_without_any_town_around_the_labels_still_differ():
    found = labels([place(60, "Berg", 500, 50.9, 4.5), place(61, "Berg", 500, 50.8, 5.5)])

    assert len(set(found.values())) == 2


def test_the_labels_module_is_pure():
    source = Path(__file__).resolve().parents[2] / "portal" / "geo" / "labels.py"
    imported = {node.module for node in ast.walk(ast.parse(source.read_text(encoding="utf-8")))
                if isinstance(node, ast.ImportFrom)}
    imported |= {alias.name for node in ast.walk(ast.parse(source.read_text(encoding="utf-8")))
                 if isinstance(node, ast.Import) for alias in node.names}

    assert not {m.split(".")[0] for m in imported} & {"flask", "sqlalchemy", "wtforms"}
