"""Accredited training companies (erkend leerbedrijf): a company gives its SBB leerbedrijf-ID,
a moderator of its region checks it in SBB's register. Only a verified company offers BBL
places (offers/services.py)."""
from sqlalchemy import update

from portal import security
from portal.audit import record_event
from portal.db import utcnow
from portal.errors import ValidationFailed
from portal.extensions import db
from portal.i18n import gettext as _
from portal.organisations.models import Company
from portal.organisations.services import can_moderate, is_member
from portal.organisations.team_mail import tell_members


def clean_sbb_number(text):
    """SBB's leerbedrijf-ID: digits only, 6 to 12 of them; separators people type are dropped."""
    digits = "".join(ch for ch in (text or "") if ch not in " .-")
    if not (digits.isascii() and digits.isdigit() and 6 <= len(digits) <= 12):
        raise ValidationFailed({"sbb_number": _(
            "An SBB leerbedrijf-ID is a number of 6 to 12 digits; you find it in SBB's "
            "register of accredited training companies.")})
    return digits


def set_sbb_number(*, actor, company, number):
    """The company states its leerbedrijf-ID; a new number waits for a moderator's check."""
    security.require(security.has_role(actor, security.COMPANY_MEMBER)
                     and is_member(actor, company), "not a member of this company")
    digits = clean_sbb_number(number)
    if digits != company.sbb_number:
        company.sbb_number, company.sbb_verified_at = digits, None
        record_event(actor, "company.sbb_stated", company, sbb_number=digits)
        db.session.commit()
    return company


def verify_sbb_number(*, actor, company, seen):
    """A moderator confirms the number they looked up (`seen`); one conditional UPDATE, so a
    number changed meanwhile is not verified."""
    security.require(can_moderate(actor, company), "outside the moderator's region")
    result = db.session.execute(
        update(Company).where(Company.id == company.id, Company.sbb_number == seen,
                              Company.sbb_verified_at.is_(None))
        .values(sbb_verified_at=utcnow()).execution_options(synchronize_session=False))
    if not seen or result.rowcount != 1:
        db.session.rollback()
        raise ValidationFailed({"": _("This number has changed or was verified already; "
                                      "look at the company again.")})
    record_event(actor, "company.sbb_verified", company, sbb_number=seen)
    tell_members(company, "moderation.accreditation_confirmed", sbb_number=seen)
    db.session.commit()
    db.session.refresh(company)
    return company


def is_accredited(company):
    return company.sbb_number is not None and company.sbb_verified_at is not None
