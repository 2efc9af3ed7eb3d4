"""Interface labels for the status codes stored in the database."""
from portal.i18n import lazy_gettext as _l

STATUS_LABELS = {
    "draft": _l("Draft"),
    "pending": _l("Being checked"),
    "approved": _l("Approved"),
    "published": _l("Published"),
    "rejected": _l("Rejected"),
    "withdrawn": _l("Withdrawn"),
    "paused": _l("Paused"),
    "archived": _l("Archived"),
    "requested": _l("Requested"),
    "accepted": _l("Accepted"),
    "declined": _l("Declined"),
    "cancelled": _l("Cancelled"),
    "counter_proposed": _l("Counter-proposal"),
    "completed": _l("Took place"),
    "no_show": _l("Did not take place"),
    "suspended": _l("Suspended"),
}

# What became of a report (portal/moderation/models.py).
REPORT_STATUS_LABELS = {"open": _l("Open"), "dismissed": _l("Dismissed: nothing to do"),
                        "upheld": _l("Company suspended")}


def report_status_label(code):
    return REPORT_STATUS_LABELS.get(code, code)


# Bootstrap colour of each status badge.
STATUS_STYLES = {
    "draft": "secondary", "pending": "warning", "approved": "success", "published": "success",
    "rejected": "danger", "withdrawn": "secondary", "requested": "warning",
    "accepted": "success", "declined": "danger", "cancelled": "secondary",
    "paused": "warning", "archived": "secondary",
    "counter_proposed": "info", "completed": "success", "no_show": "secondary",
    "suspended": "danger",
}

SCHOOL_STAGES = {"po": _l("Primary school (PO)"), "vo": _l("Secondary school (VO)"),
                 "mbo": _l("Vocational school (MBO)")}

def status_label(code):
    """What people read for a status code; the code itself only for one nobody labelled (a
    test checks every status of offers, companies and requests has a label)."""
    return STATUS_LABELS.get(code, code)


def status_style(code):
    return STATUS_STYLES.get(code, "secondary")
