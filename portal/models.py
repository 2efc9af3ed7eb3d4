"""Every model of every feature, imported in one place for Alembic and the mappers."""
from portal.accounts.models import AccountToken, User
from portal.audit import AuditEvent
from portal.bookings.bus.models import Bus, BusBlock, BusRide, BusRules
from portal.bookings.models import Booking, BookingMessage, Evaluation, WaitlistEntry
from portal.geo.models import Landsdeel, Place, PlaceAlias, Province
from portal.matching.changes import search_changes
from portal.matching.empty_searches import EmptySearch
from portal.matching.index import offer_words, search_words
from portal.matching.models import MatchingWeights
from portal.moderation.models import Report
from portal.notifications.models import OutboxMessage
from portal.offers.models import Offer, OfferRevision, Slot
from portal.organisations.models import (
    Company,
    Location,
    Membership,
    Organisation,
    School,
    Technocentrum,
)
from portal.organisations.partner_models import Partnership
from portal.organisations.team_models import Invitation, JoinRequest
from portal.taxonomy.models import EducationLevel, Sector
from portal.taxonomy.version import taxonomy_version

__all__ = [
    "AccountToken", "AuditEvent", "Booking", "BookingMessage", "Bus", "BusBlock", "BusRide",
    "BusRules", "EmptySearch", "Evaluation", "OutboxMessage",
    "WaitlistEntry", "Company", "EducationLevel", "Invitation", "JoinRequest",
    "Landsdeel", "Location", "offer_words", "search_words", "search_changes", "Membership", "Offer",
    "MatchingWeights", "OfferRevision", "Report", "Slot",
    "Organisation", "Partnership", "Place", "PlaceAlias", "Province", "School", "Sector",
    "Technocentrum", "User",
    "taxonomy_version",
]
