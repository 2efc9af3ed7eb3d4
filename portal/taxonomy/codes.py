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
