"""Forms of the team pages: inviting, handing over, and the buttons of the team page."""
from wtforms import EmailField, SelectField, StringField
from wtforms.validators import AnyOf, DataRequired, Email, InputRequired, Length

from portal.forms import PortalForm, choices
from portal.i18n import lazy_gettext as _l
from portal.numbers import IntegerField

REMOVE, REVOKE, APPROVE, DECLINE = "remove", "revoke", "approve", "decline"
ASK, WITHDRAW = "ask", "withdraw"


class InviteForm(PortalForm):
    email = EmailField(_l("Your colleague's e-mail address"), validators=[
        DataRequired(_l("Enter your colleague's e-mail address.")),
        Email(_l("Enter a valid e-mail address."), check_deliverability=False),
        Length(max=254)],
        description=_l("Your colleague accepts the invitation with an account on this "
                       "address."))


class HandOverForm(PortalForm):
    membership = SelectField(_l("New owner"), coerce=lambda v: int(v) if v else None,
                             validators=[DataRequired(_l("Choose a colleague."))])

    def set_members(self, memberships):
        """The colleagues who may take over, after an empty first choice."""
        self.membership.choices = choices(((m.id, m.user.full_name) for m in memberships),
                                          blank=_l("Choose a colleague"))


class TeamActionForm(PortalForm):
    """One button on the team page, with the member, invitation or request it acts on.

    `action` is sent by the pressed button; no page offers any other value, so a wrong one is
    a bad request, not a mistake to explain."""

    action = StringField(validators=[InputRequired(), AnyOf((REMOVE, REVOKE, APPROVE, DECLINE))])
    target = IntegerField(validators=[InputRequired()])


class ConfirmForm(PortalForm):
    """A button that only confirms (leaving the team, accepting an invitation)."""


class JoinForm(PortalForm):
    """Asking to join a school, or withdrawing that request."""

    action = StringField(validators=[InputRequired(), AnyOf((ASK, WITHDRAW))])
