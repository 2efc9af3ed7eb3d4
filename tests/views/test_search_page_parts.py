"""The parts the search page writes with once-made pieces: each result's reasons, its link;
and the teacher's school as the search reads it."""
from flask_babel import force_locale
from markupsafe import Markup

from portal import security
from portal.matching.plan import make_plan
from portal.matching.reasons import reasons_line
from portal.matching.rules import DEFAULT_WEIGHTS, Reason
from portal.matching.school import searching_school
from portal.matching.search import SearchFilters
from portal.matching.weights import weights_for_school
from portal.taxonomy.services import sector_by_code
from portal.views import links_by_id


def test_the_reasons_are_one_line_of_phrases_in_the_visitors_language(app):
    reasons = (Reason("region", "same_place"), Reason("distance", "km", 12.5),
               Reason("text", "match", "<lassen>"))
    with app.test_request_context():
        with force_locale("nl"):
            dutch = reasons_line(reasons)
        with force_locale("en"):
            english = reasons_line(list(reasons))
    assert isinstance(dutch, Markup)
    assert english == ('<span class="reason">in your town</span> · '
                       '<span class="reason">12.5 km from your school</span> · '
                       '<span class="reason">matches “&lt;lassen&gt;”</span>')
    assert "12,5 km" in dutch and dutch != english
    assert reasons_line(()) == ""


def test_links_by_id_are_those_url_for_writes(app):
    with app.test_request_context():
        link = links_by_id("offers.detail", "offer_id")
        for offer_id in (1, 42, 9876543210, 10 ** 12):
            assert link(offer_id) == app.url_for("offers.detail", offer_id=offer_id)
        assert links_by_id("bookings.detail", "booking_id")(7) == app.url_for(
            "bookings.detail", booking_id=7)


def test_the_searching_school_is_the_teachers_school_in_one_statement(
        app, make, count_queries):
    teacher = make.user()
    school = make.school(teacher=teacher, place="Goes (Zeeland)", sectors=("metaal", "bouw"))
    company_member = make.user(security.COMPANY_MEMBER)
    make.company(owner=company_member)
    assert teacher.id and company_member.id  # loaded before the count
    with count_queries() as statements:
        found = searching_school(teacher)
    assert len(statements) == 1
    assert (found.id, found.name, found.place_id) == (school.id, school.name, school.place_id)
    place = school.place
    assert found.place == (place.id, place.latitude, place.longitude, place.province_id,
                           place.landsdeel_id, place.label) and place.label == "Goes (Zeeland)"
    assert found.sectors == tuple(sorted((s.id, s.chamber_id) for s in school.sectors))
    assert found.weights == weights_for_school(school) == DEFAULT_WEIGHTS  # no region chose any
    assert {s.id for s in school.sectors} == {sector_by_code(c).id for c in ("metaal", "bouw")}
    assert searching_school(company_member) is None  # a company is not a school
    assert searching_school(make.user()) is None  # a teacher without a school yet
    assert searching_school(None) is None


def test_a_searching_school_plans_as_the_school_does(app, make):
    for sectors in (("metaal", "bouw"), ()):
        teacher = make.user()
        school = make.school(teacher=teacher, place="Goes (Zeeland)", sectors=sectors)
        filters = SearchFilters(max_km=25)
        searching = searching_school(teacher)
        assert len(searching.sectors) == len(sectors)
        assert make_plan(filters, searching, DEFAULT_WEIGHTS).query == make_plan(
            filters, school, DEFAULT_WEIGHTS).query
