"""Search weights per Technocentrum: which weights a school searches with, and the moderator's
changes to them (checked, audited, refused to others and over a colleague's change)."""
from dataclasses import asdict, replace

import pytest
from sqlalchemy import func, select

from portal import security
from portal.audit import AuditEvent
from portal.errors import NotAllowed, ValidationFailed
from portal.extensions import db
from portal.matching.models import MatchingWeights
from portal.matching.rules import DEFAULT_WEIGHTS, Weights
from portal.matching.school import searching_school
from portal.matching.search import SearchFilters, find_offers
from portal.matching.weights import (
    WeightsChanged,
    reset_weights,
    sample_schools,
    save_weights,
    weights_for_school,
    weights_of,
)
from portal.matching.weights_preview import preview_weights
from portal.organisations.services import technocentrum_for_staff
from portal.taxonomy.services import sector_by_code

TUNED = Weights(region=40, distance=10, sector=50, level=0, period=5, text=30, fairness=20)
# Place first: the nearest offer wins whatever its sector.
BY_PLACE = Weights(region=100, distance=100, sector=0, level=10, period=5, text=25, fairness=5)
# Sector first: the school's own sector wins whatever its place.
BY_SECTOR = Weights(region=0, distance=1, sector=100, level=10, period=5, text=25, fairness=5)


@pytest.fixture
def zeeland(make):
    return make.technocentrum(("NL-ZE",), name="Technocentrum Zeeland")


@pytest.fixture
def moderator(make, zeeland):
    return make.moderator(zeeland)


@pytest.fixture
def school(make, zeeland):
    """A school in Middelburg, Zeeland, whose own sector is construction."""
    return make.school(place="Middelburg (Zeeland)", sectors=("bouw",))


def events(action):
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def rows():
    return db.session.scalar(select(func.count()).select_from(MatchingWeights))


def test_without_a_choice_everyone_searches_with_the_defaults(make, zeeland, school):
    elsewhere = make.school(place="Groningen")  # no Technocentrum covers Groningen here

    assert weights_for_school(None) == DEFAULT_WEIGHTS
    assert weights_for_school(school) == DEFAULT_WEIGHTS
    assert weights_for_school(elsewhere) == DEFAULT_WEIGHTS
    assert weights_of(zeeland) == DEFAULT_WEIGHTS


def test_a_regions_schools_search_with_its_weights_and_no_one_else(make, zeeland, moderator,
                                                                   school):
    utrecht_school = make.school(place="Utrecht")
    make.technocentrum(("NL-UT",))

    saved = save_weights(actor=moderator, technocentrum=zeeland, weights=TUNED)

    assert saved == TUNED
    assert weights_of(zeeland) == TUNED
    assert weights_for_school(school) == TUNED
    assert weights_for_school(utrecht_school) == DEFAULT_WEIGHTS
    assert weights_for_school(None) == DEFAULT_WEIGHTS


def test_the_weights_of_a_search_cost_one_query_at_most(school, zeeland, moderator,
                                                        count_queries):
    save_weights(actor=moderator, technocentrum=zeeland, weights=TUNED)
    db.session.expire_all()
    school = db.session.get(type(school), school.id)

    with count_queries() as statements:
        assert weights_for_school(school) == TUNED
    assert len(statements) == 1
    with count_queries() as statements:
        assert weights_for_school(None) == DEFAULT_WEIGHTS
    assert statements == []


def test_of_two_technocentra_covering_a_province_the_one_with_weights_counts(make, school):
    teacher = make.owner_of(school)

    def weights():  # the search page reads them with the school (portal.matching.school)
        found = weights_for_school(school)
        assert searching_school(teacher).weights == found
        return found

    first = make.technocentrum(("NL-ZE",), name="A eerst")
    second = make.technocentrum(("NL-ZE", "NL-NB"), name="B tweede")
    assert weights() == DEFAULT_WEIGHTS

    save_weights(actor=make.admin(), technocentrum=second, weights=TUNED)
    assert weights() == TUNED

    save_weights(actor=make.admin(), technocentrum=first, weights=BY_PLACE)
    assert weights() == BY_PLACE  # both chose: the lower id


def test_a_change_is_audited_with_before_after_and_note(zeeland, moderator):
    save_weights(actor=moderator, technocentrum=zeeland, weights=TUNED,
                 note="  Meer nadruk op sector.  ")
    save_weights(actor=moderator, technocentrum=zeeland, weights=BY_PLACE, seen=1)

    first, second = events("matching.weights_changed")
    assert (first.actor_id, first.subject_type, first.subject_id) == (
        moderator.id, "organisations", zeeland.id)
    assert first.details == {"before": asdict(DEFAULT_WEIGHTS), "after": asdict(TUNED),
                             "reason": "Meer nadruk op sector."}
    assert second.details == {"before": asdict(TUNED), "after": asdict(BY_PLACE)}
    row = db.session.scalar(select(MatchingWeights))
    assert (row.revision, row.updated_by_id) == (2, moderator.id)


@pytest.mark.parametrize("changes, field", [
    ({"region": -1}, "region"),
    ({"distance": 101}, "distance"),
    ({"fairness": 51}, "fairness"),
    ({"text": 2.5}, "text"),
    ({"level": "10"}, "level"),
    ({"period": True}, "period"),
    ({"sector": None}, "sector"),
    ({"text": float("nan")}, "text"),
    ({"region": 0, "distance": 0, "sector": 0}, ""),
])
def test_bad_weights_are_refused_and_nothing_changes(zeeland, moderator, changes, field):
    with pytest.raises(ValidationFailed) as refused:
        save_weights(actor=moderator, technocentrum=zeeland,
                     weights=replace(DEFAULT_WEIGHTS, **changes))

    assert list(refused.value.errors) == [field]
    assert rows() == 0 and events("matching.weights_changed") == []


def test_the_bounds_are_inclusive(zeeland, moderator):
    edge = Weights(region=100, distance=0, sector=0, level=100, period=0, text=100, fairness=50)
    assert save_weights(actor=moderator, technocentrum=zeeland, weights=edge) == edge
    assert weights_of(zeeland) == edge


def test_a_note_too_long_is_refused(zeeland, moderator):
    with pytest.raises(ValidationFailed) as refused:
        save_weights(actor=moderator, technocentrum=zeeland, weights=TUNED, note="x" * 501)
    assert list(refused.value.errors) == ["note"]
    assert rows() == 0


def test_weights_already_in_use_are_not_saved_again(zeeland, moderator):
    with pytest.raises(ValidationFailed):
        save_weights(actor=moderator, technocentrum=zeeland, weights=DEFAULT_WEIGHTS)
    save_weights(actor=moderator, technocentrum=zeeland, weights=TUNED)
    with pytest.raises(ValidationFailed):
        save_weights(actor=moderator, technocentrum=zeeland, weights=TUNED)
    assert len(events("matching.weights_changed")) == 1


def test_only_the_regions_moderator_and_the_administrator_tune_it(make, zeeland, moderator):
    other_moderator = make.moderator(make.technocentrum(("NL-UT",)))
    for outsider in (other_moderator, make.user(security.TEACHER),
                     make.user(security.COMPANY_MEMBER), make.user(security.MODERATOR)):
        with pytest.raises(NotAllowed):
            save_weights(actor=outsider, technocentrum=zeeland, weights=TUNED)
    assert rows() == 0

    save_weights(actor=make.admin(), technocentrum=zeeland, weights=TUNED)
    assert weights_of(zeeland) == TUNED
    with pytest.raises(NotAllowed):
        reset_weights(actor=other_moderator, technocentrum=zeeland)
    assert weights_of(zeeland) == TUNED


def test_the_page_shows_a_moderator_their_own_technocentrum_only(make, zeeland, moderator):
    utrecht = make.technocentrum(("NL-UT",), name="Technocentrum Utrecht")

    assert technocentrum_for_staff(actor=moderator) == zeeland
    assert technocentrum_for_staff(actor=moderator, technocentrum_id=zeeland.id) == zeeland
    with pytest.raises(NotAllowed):
        technocentrum_for_staff(actor=moderator, technocentrum_id=utrecht.id)
    assert technocentrum_for_staff(actor=make.admin(), technocentrum_id=utrecht.id) == utrecht
    with pytest.raises(NotAllowed):
        technocentrum_for_staff(actor=make.user(security.TEACHER))


def test_a_save_over_a_colleagues_change_is_refused(make, zeeland, moderator):
    colleague = make.moderator(zeeland)
    save_weights(actor=colleague, technocentrum=zeeland, weights=TUNED, seen=0)

    with pytest.raises(WeightsChanged):
        save_weights(actor=moderator, technocentrum=zeeland, weights=BY_PLACE, seen=0)
    assert weights_of(zeeland) == TUNED

    save_weights(actor=moderator, technocentrum=zeeland, weights=BY_PLACE, seen=1)
    assert weights_of(zeeland) == BY_PLACE


def test_reset_goes_back_to_the_defaults_and_is_audited(zeeland, moderator):
    with pytest.raises(ValidationFailed):
        reset_weights(actor=moderator, technocentrum=zeeland)  # nothing to reset
    save_weights(actor=moderator, technocentrum=zeeland, weights=TUNED)
    with pytest.raises(WeightsChanged):
        reset_weights(actor=moderator, technocentrum=zeeland, seen=7)
    assert weights_of(zeeland) == TUNED

    assert reset_weights(actor=moderator, technocentrum=zeeland, seen=1) == DEFAULT_WEIGHTS

    assert weights_of(zeeland) == DEFAULT_WEIGHTS and rows() == 0
    (event,) = events("matching.weights_reset")
    assert event.details == {"before": asdict(TUNED), "after": asdict(DEFAULT_WEIGHTS)}
    # Saved again afterwards, it starts from the defaults (revision 0).
    save_weights(actor=moderator, technocentrum=zeeland, weights=BY_PLACE, seen=0)


def test_sample_schools_are_those_of_the_region(make, zeeland, school):
    make.school(place="Utrecht")
    vlissingen = make.school(place="Vlissingen")

    assert {s.id for s in sample_schools(zeeland)} == {school.id, vlissingen.id}


def _place_and_sector(make):
    """An offer in the school's own town in another sector, and one in the school's sector a
    town further: which comes first depends on the weights."""
    near = make.offer(make.company(place="Middelburg (Zeeland)", sectors=("ict",)),
                      sector_ids=[sector_by_code("ict").id], title="Dichtbij")
    fitting = make.offer(make.company(place="Vlissingen", sectors=("bouw",)),
                         sector_ids=[sector_by_code("bouw").id], title="Passend")
    return near, fitting


def test_a_preview_ranks_with_both_weights_and_saves_nothing(make, zeeland, moderator, school):
    near, fitting = _place_and_sector(make)
    save_weights(actor=moderator, technocentrum=zeeland, weights=BY_SECTOR)

    preview = preview_weights(actor=moderator, technocentrum=zeeland, proposed=BY_PLACE,
                              school=school, max_km=50)

    assert [row.offer.id for row in preview.current] == [fitting.id, near.id]
    assert [(row.offer.id, row.rank, row.was, row.moved) for row in preview.proposed] == [
        (near.id, 1, 2, 1), (fitting.id, 2, 1, -1)]
    assert preview.total == 2
    assert weights_of(zeeland) == BY_SECTOR
    assert len(events("matching.weights_changed")) == 1


def test_a_preview_checks_the_weights_and_the_sample_school(make, zeeland, moderator):
    with pytest.raises(ValidationFailed) as refused:
        preview_weights(actor=moderator, technocentrum=zeeland,
                        proposed=replace(BY_PLACE, fairness=80))
    assert list(refused.value.errors) == ["fairness"]
    with pytest.raises(ValidationFailed) as refused:
        preview_weights(actor=moderator, technocentrum=zeeland, proposed=BY_PLACE,
                        school=make.school(place="Utrecht"))
    assert list(refused.value.errors) == ["school"]
    with pytest.raises(NotAllowed):
        preview_weights(actor=make.moderator(make.technocentrum(("NL-UT",))),
                        technocentrum=zeeland, proposed=BY_PLACE)


def test_saved_weights_change_a_schools_real_search(make, zeeland, moderator, school):
    near, fitting = _place_and_sector(make)

    def first():
        result = find_offers(SearchFilters(max_km=50), school=school,
                             weights=weights_for_school(school))
        return [offer.id for _ranked, offer in result.hits]

    save_weights(actor=moderator, technocentrum=zeeland, weights=BY_SECTOR)
    assert first() == [fitting.id, near.id]
    save_weights(actor=moderator, technocentrum=zeeland, weights=BY_PLACE, seen=1)
    assert first() == [near.id, fitting.id]
