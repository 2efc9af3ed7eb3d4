"""Pure rules on offers: which location modes fit which type."""
from portal.taxonomy.codes import (
    ASSIGNMENT,
    AT_COMPANY,
    AT_SCHOOL,
    GUEST_LESSON,
    LOCATION_MODE_CODES,
    OFFER_TYPE_CODES,
    ONLINE,
)

ALLOWED_LOCATION_MODES = {code: (AT_COMPANY,) for code in OFFER_TYPE_CODES}
ALLOWED_LOCATION_MODES[GUEST_LESSON] = (AT_SCHOOL, ONLINE)
ALLOWED_LOCATION_MODES[ASSIGNMENT] = LOCATION_MODE_CODES

MAX_CAPACITY = 500
MAX_GROUP_SIZE = 500


def location_mode_fits(offer_type, location_mode):
    return location_mode in ALLOWED_LOCATION_MODES.get(offer_type, ())


def period_is_valid(starts_on, ends_on):
    return starts_on is None or ends_on is None or starts_on <= ends_on
