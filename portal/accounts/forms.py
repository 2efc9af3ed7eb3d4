from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, RadioField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from portal.accounts.services import PASSWORD_MIN_LENGTH
from portal.forms import choices
from portal.security import COMPANY_MEMBER, TEACHER


class RegisterForm(FlaskForm):
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
    password = PasswordField(_l("Password"), validators=[
        DataRequired(_l("Choose a password.")),
        Length(min=PASSWORD_MIN_LENGTH, max=200,
               message=_l("Use at least %(n)d characters.", n=PASSWORD_MIN_LENGTH))])
    password_again = PasswordField(_l("Password again"), validators=[
        DataRequired(_l("Repeat the password.")),
        EqualTo("password", _l("The passwords are not the same."))])


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[
        DataRequired(_l("Enter your e-mail address."))])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password."))])
