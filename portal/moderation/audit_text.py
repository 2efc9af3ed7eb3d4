"""The audit log in sentences, in the reader's language, with links to what the reader can open.

Each event's code ("booking.accepted") stays in the database for machines; people read
"Sanne de Wit accepted the request of Scheldemond College for Rondleiding"."""
from flask import url_for
from markupsafe import Markup, escape

from portal.i18n import gettext as _
from portal.offers.models import DRAFT


def _link(text, endpoint, **values):
    return Markup('<a href="{}" lang="nl">{}</a>').format(url_for(endpoint, **values), text)


def _name(row):
    """A subject as the reader recognises it, linked where the administrator can open it."""
    table = getattr(row, "__tablename__", None)
    if table == "organisations":
        if row.kind == "company":
            return _link(row.name, "moderation.company", company_id=row.id)
        if row.kind == "technocentrum":
            return _link(row.name, "administration.centre", centre_id=row.id)
        return Markup('<span lang="nl">{}</span>').format(row.name)
    if table == "offers":
        if row.status == DRAFT:  # a draft is its company's own until submitted
            return Markup('<span lang="nl">“{}”</span>').format(row.title)
        return _link(Markup("“{}”").format(row.title), "moderation.offer", offer_id=row.id)
    if table == "users":
        return escape(row.full_name)
    return escape(str(row))


def _sentences():
    """{action: (sentence with %(actor)s and %(subject)s, ...)}; booking sentences also name
    the school and the offer."""
    return {
        "user.registered": _("%(actor)s created an account"),
        "user.registration_repeated": _("Someone tried to create a second account with the "
                                        "address of %(subject)s"),
        "user.logged_in": _("%(actor)s signed in"),
        "user.sessions_ended": _("%(actor)s signed out on every device"),
        "user.created": _("%(actor)s created the account of %(subject)s"),
        "user.password_reset_requested": _(
            "Someone asked for a link to reset the password of %(subject)s"),
        "user.password_reset": _("%(actor)s chose a new password with a link sent by e-mail"),
        "user.password_changed": _("%(actor)s changed their password"),
        "user.email_confirmed": _("%(actor)s confirmed their e-mail address"),
        "user.email_change_requested": _("%(actor)s asked to change their e-mail address"),
        "user.email_changed": _(
            "%(actor)s changed their e-mail address, confirmed with a link sent to it"),
        "user.calendar_feed_renewed": _(
            "%(actor)s made a new address for their calendar feed"),
        "user.calendar_feed_revoked": _("%(actor)s stopped their calendar feed"),
        "user.data_exported": _("%(actor)s downloaded their data"),
        "user.deleted": _("%(actor)s deleted their account"),
        "company.registered": _("%(actor)s registered the company %(subject)s"),
        "company.approved": _("%(actor)s approved the company %(subject)s"),
        "company.rejected": _("%(actor)s rejected the company %(subject)s"),
        "company.updated": _("%(actor)s changed the profile of the company %(subject)s"),
        "company.resubmitted": _(
            "%(actor)s submitted the company %(subject)s for checking again"),
        "company.logo_changed": _("%(actor)s changed the logo of the company %(subject)s"),
        "company.logo_removed": _("%(actor)s removed the logo of the company %(subject)s"),
        "company.location_added": _("%(actor)s added a location to the company %(subject)s"),
        "company.location_changed": _("%(actor)s changed a location of the company %(subject)s"),
        "company.location_removed": _("%(actor)s removed a location of the company %(subject)s"),
        "school.registered": _("%(actor)s registered the school %(subject)s"),
        "school.updated": _("%(actor)s changed the profile of the school %(subject)s"),
        "technocentrum.created": _("%(actor)s set up the Technocentrum %(subject)s"),
        "technocentrum.changed": _("%(actor)s changed the name or region of %(subject)s"),
        "moderator.invited": _("%(actor)s invited %(email)s to moderate for %(subject)s"),
        "moderator.invitation_revoked": _(
            "%(actor)s revoked an invitation to moderate for %(subject)s"),
        "moderator.joined": _("%(actor)s made a moderator's account for %(subject)s by "
                              "invitation"),
        "moderator.revoked": _("%(actor)s revoked %(user)s as moderator of %(subject)s"),
        "matching.weights_changed": _("%(actor)s changed the search weights of the "
                                      "Technocentrum %(subject)s"),
        "matching.weights_reset": _("%(actor)s put the search weights of the Technocentrum "
                                    "%(subject)s back to the defaults"),
        "membership.added": _("%(actor)s added %(user)s to %(subject)s"),
        "membership.invited": _("%(actor)s invited a colleague to the team of %(subject)s"),
        "membership.invitation_revoked": _(
            "%(actor)s revoked an invitation to the team of %(subject)s"),
        "membership.joined": _("%(actor)s joined the team of %(subject)s by invitation"),
        "membership.removed": _("%(actor)s removed %(user)s from the team of %(subject)s"),
        "membership.left": _("%(actor)s left the team of %(subject)s"),
        "membership.owner_changed": _(
            "%(actor)s handed the ownership of %(subject)s over to %(user)s"),
        "membership.join_requested": _("%(actor)s asked to join %(subject)s"),
        "membership.join_withdrawn": _("%(actor)s withdrew their request to join %(subject)s"),
        "membership.join_approved": _("%(actor)s let %(user)s join %(subject)s"),
        "membership.join_declined": _("%(actor)s declined the request of %(user)s to join "
                                      "%(subject)s"),
        "offer.created": _("%(actor)s created the offer %(subject)s"),
        "offer.updated": _("%(actor)s changed the offer %(subject)s"),
        "offer.submitted": _("%(actor)s submitted the offer %(subject)s for checking"),
        "offer.published": _("%(actor)s approved and published the offer %(subject)s"),
        "offer.rejected": _("%(actor)s rejected the offer %(subject)s"),
        "offer.duplicated": _("%(actor)s started the offer %(subject)s as a copy"),
        "offer.revision_proposed": _("%(actor)s proposed a change to the offer %(subject)s"),
        "offer.revision_approved": _("%(actor)s approved a change to the offer %(subject)s"),
        "offer.revision_rejected": _("%(actor)s rejected a change to the offer %(subject)s"),
        "offer.paused": _("%(actor)s paused the offer %(subject)s"),
        "offer.resumed": _("%(actor)s resumed the offer %(subject)s"),
        "offer.withdrawn": _("%(actor)s withdrew the offer %(subject)s"),
        "offer.archived": _("%(actor)s archived the offer %(subject)s after its last date"),
        "slot.added": _("%(actor)s added a date to the offer %(subject)s"),
        "slot.series_added": _("%(actor)s added a weekly series of dates to the offer "
                               "%(subject)s"),
        "slot.changed": _("%(actor)s changed the room of a date of the offer %(subject)s"),
        "slot.removed": _("%(actor)s removed a date of the offer %(subject)s"),
        "company.sbb_stated": _("%(actor)s stated the SBB leerbedrijf-ID of the company "
                                "%(subject)s"),
        "company.sbb_verified": _("%(actor)s verified the company %(subject)s as an accredited "
                                  "training company"),
        "holiday.added": _("%(actor)s added a school holiday"),
        "holiday.removed": _("%(actor)s removed a school holiday"),
        "holiday.imported": _("%(actor)s imported school holidays"),
        "sector.added": _("%(actor)s added the sector %(name)s"),
        "sector.changed": _("%(actor)s changed the sector %(name)s"),
        "sector.removed": _("%(actor)s removed the sector %(name)s"),
        "topsector.changed": _("%(actor)s changed the topsector %(name)s"),
        "level.added": _("%(actor)s added the education level %(name)s"),
        "level.changed": _("%(actor)s changed the education level %(name)s"),
        "level.moved": _("%(actor)s moved the education level %(name)s in the lists"),
        "level.removed": _("%(actor)s removed the education level %(name)s"),
        "qualification.added": _("%(actor)s added the qualification %(name)s"),
        "qualification.changed": _("%(actor)s changed the qualification %(name)s"),
        "qualification.removed": _("%(actor)s removed the qualification %(name)s"),
        "booking.requested": _("%(actor)s requested %(offer)s for %(school)s"),
        "booking.accepted": _("%(actor)s accepted the request of %(school)s for %(offer)s"),
        "booking.declined": _("%(actor)s declined the request of %(school)s for %(offer)s"),
        "booking.withdrawn": _("%(actor)s withdrew the request of %(school)s for %(offer)s"),
        "booking.cancelled": _("%(actor)s cancelled the request of %(school)s for %(offer)s"),
        "booking.counter_proposed": _("%(actor)s proposed a change to the request of "
                                      "%(school)s for %(offer)s"),
        "booking.counter_accepted": _("%(actor)s accepted the proposed change to the request "
                                      "of %(school)s for %(offer)s"),
        "booking.counter_declined": _("%(actor)s declined the proposed change to the request "
                                      "of %(school)s for %(offer)s"),
        "booking.message_posted": _("%(actor)s wrote a message on the request of %(school)s "
                                    "for %(offer)s"),
        "booking.outcome_reported": _("%(actor)s said whether the activity of %(school)s for "
                                      "%(offer)s took place"),
        "booking.evaluated": _("%(actor)s evaluated the activity of %(school)s for %(offer)s"),
        "waitlist.joined": _("%(actor)s put their school on the waiting list of a date of "
                             "%(subject)s"),
        "waitlist.offered": _("%(actor)s offered room that came free on a date of %(subject)s "
                              "to the next school on its waiting list"),
        "waitlist.booked": _("%(actor)s took room from the waiting list: the request of "
                             "%(school)s for %(offer)s, accepted at once"),
        "waitlist.declined": _("%(actor)s declined room offered from the waiting list of a "
                               "date of %(subject)s"),
        "waitlist.expired": _("%(actor)s let an unanswered offer of room from the waiting list "
                              "of a date of %(subject)s lapse"),
        "waitlist.left": _("%(actor)s took their school off the waiting list of a date of "
                           "%(subject)s"),
        "waitlist.closed": _("%(actor)s closed places on the waiting lists of %(subject)s"),
        "mail.retried": _("%(actor)s put an undeliverable e-mail back in the queue"),
        "bus.booked": _("%(actor)s booked the Techniekbus for the activity of %(school)s for "
                        "%(offer)s"),
        "bus.changed": _("%(actor)s changed the Techniekbus ride of %(school)s for %(offer)s"),
        "bus.cancelled": _("%(actor)s cancelled the Techniekbus ride of %(school)s for "
                           "%(offer)s"),
        "bus.added": _("%(actor)s added a bus to the Techniekbus of %(subject)s"),
        "bus.changed_bus": _("%(actor)s changed a bus of %(subject)s"),
        "bus.block_added": _("%(actor)s added a period a bus of %(subject)s does not run"),
        "bus.block_removed": _("%(actor)s removed a period a bus of %(subject)s does not run"),
        "bus.rules_changed": _("%(actor)s changed the Techniekbus rules of %(subject)s"),
        "partnership.asked": _("%(actor)s asked for a partnership of %(subject)s and a school"),
        "partnership.accepted": _("%(actor)s accepted a partnership of %(subject)s and a "
                                  "school"),
        "partnership.declined": _("%(actor)s declined a partnership of %(subject)s and a "
                                  "school"),
        "partnership.withdrawn": _("%(actor)s withdrew the question for a partnership of "
                                   "%(subject)s and a school"),
        "partnership.ended": _("%(actor)s ended a partnership of %(subject)s and a school"),
        "offer.reported": _("%(actor)s reported the offer %(subject)s"),
        "company.reported": _("%(actor)s reported the company %(subject)s"),
        "report.dismissed": _("%(actor)s dismissed a report about %(subject)s"),
        "company.suspended": _("%(actor)s suspended the company %(subject)s"),
        "company.reinstated": _("%(actor)s lifted the suspension of the company %(subject)s"),
    }


def describe_event(event, subjects):
    """One sentence for an audit event, with the reason given if any; `subjects` comes from
    audit_log.subjects_of."""
    details = event.details or {}
    removed = _("(removed)")
    subject = subjects.get((event.subject_type, event.subject_id))
    user = subjects.get(("users", details.get("user_id")))
    values = {
        "actor": escape(event.actor.full_name) if event.actor else _("The system"),
        "subject": _name(subject) if subject else removed,
        "offer": _name(subject.offer) if event.subject_type == "bookings" and subject else removed,
        "school": _name(subject.school) if event.subject_type == "bookings" and subject
        else removed,
        "user": _name(user) if user else removed,
        "action": event.action,
        # reference data (a sector, a level...): named as it was then, in its details
        "name": Markup('<span lang="nl">{}</span>').format(details.get("name", "")),
        "email": escape(details.get("email", "")),
    }
    sentence = _sentences().get(event.action, _("%(actor)s: %(action)s on %(subject)s"))
    # The translation is ours and trusted; every value is escaped or built as markup above.
    text = Markup(sentence) % values
    if details.get("reason"):
        text += Markup(': <q lang="nl">{}</q>').format(details["reason"])
    return text
