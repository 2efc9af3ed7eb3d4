"""Partner circles: asked by one side, accepted by the other, ended by either; and a partner's
offers ranking higher for its school (portal/organisations/partners.py)."""
import pytest
from sqlalchemy import func, select

from portal import security
from portal.errors import NotAllowed, NotFound, ValidationFailed
from portal.extensions import db
from portal.matching.search import SearchFilters, find_offers
from portal.organisations import partners
from portal.organisations.partner_models import Partnership
from tests.outbox import last_id, mails_since


@pytest.fixture
def pair(make):
    """A school and a company it requested an offer of (so each may ask the other)."""
    school = make.school(place="Middelburg (Zeeland)")
    company = make.company(place="Vlissingen", name="Scheldewerf")
    make.booking(make.offer(company), make.owner_of(school))
    return school, company


def owners(pair):
    school, company = pair
    return pair[0], pair[1], school.memberships[0].user, company.memberships[0].user


def test_a_school_asks_and_the_company_accepts(pair):
    school, company, teacher, owner = owners(pair)
    mark = last_id()

    asked = partners.ask(actor=teacher, other=company, message="Elk jaar een gastles?")

    assert (asked.status, asked.asked_by, asked.message) == ("asked", "school",
                                                              "Elk jaar een gastles?")
    [mail] = mails_since(mark)
    assert (mail.kind, mail.to_address) == ("team.partner_asked", owner.email)
    assert "Elk jaar een gastles?" in mail.body_text
    mark = last_id()

    partners.answer(actor=owner, partnership=asked, accept=True)

    assert asked.status == "active" and asked.answered_at is not None
    assert [m.kind for m in mails_since(mark)] == ["team.partner_accepted"]
    assert partners.active_partners(school) == [company]
    assert partners.active_partners(company) == [school]


def test_a_company_asks_a_school_and_is_declined(pair):
    school, company, teacher, owner = owners(pair)

    asked = partners.ask(actor=owner, other=school)
    partners.answer(actor=teacher, partnership=asked, accept=False)

    assert (asked.asked_by, asked.status) == ("company", "declined")
    partners.ask(actor=owner, other=school)  # may ask again later


def test_asking_twice_or_answering_oneself_is_refused(pair):
    school, company, teacher, owner = owners(pair)
    asked = partners.ask(actor=teacher, other=company)

    with pytest.raises(ValidationFailed):
        partners.ask(actor=teacher, other=company)
    with pytest.raises(ValidationFailed):
        partners.ask(actor=owner, other=school)  # the other way round: the same pair
    with pytest.raises(NotAllowed):
        partners.answer(actor=teacher, partnership=asked, accept=True)
    assert db.session.scalar(select(func.count(Partnership.id))) == 1


def test_only_the_asking_side_withdraws_and_only_once(pair):
    school, company, teacher, owner = owners(pair)
    asked = partners.ask(actor=teacher, other=company)

    with pytest.raises(NotAllowed):
        partners.withdraw(actor=owner, partnership=asked)
    partners.withdraw(actor=teacher, partnership=asked)
    with pytest.raises(ValidationFailed):
        partners.answer(actor=owner, partnership=asked, accept=True)
    assert asked.status == "withdrawn"


def test_either_side_ends_with_a_reason_the_other_reads(pair):
    school, company, teacher, owner = owners(pair)
    active = partners.answer(actor=owner, partnership=partners.ask(actor=teacher, other=company),
                             accept=True)
    with pytest.raises(ValidationFailed) as no_reason:
        partners.end(actor=owner, partnership=active, reason=" ")
    assert set(no_reason.value.errors) == {"reason"}
    mark = last_id()

    partners.end(actor=owner, partnership=active, reason="We stoppen met de werkplaats.")

    assert (active.status, active.ended_by) == ("ended", "company")
    [mail] = mails_since(mark)
    assert (mail.kind, mail.to_address) == ("team.partner_ended", teacher.email)
    assert "We stoppen met de werkplaats." in mail.body_text
    assert partners.active_partners(school) == []


def test_a_company_asks_only_schools_that_requested_its_offers(make, pair):
    school, company, _teacher, owner = owners(pair)
    stranger = make.school(place="Goes")

    with pytest.raises(NotFound):
        partners.ask(actor=owner, other=stranger)
    assert partners.ask(actor=owner, other=school).asked_by == "company"


def test_strangers_have_no_part_in_it(make, pair):
    school, company, teacher, owner = owners(pair)
    asked = partners.ask(actor=teacher, other=company)
    stranger = make.owner_of(make.company(place="Goes"))

    with pytest.raises(NotAllowed):
        partners.answer(actor=stranger, partnership=asked, accept=True)
    with pytest.raises(NotFound):
        partners.get_partnership_for(stranger, asked.id)
    with pytest.raises(NotFound):  # a school does not ask a school
        partners.ask(actor=teacher, other=make.school(place="Goes"))
    with pytest.raises(NotFound):  # nor a company waiting for approval
        partners.ask(actor=teacher, other=make.company(place="Goes", approved=False))
    with pytest.raises(NotAllowed):
        partners.ask(actor=make.user(security.MODERATOR), other=company)


def test_the_circles_of_a_region(make, pair):
    school, company = pair
    make.partners(school, company)
    make.partners(make.school(place="Almere Stad"), make.company(place="Almere Stad",
                                                                 name="Almeerse Techniek"))
    zeeland = make.moderator(make.technocentrum(provinces=("NL-ZE",)))

    circles = partners.circles_of_region(actor=zeeland)

    assert [(c.name, [s.id for s in schools]) for c, schools in circles] == [
        ("Scheldewerf", [school.id])]
    assert len(partners.circles_of_region(actor=make.admin())) == 2
    with pytest.raises(NotAllowed):
        partners.circles_of_region(actor=make.owner_of(company))


def test_a_partners_offers_rank_higher_for_its_school_and_say_why(make):
    school = make.school(place="Middelburg (Zeeland)")
    near = make.offer(make.company(place="Middelburg (Zeeland)", name="Buurman"),
                      title="Rondleiding bij de buurman")
    partner = make.offer(make.company(place="Vlissingen", name="Partner"),
                         title="Rondleiding bij de partner")

    def first_for(school_):
        result = find_offers(SearchFilters(), school=school_)
        ranked, offer = result.hits[0]
        return offer.id, [r.rule for r in ranked.reasons]

    assert first_for(school)[0] == near.id
    make.partners(school, partner.company)

    offer_id, rules = first_for(school)
    assert offer_id == partner.id and "partner" in rules
    other_school = make.school(place="Middelburg (Zeeland)")
    assert first_for(other_school)[0] == near.id  # only for its own school
