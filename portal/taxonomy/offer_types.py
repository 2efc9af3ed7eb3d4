"""Labels of the seven offer types and the location modes, for the interface."""
from portal.i18n import lazy_gettext as _l
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

OFFER_TYPE_HELP = {
    codes.GUEST_LESSON: _l("A lesson at the school or online, often by a techniekambassadeur; "
                           "on dates you set, for a number of pupils."),
    codes.COMPANY_VISIT: _l("A class visits your company: group size, age, safety rules and "
                            "protective gear; on dates you set."),
    codes.TASTER_DAY: _l("One or a few days on which pupils join your work; pupils per day."),
    codes.INTERNSHIP: _l("A BOL internship for MBO students: qualification (crebo), period, "
                         "places and allowance."),
    codes.APPRENTICESHIP: _l("A BBL learning place with a contract: qualification (crebo), "
                             "level, hours per week and start date. Needs a verified "
                             "accredited training company (erkend leerbedrijf)."),
    codes.TEACHER_PLACEMENT: _l("A teacher spends days at your company to refresh their "
                                "knowledge: days and subjects."),
    codes.ASSIGNMENT: _l("A real problem of your company for a class or project group: what "
                         "they deliver and how long it takes."),
}

LOCATION_MODES = {
    codes.AT_COMPANY: _l("At the company"),
    codes.AT_SCHOOL: _l("At the school"),
    codes.ONLINE: _l("Online"),
}


def offer_type_label(code):
    return OFFER_TYPES.get(code, code)


def offer_type_help(code):
    return OFFER_TYPE_HELP.get(code, "")


def location_mode_label(code):
    return LOCATION_MODES.get(code, code)
