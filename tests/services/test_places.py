"""Places: the typo-tolerant lookup over the gazetteer, and the gazetteer itself."""
import pytest
from sqlalchemy import func, select

from portal.errors import ValidationFailed
from portal.extensions import db
from portal.forms import PlaceText
from portal.geo.gazetteer import load_gazetteer
from portal.geo.models import Landsdeel, Place, PlaceAlias, Province
from portal.geo.services import find_places, resolve_place


def labels(places):
    return [place.label for place in places]


def place_named(name, province_code):
    return db.session.scalar(select(Place).join(Place.province).where(
        Place.name == name, Province.code == province_code))


def count(model, *where):
    return db.session.scalar(select(func.count(model.id)).where(*where))


def test_a_typo_finds_the_place_first():
    found = find_places("Vlisingen")

    assert found[0].label == "Vlissingen (Zeeland)"
    assert found[0].country_code == "NL"


def test_an_alias_finds_the_place():
    assert find_places("den bosch")[0].label == "'s-Hertogenbosch (Noord-Brabant)"
    assert resolve_place("Den Bosch").name == "'s-Hertogenbosch"


def test_two_places_of_the_same_name_are_both_found_the_bigger_first():
    found = labels(find_places("Hengelo"))

    assert found[:2] == ["Hengelo (Overijssel)", "Hengelo (Gelderland)"]


def test_a_label_names_one_place_exactly():
    place = resolve_place("Hengelo (Gelderland)")

    assert place.id == place_named("Hengelo", "NL-GE").id
    assert resolve_place("Hengelo (Overijssel)").id == place_named("Hengelo", "NL-OV").id
    assert resolve_place("  Middelburg (Vlaanderen) ").country_code == "BE"


@pytest.mark.parametrize("typed, label", [
    ("Vlisingen", "Vlissingen (Zeeland)"),
    ("almere stad", "Almere Stad (Flevoland)"),
    ("Terneuzen", "Terneuzen (Zeeland)"),
])
def test_resolve_place_picks_the_one_place_meant(typed, label):
    assert resolve_place(typed).label == label


def test_a_belgian_city_is_found_by_its_dutch_and_its_french_name():
    luik = resolve_place("Luik")

    assert (luik.country_code, luik.province.code) == ("BE", "BE-WAL")
    assert resolve_place("Liège").id == luik.id


@pytest.mark.parametrize("typed, label", [
    ("Gent", "Gent (Vlaanderen)"),  # also an alias of Gendt (Gelderland)
    ("Roosendaal", "Roosendaal (Noord-Brabant)"),  # also an alias of Rozendaal (Gelderland)
])
def test_a_places_own_name_wins_over_another_places_alias(typed, label):
    assert resolve_place(typed).label == label


@pytest.mark.parametrize("typed", ["Hengelo", "Middelburg"])
def test_resolve_place_asks_when_two_places_share_a_name(typed):
    with pytest.raises(ValidationFailed) as failed:
        resolve_place(typed)

    assert set(failed.value.errors) == {"place"}
    assert failed.value.errors["place"].count(typed) >= 2


def test_resolve_place_names_the_field_it_checks():
    with pytest.raises(ValidationFailed) as failed:
        resolve_place("", field="school_place")

    assert set(failed.value.errors) == {"school_place"}


def test_loading_the_gazetteer_again_changes_nothing():
    places, aliases = count(Place), count(PlaceAlias)

    assert load_gazetteer() == (0, 0)

    assert (count(Place), count(PlaceAlias)) == (places, aliases)
    assert places > 4000


def test_dutch_places_lie_in_a_landsdeel_belgian_places_in_none():
    assert count(Place, Place.country_code == "NL", Place.landsdeel_id.is_(None)) == 0
    assert count(Place, Place.country_code == "BE", Place.landsdeel_id.is_not(None)) == 0
    assert count(Place, Place.country_code == "BE") > 1000


@pytest.mark.parametrize("name, province, landsdeel", [
    ("Breda", "NL-NB", "zuidwest"),  # west-Brabant
    ("Eindhoven", "NL-NB", "zuidoost"),
    ("Vlissingen", "NL-ZE", "zuidwest"),
    ("Almere Stad", "NL-FL", "noordvleugel"),
    ("Hengelo", "NL-OV", "oost"),
    ("Groningen", "NL-GR", "noord"),
])
def test_the_landsdeel_of_dutch_places(name, province, landsdeel):
    place = place_named(name, province)

    assert db.session.get(Landsdeel, place.landsdeel_id).code == landsdeel


def test_belgian_places_have_no_landsdeel():
    for name in ("Gent", "Brugge", "Kortrijk", "Leuven"):
        place = place_named(name, "BE-VLG")
        assert (place.country_code, place.landsdeel_id) == ("BE", None)


def places_named(name, province_code):
    """Same-named places of one province, biggest first."""
    return list(db.session.scalars(select(Place).join(Place.province).where(
        Place.name == name, Province.code == province_code).order_by(Place.population.desc())))


def test_every_label_in_the_gazetteer_is_unique():
    all_labels = labels(db.session.scalars(select(Place)))

    assert len(all_labels) > 4000
    assert len(set(all_labels)) == len(all_labels)


def test_the_two_tielts_have_their_own_labels():
    big, small = places_named("Tielt", "BE-VLG")

    assert big.label == "Tielt (Vlaanderen)"  # the town: three times the village's size
    assert small.label == "Tielt (bij Tielt-Winge, Vlaanderen)"


@pytest.mark.parametrize("name, province", [
    ("Tielt", "BE-VLG"), ("Heusden", "NL-NB"), ("Nes", "NL-FR"), ("Berg", "NL-LI")])
def test_same_named_places_resolve_by_their_labels(name, province):
    found = places_named(name, province)

    assert len(found) == 2
    for place in found:
        assert resolve_place(place.label).id == place.id
        assert resolve_place(PlaceText(place.label, place_id=place.id)).id == place.id


def test_nes_on_ameland_is_named_after_its_island():
    island = max(places_named("Nes", "NL-FR"), key=lambda place: place.latitude)

    assert island.label == "Nes (Ameland, Friesland)"


def test_the_place_chosen_by_id_wins_even_over_the_bigger_namesake():
    big, small = places_named("Tielt", "BE-VLG")
    chosen = PlaceText(small.label, place_id=small.id)

    assert resolve_place(chosen).id == small.id
    assert resolve_place(PlaceText(f"  {big.label} ", place_id=big.id)).id == big.id


def test_text_typed_after_choosing_outweighs_the_chosen_id():
    _, small = places_named("Tielt", "BE-VLG")

    assert resolve_place(PlaceText("Vlissingen", place_id=small.id)).name == "Vlissingen"
    with pytest.raises(ValidationFailed):  # "Tielt" alone: two places, so the user chooses
        resolve_place(PlaceText("Tielt", place_id=small.id))


def test_an_unknown_id_falls_back_to_the_text():
    assert resolve_place(PlaceText("Vlissingen (Zeeland)", place_id=10**9)).name == "Vlissingen"


def test_a_label_without_the_distinguishing_part_asks_which_place():
    first, second = places_named("Heusden", "NL-NB")

    with pytest.raises(ValidationFailed) as failed:
        resolve_place("Heusden (Noord-Brabant)")

    assert first.label in failed.value.errors["place"]
    assert second.label in failed.value.errors["place"]
