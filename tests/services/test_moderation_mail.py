"""The moderator's decisions reach the company by e-mail: every active member of that company,
each in their own language, in the transaction of the decision (a refused decision writes none).
"""
import pytest

from portal import security
from portal.errors import NotAllowed, ValidationFailed
from portal.extensions import db
from portal.moderation import services as moderation
from portal.organisations import accreditation
from portal.organisations import services as organisations
from tests.outbox import DUTCH_LAYOUT, ENGLISH_LAYOUT, last_id, mails_since


def addressed(messages):
    return sorted(m.to_address for m in messages)


def with_colleague(make, company, locale="en"):
    """A second member of the company, reading English unless told otherwise."""
    colleague = make.user(security.COMPANY_MEMBER)
    organisations.add_member(actor=make.admin(), organisation=company, user=colleague)
    colleague.locale = locale
    db.session.commit()
    return colleague


@pytest.fixture
def company(make):
    """A company waiting for its Technocentrum, with a Dutch owner and an English colleague."""
    created = make.company(approved=False, name="Scheldewerf")
    with_colleague(make, created)
    return created


@pytest.fixture
def bystander(make):
    """A member of another company, who must hear nothing of the first one's decisions."""
    return make.owner_of(make.company(approved=False))


def test_an_approved_company_hears_it_in_each_members_language(make, company, bystander):
    owner, colleague = (m.user for m in company.memberships)
    mark = last_id()

    moderation.approve_company(actor=make.admin(), company=company)

    messages = mails_since(mark)
    assert {m.kind for m in messages} == {"moderation.company_approved"}
    assert addressed(messages) == sorted([owner.email, colleague.email])
    assert bystander.email not in addressed(messages)
    by_address = {m.to_address: m for m in messages}
    dutch, english = by_address[owner.email], by_address[colleague.email]
    assert (dutch.locale, dutch.user_id) == ("nl", owner.id)
    assert DUTCH_LAYOUT in dutch.body_html
    assert (english.locale, english.user_id) == ("en", colleague.id)
    assert english.subject == "Scheldewerf has been approved"
    assert ENGLISH_LAYOUT in english.body_html
    assert english.body_text.rstrip().endswith("/bedrijf")  # the company's page


def test_a_rejected_company_reads_the_reason_and_where_to_correct(make, company):
    colleague = company.memberships[1].user
    mark = last_id()

    moderation.reject_company(actor=make.admin(), company=company,
                              reason="Dit KvK-nummer hoort bij een ander bedrijf.")

    messages = mails_since(mark, "moderation.company_rejected")
    assert len(messages) == 2
    english = next(m for m in messages if m.to_address == colleague.email)
    assert english.subject == "Scheldewerf has not been approved"
    assert "Dit KvK-nummer hoort bij een ander bedrijf." in english.body_text
    assert "Dit KvK-nummer hoort bij een ander bedrijf." in english.body_html
    assert "/bedrijf/profiel" in english.body_text


def test_a_refused_company_decision_writes_no_mail(make, company):
    moderation.approve_company(actor=make.admin(), company=company)
    mark = last_id()

    with pytest.raises(ValidationFailed):  # decided already
        moderation.reject_company(actor=make.admin(), company=company, reason="Te laat.")
    with pytest.raises(ValidationFailed):  # no reason
        moderation.reject_company(actor=make.admin(), company=company, reason=" ")
    db.session.rollback()
    elsewhere = make.moderator(make.technocentrum(provinces=("NL-FL",)))
    with pytest.raises(NotAllowed):  # another region
        moderation.approve_company(actor=elsewhere, company=make.company(approved=False))
    db.session.rollback()

    assert mails_since(mark, "moderation.company_approved") == []
    assert mails_since(mark, "moderation.company_rejected") == []


def test_a_member_who_switched_moderation_off_gets_none(make, company):
    owner, colleague = (m.user for m in company.memberships)
    colleague.mail_off = ["moderation"]
    db.session.commit()
    mark = last_id()

    moderation.approve_company(actor=make.admin(), company=company)

    assert addressed(mails_since(mark)) == [owner.email]


def test_an_inactive_member_gets_none(make, company):
    owner, colleague = (m.user for m in company.memberships)
    colleague.is_active = False
    db.session.commit()
    mark = last_id()

    moderation.reject_company(actor=make.admin(), company=company, reason="Onbekend adres.")

    assert addressed(mails_since(mark)) == [owner.email]


def test_a_published_offer_is_announced_with_its_link(make, bystander):
    offer = make.offer(status="pending", title="Rondleiding op de werf")
    colleague = with_colleague(make, offer.company)
    mark = last_id()

    moderation.approve_offer(actor=make.admin(), offer=offer)

    messages = mails_since(mark)
    assert {m.kind for m in messages} == {"moderation.offer_approved"}
    assert addressed(messages) == sorted([make.owner_of(offer.company).email, colleague.email])
    english = next(m for m in messages if m.to_address == colleague.email)
    assert english.subject == 'Your offer "Rondleiding op de werf" has been published'
    assert english.body_text.rstrip().endswith(f"/aanbod/{offer.id}")


def test_a_rejected_offer_carries_the_reason(make):
    offer = make.offer(status="pending", title="Gastles lassen")
    colleague = with_colleague(make, offer.company)
    mark = last_id()

    moderation.reject_offer(actor=make.admin(), offer=offer,
                            reason="Noem het aantal leerlingen per groep.")

    messages = mails_since(mark, "moderation.offer_rejected")
    assert addressed(messages) == sorted([make.owner_of(offer.company).email, colleague.email])
    english = next(m for m in messages if m.to_address == colleague.email)
    assert english.subject == 'Your offer "Gastles lassen" has not been approved'
    assert "Noem het aantal leerlingen per groep." in english.body_text


def test_a_stale_offer_decision_writes_no_mail(make):
    offer = make.offer(status="pending")
    mark = last_id()

    with pytest.raises(ValidationFailed):  # the moderator read an older version
        moderation.approve_offer(actor=make.admin(), offer=offer, seen=offer.revision - 1)
    with pytest.raises(ValidationFailed):
        moderation.reject_offer(actor=make.admin(), offer=offer, reason="Nee.",
                                seen=offer.revision - 1)

    assert mails_since(mark) == []


def test_an_approved_change_names_the_new_title(make):
    offer = make.offer(title="Rondleiding")
    colleague = with_colleague(make, offer.company)
    make.revise(offer, title="Rondleiding door de nieuwe hal")
    mark = last_id()

    moderation.approve_offer(actor=make.admin(), offer=offer)

    messages = mails_since(mark, "moderation.revision_approved")
    assert addressed(messages) == sorted([make.owner_of(offer.company).email, colleague.email])
    english = next(m for m in messages if m.to_address == colleague.email)
    assert english.subject == 'Your change to "Rondleiding door de nieuwe hal" has been approved'


def test_a_rejected_change_carries_the_reason_and_a_second_decision_writes_none(make):
    offer = make.offer(title="Rondleiding")
    colleague = with_colleague(make, offer.company)
    make.revise(offer, title="De beste rondleiding van Nederland")
    seen = offer.pending_revision.number
    mark = last_id()

    moderation.reject_offer(actor=make.admin(), offer=offer, seen=seen,
                            reason="Houd de titel feitelijk.")
    with pytest.raises(ValidationFailed):  # a colleague decided already
        moderation.approve_offer(actor=make.admin(), offer=offer, seen=seen)

    messages = mails_since(mark)
    assert {m.kind for m in messages} == {"moderation.revision_rejected"}
    english = next(m for m in messages if m.to_address == colleague.email)
    assert english.subject == 'Your change to "Rondleiding" has not been approved'
    assert "Houd de titel feitelijk." in english.body_text


def test_a_confirmed_accreditation_is_announced_once(make, bystander):
    company = make.company(name="Leerbedrijf Zeeland")
    colleague = with_colleague(make, company)
    accreditation.set_sbb_number(actor=make.owner_of(company), company=company,
                                 number="100200300")
    mark = last_id()

    with pytest.raises(ValidationFailed):  # not the number the company gave
        accreditation.verify_sbb_number(actor=make.admin(), company=company, seen="999888777")
    assert mails_since(mark) == []
    accreditation.verify_sbb_number(actor=make.admin(), company=company, seen="100200300")

    messages = mails_since(mark)
    assert {m.kind for m in messages} == {"moderation.accreditation_confirmed"}
    assert addressed(messages) == sorted([make.owner_of(company).email, colleague.email])
    english = next(m for m in messages if m.to_address == colleague.email)
    assert english.subject == ("Leerbedrijf Zeeland is confirmed as an accredited training "
                               "company")
    assert "100200300" in english.body_text
