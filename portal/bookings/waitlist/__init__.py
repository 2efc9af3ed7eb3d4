"""Waiting lists of full dates: joining, leaving, and taking room that came free.

A school joins the line of a date that has no room for its group. When room comes free (an
accepted request cancelled, an offer of room declined or lapsed), it is offered down the line:
held on the date for the school for 48 hours (never past the date's start) and sent as a link
with which the school takes it, becoming an accepted request at once, or declines it.

Who is offered: the line keeps the order of joining. Free room goes to the first school in line
whose group (plus its accompanying teachers, where the offer counts them) fits in it. A bigger
group before it that does not fit keeps its place at the front and is offered the next room
that is big enough; room left over goes further down the line the same way. So room never
stands empty while a big group waits for more of it, and nobody loses their place.

`services` holds the use cases, `lines` the steps they share and what the pages read; both are
reached through this package (`from portal.bookings import waitlist`).
"""
from portal.bookings.waitlist.lines import (  # noqa: F401
    ACTIVE,
    active_entry,
    can_join_again,
    entries_of_school,
    entry_for_token,
    get_entry_for,
    get_slot,
    link_state,
    position,
    room_needed,
    slot_start,
    token_hash,
    waiting_counts,
)
from portal.bookings.waitlist.services import (  # noqa: F401
    OFFER_HOURS,
    close_waitlist_for_offer,
    decline_offered_room,
    expire_offers,
    join_waitlist,
    leave_waitlist,
    offer_freed_room,
    take_offered_room,
)
