"""Approving several items of the queue in one step, with one note (portal/moderation/bulk.py)."""
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select, update

from portal.audit import AuditEvent
from portal.errors import NotFound, ValidationFailed
from portal.extensions import db
from portal.moderation import services as moderation
from portal.moderation.bulk import NOTE_MAX, Selection, approve_selected
from portal.offers.models import Offer
from portal.organisations.models import Company
from tests.outbox import last_id, mails_since
from tests.services.test_moderation import pending_offer_of


@pytest.fixture
def queue(make):
    """Zeeland's moderator; a waiting company with two offers; a waiting offer and a proposed
    change of approved companies; a waiting company in Flevoland."""
    moderator = make.moderator(make.technocentrum(provinces=("NL-ZE",)))
    newcomer = make.company(place="Vlissingen", approved=False, name="Scheldewerf")
    first, second = pending_offer_of(make, newcomer), pending_offer_of(make, newcomer)
    other = make.offer(make.company(place="Goes", name="Lasbedrijf Goes"), status="pending",
                       title="Gastles lassen", offer_type="guest_lesson")
    changed = make.offer(make.company(place="Middelburg (Zeeland)", name="Werf Middelburg"),
                         title="Open werkplaats")
    make.revise(changed, title="Open werkplaats, vernieuwd")
    far = make.company(place="Almere Stad", approved=False, name="Installatiebedrijf Almere")
    return SimpleNamespace(moderator=moderator, newcomer=newcomer, first=first, second=second,
                           other=other, changed=changed, far=far)


def read(*offers):
    """The offers as the moderator read them: (id, version shown)."""
    return tuple((offer.id, offer.revision) for offer in offers)


def statuses(q):
    db.session.expire_all()
    return (q.newcomer.status, q.first.status, q.second.status, q.other.status,
            q.changed.title, q.changed.pending_revision is not None)


UNTOUCHED = ("pending", "pending", "pending", "pending", "Open werkplaats", True)


def decisions(after=0):
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action.in_(
        ("company.approved", "offer.published", "offer.revision_approved")),
        AuditEvent.id > after).order_by(AuditEvent.id)))


def test_a_company_its_offers_and_others_are_approved_in_one_step_with_one_note(queue):
    mark, event_mark = last_id(), db.session.scalar(select(func.max(AuditEvent.id)))

    outcome = approve_selected(actor=queue.moderator, note="Welkom bij Bedrijf+School!",
                               selection=Selection(companies=(queue.newcomer.id,), offers=read(
                                   queue.first, queue.second, queue.other, queue.changed)))

    assert ([c.name for c in outcome.companies], [o.title for o in outcome.offers],
            [o.title for o in outcome.changes], outcome.missed) == (
        ["Scheldewerf"], [queue.first.title, queue.second.title, "Gastles lassen"],
        ["Open werkplaats, vernieuwd"], [])
    assert outcome.count == 5
    assert statuses(queue) == ("approved", "published", "published", "published",
                               "Open werkplaats, vernieuwd", False)
    assert queue.first.published_at is not None
    assert moderation.moderation_queue(actor=queue.moderator) == ([], [])
    events = decisions(event_mark)
    assert [(e.action, e.details["reason"], e.details["together"]) for e in events] == [
        ("company.approved", "Welkom bij Bedrijf+School!", True),
        *[("offer.published", "Welkom bij Bedrijf+School!", True)] * 3,
        ("offer.revision_approved", "Welkom bij Bedrijf+School!", True)]
    # one message per company, with everything approved for it and the note
    mails = mails_since(mark)
    assert {m.kind for m in mails} == {"moderation.approved_together"}
    assert sorted(m.to_address for m in mails) == sorted(
        m.user.email for c in (queue.newcomer, queue.other.company, queue.changed.company)
        for m in c.memberships)
    [newcomer] = [m for m in mails if m.to_address == queue.newcomer.memberships[0].user.email]
    assert newcomer.subject == "Scheldewerf is goedgekeurd"
    assert queue.first.title in newcomer.body_text
    assert "Welkom bij Bedrijf+School!" in newcomer.body_text
    assert "Gastles lassen" not in newcomer.body_text


def test_an_offer_of_a_waiting_company_needs_its_company_ticked_too(queue):
    mark, count = last_id(), len(decisions())

    with pytest.raises(ValidationFailed) as refused:
        approve_selected(actor=queue.moderator, selection=Selection(
            offers=read(queue.other, queue.first)))

    assert "Scheldewerf" in refused.value.errors["selected"]
    assert statuses(queue) == UNTOUCHED  # not even the offer that could have been approved
    assert (len(decisions()), mails_since(mark)) == (count, [])


def test_a_bbl_place_of_a_company_not_checked_is_refused(make, queue):
    company = make.company(place="Goes")
    make.accredit(company)
    bbl = make.offer(company, status="pending", offer_type="apprenticeship",
                     title="BBL monteur")
    db.session.execute(update(Company).where(Company.id == company.id)
                       .values(sbb_verified_at=None))
    db.session.commit()

    with pytest.raises(ValidationFailed) as refused:
        approve_selected(actor=queue.moderator, selection=Selection(offers=read(bbl, queue.other)))

    assert "BBL monteur" in refused.value.errors["selected"]
    assert statuses(queue) == UNTOUCHED


@pytest.mark.parametrize("selection", [
    lambda q: Selection(companies=(q.far.id,)),
    lambda q: Selection(companies=(q.newcomer.id, q.far.id)),
    lambda q: Selection(offers=((987654, 1),)),
])
def test_another_regions_or_unknown_items_are_not_found(queue, selection):
    with pytest.raises(NotFound):
        approve_selected(actor=queue.moderator, selection=selection(queue))

    assert statuses(queue) == UNTOUCHED
    assert queue.far.status == "pending"


def test_a_draft_is_not_found(make, queue):
    draft = make.offer(make.company(place="Goes"), status="draft")

    with pytest.raises(NotFound):
        approve_selected(actor=queue.moderator, selection=Selection(offers=read(draft)))

    assert db.session.get(Offer, draft.id).status == "draft"


def test_nothing_ticked_or_a_long_note_is_refused(queue):
    with pytest.raises(ValidationFailed) as empty:
        approve_selected(actor=queue.moderator, selection=Selection())
    with pytest.raises(ValidationFailed) as long:
        approve_selected(actor=queue.moderator, note="x" * (NOTE_MAX + 1),
                         selection=Selection(offers=read(queue.other)))

    assert set(empty.value.errors) == {"selected"}
    assert set(long.value.errors) == {"note"}
    assert statuses(queue) == UNTOUCHED


def test_items_no_longer_as_read_are_left_and_named(make, queue):
    """The company changed one offer after the page was read, a colleague rejected another,
    and a colleague rejected the company: the rest is approved, those are named."""
    seen = read(queue.first, queue.other, queue.changed)
    colleague = make.moderator(make.technocentrum(provinces=("NL-ZE",), name="TC Zeeland 2"))
    make.revise(queue.other, title="Gastles lassen en solderen")
    moderation.reject_company(actor=colleague, company=queue.newcomer, reason="Geen KvK.")
    moderation.reject_offer(actor=colleague, offer=queue.changed, reason="Te vaag.")
    mark = last_id()

    outcome = approve_selected(actor=queue.moderator, selection=Selection(
        companies=(queue.newcomer.id,), offers=seen))

    assert outcome.count == 0
    assert [(subject.id, why) for subject, why in outcome.missed] == [
        (queue.newcomer.id, "een collega heeft er eerder over besloten"),
        (queue.first.id, "het bedrijf is niet goedgekeurd"),
        (queue.other.id, "het bedrijf heeft het veranderd nadat u het las"),
        (queue.changed.id, "een collega heeft er eerder over besloten")]
    db.session.expire_all()
    assert (queue.newcomer.status, queue.first.status, queue.other.status) == (
        "rejected", "pending", "pending")
    assert mails_since(mark) == []


def test_a_company_approved_alone_keeps_its_offers_waiting_under_nobody(queue):
    outcome = approve_selected(actor=queue.moderator,
                               selection=Selection(companies=(queue.newcomer.id,)))

    assert [c.name for c in outcome.companies] == ["Scheldewerf"]
    companies, offers = moderation.moderation_queue(actor=queue.moderator)
    assert companies == []
    assert [item.subject.title for item in offers][:2] == [queue.first.title,
                                                           queue.second.title]


def test_one_audit_event_per_item(queue):
    before = db.session.scalar(select(func.count(AuditEvent.id)))

    approve_selected(actor=queue.moderator, selection=Selection(offers=read(queue.other)))

    assert db.session.scalar(select(func.count(AuditEvent.id))) == before + 1
