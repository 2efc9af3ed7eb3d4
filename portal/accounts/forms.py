from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    RadioField,
    StringField,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length

from portal.forms import CheckboxListField, PortalForm, choices
from portal.i18n import lazy_gettext as _l
from portal.passwords import PASSWORD_MIN_LENGTH
from portal.security import COMPANY_MEMBER, TEACHER

# The rule of portal.passwords.password_problem, told where a password is chosen.
PASSWORD_RULE = _l(
    "At least %(n)d characters; not a much-used password, and not your name or e-mail address. "
    "A few words that do not belong together are easy to remember and hard to guess.",
    n=PASSWORD_MIN_LENGTH)


class RegisterForm(PortalForm):
    role = RadioField(_l("I register for"), choices=choices([
        (COMPANY_MEMBER, _l("a company that offers guest lessons, visits or places")),
        (TEACHER, _l("a school, as a teacher")),
    ]), validators=[DataRequired(_l("Choose one."))])
    full_name = StringField(_l("Your name"), validators=[DataRequired(_l("Enter your name.")),
                                                         Length(max=120)])
    email = EmailField(_l("E-mail address"), validators=[
        DataRequired(_l("Enter your e-mail address.")),
        Email(_l("Enter a valid e-mail address."), check_deliverability=False),
        Length(max=254)])
    password = PasswordField(_l("Password"), description=PASSWORD_RULE, validators=[
        DataRequired(_l("Choose a password.")),
        Length(min=PASSWORD_MIN_LENGTH, max=200,
               message=_l("Use at least %(n)d characters.", n=PASSWORD_MIN_LENGTH))])
    password_again = PasswordField(_l("Password again"), validators=[
        DataRequired(_l("Repeat the password.")),
        EqualTo("password", _l("The passwords are not the same."))])


class LoginForm(PortalForm):
    email = EmailField(_l("E-mail address"), validators=[
        DataRequired(_l("Enter your e-mail address."))])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password."))])


def _email_field(label, description=None):
    return EmailField(label, description=description, validators=[
        DataRequired(_l("Enter your e-mail address.")),
        Email(_l("Enter a valid e-mail address."), check_deliverability=False),
        Length(max=254)], render_kw={"autocomplete": "email"})


def _new_password_fields():
    """A new password, typed twice: the same rule as at registration."""
    password = PasswordField(_l("New password"), description=PASSWORD_RULE, validators=[
        DataRequired(_l("Choose a password.")),
        Length(min=PASSWORD_MIN_LENGTH, max=200,
               message=_l("Use at least %(n)d characters.", n=PASSWORD_MIN_LENGTH))],
        render_kw={"autocomplete": "new-password"})
    again = PasswordField(_l("New password again"), validators=[
        DataRequired(_l("Repeat the password.")),
        EqualTo("new_password", _l("The passwords are not the same."))],
        render_kw={"autocomplete": "new-password"})
    return password, again


class ForgotPasswordForm(PortalForm):
    email = _email_field(_l("E-mail address"), _l(
        "The address you signed in with. We send a link to it to choose a new password."))


class ConfirmEmailForm(PortalForm):
    """The button on a confirmation link's page: only a POST (with CSRF) confirms."""


class ResetPasswordForm(PortalForm):
    new_password, new_password_again = _new_password_fields()


class LanguageForm(PortalForm):
    locale = RadioField(_l("Language of the site and of your e-mail"), choices=choices([
        ("nl", "Nederlands"), ("en", "English")]),
        validators=[DataRequired(_l("Choose a language."))])


# The groups of messages a user can switch off (notifications.outbox.CATEGORIES), in plain words.
MAIL_CHOICES = choices([
    ("booking", _l("Requests and their conversation: new requests, answers, counter-proposals, "
                   "messages and cancellations")),
    ("reminder", _l("Reminders before the date, and the question afterwards whether it "
                    "took place")),
    ("waitlist", _l("Waiting lists: a place taken from one, an offer of a place that lapsed, "
                    "a waiting list that closed")),
    ("moderation", _l("Decisions of the moderators about your company and your offers")),
    ("team", _l("Team invitations and requests to join your team")),
])


class MailChoicesForm(PortalForm):
    receive = CheckboxListField(_l("Send me e-mail about"), choices=MAIL_CHOICES, description=_l(
        "E-mail about your account itself (password reset, confirming your address, a changed "
        "password) always comes, and so does an offer of a place from a waiting list, since "
        "the place is held for your school until you answer."))
    digest = BooleanField(_l("Daily digest: new requests and messages in one e-mail each "
                             "morning, instead of one e-mail each"))


class EmailChangeForm(PortalForm):
    new_email = _email_field(_l("New e-mail address"), _l(
        "We send a link to the new address. Your account keeps the present address until you "
        "open that link."))
    password = PasswordField(_l("Your current password"), validators=[
        DataRequired(_l("Enter your password."))],
        render_kw={"autocomplete": "current-password"})


class PasswordChangeForm(PortalForm):
    current_password = PasswordField(_l("Your current password"), validators=[
        DataRequired(_l("Enter your password."))],
        render_kw={"autocomplete": "current-password"})
    new_password, new_password_again = _new_password_fields()


class ResendForm(PortalForm):
    """The button that sends the confirmation link again; `next` is the page it was pressed on."""
    next = HiddenField()
