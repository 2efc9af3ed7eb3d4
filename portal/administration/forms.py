"""The administrator's forms: a Technocentrum and where it works, inviting and revoking its
moderators, and the invited person's new account."""
from wtforms import EmailField, PasswordField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from portal.accounts.forms import PASSWORD_RULE
from portal.forms import CheckboxListField, PortalForm
from portal.i18n import lazy_gettext as _l
from portal.passwords import PASSWORD_MIN_LENGTH


class CentreForm(PortalForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter a name.")),
                                               Length(max=160)])
    provinces = CheckboxListField(_l("Provinces it covers"), coerce=int, validate_choice=False)
    places = TextAreaField(
        _l("Places besides"), validators=[Optional(), Length(max=4000)],
        description=_l("One place per line, for a place outside those provinces that this "
                       "Technocentrum serves, such as a border town. Write \"Tielt (bij "
                       "Aarschot)\" where two places share a name."),
        render_kw={"rows": 4, "autocomplete": "off"})


class InviteModeratorForm(PortalForm):
    email = EmailField(_l("E-mail address"), validators=[
        DataRequired(_l("Enter an e-mail address.")),
        Email(_l("Enter a valid e-mail address."), check_deliverability=False),
        Length(max=254)],
        description=_l("The link works once, for 7 days. It makes an account of its own for "
                       "the moderator."))


class RevokeModeratorForm(PortalForm):
    reason = TextAreaField(_l("Reason (optional, sent to the moderator)"),
                           validators=[Optional(), Length(max=2000)], render_kw={"rows": 2})


class JoinAsModeratorForm(PortalForm):
    full_name = StringField(_l("Your name"), validators=[DataRequired(_l("Enter your name.")),
                                                         Length(max=120)],
                            render_kw={"autocomplete": "name"})
    password = PasswordField(_l("Password"), description=PASSWORD_RULE, validators=[
        DataRequired(_l("Choose a password.")),
        Length(min=PASSWORD_MIN_LENGTH, max=200,
               message=_l("Use at least %(n)d characters.", n=PASSWORD_MIN_LENGTH))],
        render_kw={"autocomplete": "new-password"})
    password_again = PasswordField(_l("Password again"), validators=[
        DataRequired(_l("Repeat the password.")),
        EqualTo("password", _l("The passwords are not the same."))],
        render_kw={"autocomplete": "new-password"})
