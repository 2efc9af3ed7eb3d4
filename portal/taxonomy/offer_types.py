"""Labels of the seven offer types and the location modes, for the interface."""
from flask_babel import lazy_gettext as _l

from portal.taxonomy import codes

OFFER_TYPES = {
    codes.GUEST_LESSON: _l("Guest lesson"),
    codes.COMPANY_VISIT: _l("Company visit"),
    codes.TASTER_DAY: _l("Taster day"),
    codes.INTERNSHIP: _l("Internship (BOL)"),
    codes.APPRENTICESHIP: _l("BBL learning place"),
    codes.TEACHER_PLACEMENT: _l("Teacher placement"),
    codes.ASSIGNMENT: _l("Real-life assignment"),
}

LOCATION_MODES = {
    codes.AT_COMPANY: _l("At the company"),
    codes.AT_SCHOOL: _l("At the school"),
    codes.ONLINE: _l("Online"),
}


def offer_type_label(code):
    return OFFER_TYPES.get(code, code)


def location_mode_label(code):
    return LOCATION_MODES.get(code, code)
