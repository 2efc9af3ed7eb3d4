"""The administrator keeps the Technocentra (name, provinces, places besides) and their
moderators (invited by e-mail, revoked), and sees where no Technocentrum works."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal import security
from portal.accounts.models import User
from portal.accounts.services import authenticate, load_user
from portal.administration import centres, moderators
from portal.audit import AuditEvent
from portal.db import utcnow
from portal.errors import NotAllowed, NotFound, ValidationFailed
from portal.extensions import db
from portal.geo.models import Province
from portal.matching.weights import DEFAULT_WEIGHTS, save_weights, weights_for_school
from portal.moderation.figures import Period, headline
from portal.moderation.services import can_moderate, moderation_queue
from portal.organisations.centres import save_centre
from portal.organisations.models import Membership, Technocentrum
from portal.organisations.regions import Region, centres_covering
from portal.organisations.team_models import Invitation
from tests import factories
from tests.outbox import last_id, link_in, mails_since
from tests.services.test_matching_weights import TUNED

PASSWORD = "vijf losse woorden erbij"


def province_ids(*codes):
    return [p.id for p in db.session.scalars(select(Province).where(Province.code.in_(codes)))]


def events(action):
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


# --- Technocentra and where they work ---------------------------------------------------------


def test_the_administrator_sets_up_a_centre_with_provinces_and_a_place_besides(make):
    admin = factories.admin()

    centre = save_centre(actor=admin, name="Techniek Rivierenland",
                                 province_ids=province_ids("NL-GE"),
                                 places_text="Gorinchem\n\n  Gorinchem \n")

    assert [p.code for p in centre.provinces] == ["NL-GE"]
    assert [p.name for p in centre.places] == ["Gorinchem"]
    [event] = events("technocentrum.created")
    assert event.details["places"] == [centre.places[0].label]


def test_a_place_besides_puts_its_companies_in_that_centres_region(make):
    admin = factories.admin()
    zeeland = factories.technocentrum(("NL-ZE",))
    moderator = factories.moderator(zeeland)
    company = factories.company(place="Bergen op Zoom", approved=False)
    assert not can_moderate(moderator, company)

    save_centre(actor=admin, centre=zeeland, name=zeeland.name,
                        province_ids=province_ids("NL-ZE"), places_text="Bergen op Zoom")

    assert can_moderate(moderator, company)
    waiting, _offers = moderation_queue(actor=moderator)
    assert company in [w.subject for w in waiting]
    assert [c.id for c in centres_covering(company.place)] == [zeeland.id]
    [event] = events("technocentrum.changed")
    assert event.details["before"]["places"] == []
    assert event.details["after"]["places"] == [company.place.label]


def test_a_centre_naming_the_place_goes_before_one_covering_its_province(make):
    admin = factories.admin()
    brabant = factories.technocentrum(("NL-NB",), name="Brabant")
    zeeland = save_centre(actor=admin, name="Zeeland", province_ids=province_ids("NL-ZE"),
                                  places_text="Bergen op Zoom")
    school = factories.school(place="Bergen op Zoom")

    assert [c.id for c in centres_covering(school.place)] == [zeeland.id, brabant.id]
    # the school searches with the weights of the centre naming its place, even when the
    # centre of its province chose weights and this one did not
    save_weights(actor=admin, technocentrum=brabant, weights=TUNED)
    assert weights_for_school(school) == DEFAULT_WEIGHTS
    save_weights(actor=admin, technocentrum=zeeland, weights=TUNED)
    assert weights_for_school(school) == TUNED
    assert weights_for_school(factories.school(place="Breda")) == TUNED


def test_the_figures_of_a_region_count_its_places_besides(make):
    company = factories.company(place="Bergen op Zoom")
    held = factories.completed_booking(
        factories.offer(company), factories.owner_of(factories.school(place="Bergen op Zoom")))
    zeeland = tuple(province_ids("NL-ZE"))
    period = Period(held.wanted_on, held.wanted_on)

    assert headline(period, Region(zeeland)).activities == 0
    assert headline(period, Region(zeeland, (company.place_id,))).activities == 1


@pytest.mark.parametrize("fields, field, message", [
    ({"name": "  "}, "name", ""),
    ({"name": "x" * 161}, "name", "160"),
    ({"province_ids": [], "places_text": ""}, "provinces", ""),
    ({"places_text": "Nergenshuizen"}, "places", "Nergenshuizen"),
    ({"province_ids": [999999]}, "provinces", ""),
])
def test_bad_input_changes_nothing(make, fields, field, message):
    admin = factories.admin()
    centre = factories.technocentrum(("NL-ZE",), name="Zeeland")
    values = {"name": "Zeeland", "province_ids": province_ids("NL-ZE"), "places_text": "",
              **fields}

    with pytest.raises(ValidationFailed) as refused:
        save_centre(actor=admin, centre=centre, **values)

    assert set(refused.value.errors) == {field}
    assert message in refused.value.errors[field]
    db.session.expire_all()
    assert centre.name == "Zeeland" and [p.code for p in centre.provinces] == ["NL-ZE"]
    assert events("technocentrum.changed") == []


def test_two_centres_cannot_share_a_name(make):
    factories.technocentrum(("NL-ZE",), name="Techniek Zeeland")

    with pytest.raises(ValidationFailed) as refused:
        save_centre(actor=factories.admin(), name="techniek zeeland",
                            province_ids=province_ids("NL-UT"), places_text="")

    assert set(refused.value.errors) == {"name"}
    assert db.session.scalar(select(Technocentrum).where(
        Technocentrum.name == "techniek zeeland")) is None


@pytest.mark.parametrize("role", [security.MODERATOR, security.TEACHER, security.COMPANY_MEMBER])
def test_only_the_administrator_keeps_the_centres(make, role):
    person = factories.moderator() if role == security.MODERATOR else factories.user(role)
    centre = factories.technocentrum(("NL-ZE",), name="Zeeland")

    with pytest.raises(NotAllowed):
        save_centre(actor=person, centre=centre, name="Ander",
                            province_ids=province_ids("NL-ZE"), places_text="")
    with pytest.raises(NotAllowed):
        centres.coverage(actor=person)
    with pytest.raises(NotAllowed):
        moderators.invite_moderator(actor=person, centre=centre, email="nieuw@example.nl")
    assert centre.name == "Zeeland"


def test_coverage_names_the_places_with_companies_no_centre_covers(make):
    admin = factories.admin()
    zeeland = factories.technocentrum(("NL-ZE",))
    factories.moderator(zeeland)
    factories.company(place="Vlissingen", approved=False)
    breda = factories.company(place="Breda", approved=False)
    factories.school(place="Breda")
    factories.rejected_company(place="Tilburg")  # rejected: not waiting anywhere

    found = centres.coverage(actor=admin)

    assert [(row.place.name, row.companies, row.schools) for row in found.places] == [
        ("Breda", 1, 1)]
    assert found.places_total == 1
    assert "NL-NB" in [p.code for p in found.provinces]
    assert "NL-ZE" not in [p.code for p in found.provinces]

    save_centre(actor=admin, centre=zeeland, name=zeeland.name,
                        province_ids=province_ids("NL-ZE"), places_text=breda.place.label)
    assert centres.coverage(actor=admin).places == []


def test_a_centre_without_moderators_covers_nothing_yet(make):
    admin = factories.admin()
    factories.technocentrum(("NL-ZE",))
    factories.company(place="Vlissingen", approved=False)

    assert [row.place.name for row in centres.coverage(actor=admin).places] == ["Vlissingen"]


def test_a_place_one_centre_names_in_anothers_province_is_named(make):
    admin = factories.admin()
    brabant = factories.technocentrum(("NL-NB",), name="Brabant")
    zeeland = save_centre(actor=admin, name="Zeeland", province_ids=province_ids("NL-ZE"),
                          places_text="Bergen op Zoom")

    [(place, naming, others)] = centres.coverage(actor=admin).named

    assert (place.name, naming, [c.id for c in others]) == ("Bergen op Zoom", zeeland.name,
                                                            [brabant.id])


def test_two_centres_setting_up_the_same_name_through_the_demo_path_are_refused_too(make):
    factories.technocentrum(("NL-ZE",), name="Zeeland")

    with pytest.raises(ValidationFailed):
        factories.technocentrum(("NL-UT",), name="zeeland")


def test_shared_provinces_are_named(make):
    first = factories.technocentrum(("NL-ZE",), name="A")
    second = factories.technocentrum(("NL-ZE", "NL-UT"), name="B")

    shared = centres.coverage(actor=factories.admin()).shared

    assert [(p.code, [c.id for c in cs]) for p, cs in shared] == [("NL-ZE", [first.id, second.id])]


# --- moderators ----------------------------------------------------------------------------------


def invite(centre, email="nieuwe.moderator@example.nl"):
    mark = last_id()
    invitation, token = moderators.invite_moderator(actor=factories.admin(), centre=centre,
                                                    email=email)
    return invitation, token, mails_since(mark)


def test_an_invited_moderator_makes_their_account_with_the_link(make):
    centre = factories.technocentrum(("NL-ZE",))
    invitation, token, [mail] = invite(centre, email="Nieuwe.Moderator@Example.nl ")

    assert mail.kind == "team.moderator_invitation"
    assert mail.to_address == "nieuwe.moderator@example.nl"
    assert link_in(mail, "/moderator-worden") == token
    assert moderators.invitation_state(actor=None, invitation=invitation) == "open"

    user = moderators.accept_invitation(actor=None, token=token, full_name="Mila Verhage",
                                        password=PASSWORD)

    assert user.role == security.MODERATOR and user.email_confirmed_at is not None
    assert [m.user_id for m in moderators.moderators_of(centre)] == [user.id]
    assert authenticate(email="nieuwe.moderator@example.nl", password=PASSWORD) == user
    assert moderators.invitation_state(actor=None, invitation=invitation) == "used"
    assert [e.details["invitation_id"] for e in events("moderator.joined")] == [invitation.id]
    with pytest.raises(ValidationFailed):  # the link works once
        moderators.accept_invitation(actor=None, token=token, full_name="X",
                                     password=PASSWORD)


def test_a_bad_password_or_name_makes_no_account(make):
    centre = factories.technocentrum(("NL-ZE",))
    invitation, token, _mails = invite(centre)

    with pytest.raises(ValidationFailed) as refused:
        moderators.accept_invitation(actor=None, token=token, full_name="", password="kort")

    assert set(refused.value.errors) == {"full_name", "password"}
    assert db.session.scalar(select(User).where(User.email == invitation.email)) is None
    assert moderators.invitation_state(actor=None, invitation=invitation) == "open"


@pytest.mark.parametrize("email", ["geen-adres", "docent@example.nl", "moderator@example.nl",
                                   "open@example.nl"])
def test_who_cannot_be_invited(make, email):
    centre = factories.technocentrum(("NL-ZE",))
    factories.user(security.TEACHER, email="docent@example.nl")
    moderator = factories.moderator(centre)
    moderator.email = "moderator@example.nl"
    db.session.commit()
    invite(centre, email="open@example.nl")
    mark = last_id()

    with pytest.raises(ValidationFailed) as refused:
        moderators.invite_moderator(actor=factories.admin(), centre=centre, email=email)

    assert set(refused.value.errors) == {"email"}
    assert mails_since(mark) == []
    assert len(events("moderator.invited")) == 1


def test_a_revoked_or_expired_link_makes_nothing(make):
    centre = factories.technocentrum(("NL-ZE",))
    revoked, revoked_token, _ = invite(centre, email="a@example.nl")
    moderators.revoke_invitation(actor=factories.admin(), invitation=revoked)
    expired, expired_token, _ = invite(centre, email="b@example.nl")
    expired.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()

    for token, state in ((revoked_token, "revoked"), (expired_token, "expired")):
        invitation = moderators.find_invitation(token)
        assert moderators.invitation_state(actor=None, invitation=invitation) == state
        with pytest.raises(ValidationFailed):
            moderators.accept_invitation(actor=None, token=token, full_name="Iemand",
                                         password=PASSWORD)
    assert db.session.scalar(select(User).where(User.email.in_(["a@example.nl",
                                                                "b@example.nl"]))) is None
    with pytest.raises(ValidationFailed):  # revoking twice
        moderators.revoke_invitation(actor=factories.admin(), invitation=revoked)


def test_a_team_invitation_link_does_not_open_the_moderator_page_nor_the_reverse(make):
    from portal.organisations import teams
    company = factories.company()
    team_invitation, team_token = teams.invite_member(
        actor=factories.owner_of(company), organisation=company, email="collega@example.nl")
    centre = factories.technocentrum(("NL-ZE",))
    _invitation, token, _ = invite(centre)

    with pytest.raises(NotFound):
        moderators.find_invitation(team_token)
    with pytest.raises(NotFound):
        teams.find_invitation(token)
    with pytest.raises(NotFound):  # nor revoked through the administrator's page
        moderators.get_moderator_invitation(team_invitation.id)


def test_revoking_a_moderator_switches_the_account_off_and_tells_them(make):
    centre = factories.technocentrum(("NL-ZE",))
    moderator = factories.moderator(centre)
    session_id = moderator.get_id()
    [membership] = moderators.moderators_of(centre)
    mark = last_id()

    moderators.revoke_moderator(actor=factories.admin(), centre=centre, membership=membership,
                                reason="Werkt niet meer bij het centrum.")

    db.session.expire_all()
    assert moderators.moderators_of(centre) == []
    assert not moderator.is_active
    assert load_user(session_id) is None
    [mail] = mails_since(mark)
    assert mail.kind == "account.moderator_revoked" and "Werkt niet meer" in mail.body_text
    [event] = events("moderator.revoked")
    assert event.details == {"user_id": moderator.id, "reason": "Werkt niet meer bij het centrum."}


def test_an_address_that_became_another_account_cannot_use_the_link(make):
    centre = factories.technocentrum(("NL-ZE",))
    invitation, token, _ = invite(centre, email="later.docent@example.nl")
    factories.user(security.TEACHER, email="later.docent@example.nl")

    assert moderators.invitation_state(actor=None, invitation=invitation) == "address_taken"
    with pytest.raises(ValidationFailed):
        moderators.accept_invitation(actor=None, token=token, full_name="Iemand",
                                     password=PASSWORD)
    assert moderators.invitation_state(actor=None, invitation=invitation) == "address_taken"
    assert db.session.get(User, invitation_user(invitation)).role == security.TEACHER


def invitation_user(invitation):
    return db.session.scalar(select(User.id).where(User.email == invitation.email))


def test_a_revoked_moderator_invited_again_gets_the_account_back(make):
    centre = factories.technocentrum(("NL-ZE",))
    moderator = factories.moderator(centre)
    moderator.calendar_token_hash = "0" * 64
    db.session.commit()
    [membership] = moderators.moderators_of(centre)
    moderators.revoke_moderator(actor=factories.admin(), centre=centre, membership=membership)
    other = factories.technocentrum(("NL-UT",))

    invitation, token, _ = invite(other, email=moderator.email)
    assert moderators.returning_account(invitation) == moderator
    user = moderators.accept_invitation(actor=None, token=token, full_name="Weer Terug",
                                        password=PASSWORD)

    assert user.id == moderator.id and user.is_active and user.full_name == "Weer Terug"
    assert user.calendar_token_hash is None  # the feed address of before stays dead
    assert db.session.scalar(select(Membership.organisation_id).where(
        Membership.user_id == user.id)) == other.id


def test_a_moderator_of_another_centre_cannot_be_taken_through_this_one(make):
    centre, other = factories.technocentrum(("NL-ZE",)), factories.technocentrum(("NL-UT",))
    factories.moderator(other)
    [membership] = moderators.moderators_of(other)
    company = factories.company()

    with pytest.raises(NotFound):  # a company's member is no moderator
        moderators.get_moderator(company.memberships[0].id)
    with pytest.raises(ValidationFailed):
        moderators.revoke_moderator(actor=factories.admin(), centre=centre,
                                    membership=membership)
    assert moderators.moderators_of(other) != []


def test_only_a_moderators_membership_is_revoked(make):
    centre = factories.technocentrum(("NL-ZE",))
    admin = factories.admin()
    db.session.add(Membership(user=admin, organisation=centre))  # never made by the pages
    db.session.commit()
    [membership] = moderators.moderators_of(centre)

    with pytest.raises(ValidationFailed):
        moderators.revoke_moderator(actor=admin, centre=centre, membership=membership)
    assert db.session.get(User, admin.id).is_active


def test_the_invitation_is_one_per_address_across_centres(make):
    first, second = factories.technocentrum(("NL-ZE",)), factories.technocentrum(("NL-UT",))
    invite(first, email="x@example.nl")

    with pytest.raises(ValidationFailed):
        moderators.invite_moderator(actor=factories.admin(), centre=second, email="x@example.nl")
    assert db.session.scalar(select(Invitation.organisation_id).where(
        Invitation.email == "x@example.nl")) == first.id
