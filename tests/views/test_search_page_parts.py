"""The parts the search page writes with once-made pieces: each result's reasons, its link,
and the teacher's school with what the search reads of it."""
from flask_babel import force_locale
from markupsafe import Markup

from portal.extensions import db
from portal.matching.reasons import reasons_line
from portal.matching.rules import Reason
from portal.organisations.services import school_of, school_with_place
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


def test_the_school_with_its_place_is_the_teachers_school_in_two_statements(
        app, make, count_queries):
    teacher = make.user()
    school = make.school(teacher=teacher, place="Goes (Zeeland)", sectors=("metaal", "bouw"))
    other = make.user()
    school_id, _ids = school.id, (teacher.id, other.id)  # loaded before they leave the session
    db.session.expunge_all()  # nothing of it in the identity map
    with count_queries() as statements:
        found = school_with_place(teacher)
        facts = (found.place.label, found.place.latitude, sorted(s.code for s in found.sectors))
    assert len(statements) == 2
    assert found.id == school_id == school_of(teacher).id
    assert facts[0] == "Goes (Zeeland)" and facts[2] == ["bouw", "metaal"]
    assert school_with_place(other) is None
    assert school_with_place(None) is None
