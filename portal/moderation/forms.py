from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from portal import forms as portal_forms
from portal.forms import PortalForm, choices
from portal.i18n import lazy_gettext as _l
from portal.moderation.bulk import Selection
from portal.moderation.services import CHANGES, COMPANIES, NEW_OFFERS, REPORTS
from portal.numbers import whole_number
from portal.taxonomy.offer_types import OFFER_TYPES

APPROVE = "approve"
REJECT = "reject"


class DecisionForm(PortalForm):
    decision = RadioField(_l("Decision"), choices=choices([(APPROVE, _l("Approve")),
                                                           (REJECT, _l("Reject"))]),
                          validators=[DataRequired(_l("Choose approve or reject."))])
    reason = TextAreaField(_l("Reason (required when rejecting; the company reads it)"),
                           validators=[Optional(), Length(max=2000)])
    # The version of the offer the moderator read: a decision on an older one is refused.
    seen = HiddenField()

    def seen_number(self):
        """The version sent, or None for anything that is not one (a number past the database's
        integers would fail in the query instead of "changed meanwhile")."""
        return whole_number(self.seen.data)


def _printable(value):
    """A hidden field's value without control characters: nobody types into it, and a NUL
    would reach the database (PostgreSQL refuses it in text: a 500 instead of "changed")."""
    return "".join(char for char in value if char.isprintable()) if value else value


class QueueFilterForm(PortalForm):
    """What the moderation queue shows (a GET form: the address keeps it)."""

    class Meta:
        csrf = False  # a filter changes nothing

    kind = portal_forms.SelectField(
        _l("Show"), default="", validators=[Optional()],
        choices=choices([(COMPANIES, _l("Companies")), (NEW_OFFERS, _l("New offers")),
                         (CHANGES, _l("Changes to published offers")),
                         (REPORTS, _l("Reports"))],
                        blank=_l("Everything")))
    offer_type = portal_forms.SelectField(_l("Type"), default="", validators=[Optional()],
                                          choices=choices(OFFER_TYPES.items(),
                                                          blank=_l("All types")))
    place = portal_forms.SearchField(_l("Place"), validators=[Optional(), Length(max=80)],
                                     description=_l("The start of its name, e.g. Vlis."))


class BulkApproveForm(PortalForm):
    """The queue's ticked items, approved together with one note. `company` holds company
    ids, `offer` "offer id:version read"; the button `together` (a company id) approves that
    company with the offers listed under it, whose "company id:offer id:version read" come in
    `with`. Values are read by `selection()`, which refuses anything malformed."""

    note = TextAreaField(_l("Note to the companies (optional)"),
                         validators=[Optional(), Length(max=2000)],
                         description=_l("Sent with the message each company receives."))

    def selection(self, values):
        """The Selection asked for by the posted lists (a MultiDict), or None if malformed."""
        together = values.get("together")
        if together:
            company = whole_number(together)
            offers = [_numbers(item, 3) for item in values.getlist("with")]
            if company is None or None in offers:
                return None
            return Selection(companies=(company,), offers=tuple(
                (offer, seen) for owner, offer, seen in offers if owner == company))
        companies = [whole_number(item) for item in values.getlist("company")]
        offers = [_numbers(item, 2) for item in values.getlist("offer")]
        if None in companies or None in offers:
            return None
        return Selection(companies=tuple(companies), offers=tuple(offers))


def _numbers(item, count):
    """`count` whole numbers written "1:2:3", or None."""
    numbers = [whole_number(part) for part in item.split(":")]
    return tuple(numbers) if len(numbers) == count and None not in numbers else None


class VerifyForm(PortalForm):
    """The SBB leerbedrijf-ID the moderator looked up, so a number changed meanwhile fails."""

    seen = HiddenField(filters=[_printable])


class HolidayForm(PortalForm):
    region = SelectField(_l("Holiday region"), validators=[
        DataRequired(_l("Choose a holiday region."))])
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter a name.")),
                                               Length(max=80)],
                       description=_l("For example Kerstvakantie."))
    starts_on = DateField(_l("First day"), validators=[InputRequired(_l("Enter the first day."))])
    ends_on = DateField(_l("Last day"), validators=[InputRequired(_l("Enter the last day."))])


class HolidayImportForm(PortalForm):
    file = FileField(_l("CSV file"), validators=[FileRequired(_l("Choose a CSV file."))],
                     description=_l("Columns region, name, starts_on, ends_on; dates as "
                                   "2027-04-24; region noord, midden, zuid or vlaanderen."))


class ReportForm(PortalForm):
    reason = TextAreaField(
        _l("What is wrong?"),
        validators=[DataRequired(_l("Say what is wrong, so the Technocentrum can look into it.")),
                    Length(max=2000)],
        description=_l("Only the Technocentrum of the company's region reads this, with your "
                       "name and e-mail address, so it can ask you more."))


DISMISS = "dismiss"
SUSPEND = "suspend"


class ReportDecisionForm(PortalForm):
    decision = RadioField(_l("Decision"), choices=choices([
        (DISMISS, _l("Dismiss: nothing to do")),
        (SUSPEND, _l("Suspend the company: hide its offers"))]),
        validators=[DataRequired(_l("Choose dismiss or suspend."))])
    note = TextAreaField(_l("Note (required to suspend: the company reads it)"),
                         validators=[Optional(), Length(max=2000)])


class SuspendForm(PortalForm):
    reason = TextAreaField(_l("Reason (the company reads it)"), validators=[
        DataRequired(_l("Give a reason; the company will read it.")), Length(max=2000)])
