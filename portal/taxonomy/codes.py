"""Codes of the offer types and location modes, free of Flask so pure rules can use them."""
GUEST_LESSON = "guest_lesson"
COMPANY_VISIT = "company_visit"
TASTER_DAY = "taster_day"
INTERNSHIP = "internship"
APPRENTICESHIP = "apprenticeship"
TEACHER_PLACEMENT = "teacher_placement"
ASSIGNMENT = "assignment"
OFFER_TYPE_CODES = (GUEST_LESSON, COMPANY_VISIT, TASTER_DAY, INTERNSHIP, APPRENTICESHIP,
                    TEACHER_PLACEMENT, ASSIGNMENT)

AT_COMPANY = "company"
AT_SCHOOL = "school"
ONLINE = "online"
LOCATION_MODE_CODES = (AT_COMPANY, AT_SCHOOL, ONLINE)

# School holiday regions: the three Dutch regions of the Rijksoverheid and Flanders.
NOORD, MIDDEN, ZUID, VLAANDEREN = "noord", "midden", "zuid", "vlaanderen"
HOLIDAY_REGIONS = (NOORD, MIDDEN, ZUID, VLAANDEREN)
# The region of most schools of each province. Some municipalities differ (Zeewolde is midden,
# Hattem noord, Nijmegen and the Betuwe zuid): a company picks another region for its series.
# Dutch-speaking schools in Brussels follow the Flemish calendar; Wallonia's French-speaking
# schools have their own, which the portal does not hold, so no default there.
HOLIDAY_REGION_OF_PROVINCE = {
    "NL-GR": NOORD, "NL-FR": NOORD, "NL-DR": NOORD, "NL-OV": NOORD, "NL-FL": NOORD,
    "NL-NH": NOORD, "NL-UT": MIDDEN, "NL-ZH": MIDDEN, "NL-GE": MIDDEN, "NL-ZE": ZUID,
    "NL-NB": ZUID, "NL-LI": ZUID, "BE-VLG": VLAANDEREN, "BE-BRU": VLAANDEREN,
}
