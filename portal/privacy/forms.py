"""The forms of the privacy pages: the download button, and deleting the account."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField
from wtforms.validators import DataRequired

from portal.i18n import lazy_gettext as _l


class ExportForm(FlaskForm):
    """A button: download my data (a POST, so no link or prefetch starts a download)."""


class DeleteAccountForm(FlaskForm):
    password = PasswordField(_l("Your current password"), validators=[
        DataRequired(_l("Enter your password."))],
        render_kw={"autocomplete": "current-password"})
    confirm = BooleanField(
        _l("I understand that my account is deleted for good and cannot be restored."),
        validators=[DataRequired(_l("Tick this box to confirm that you want to delete your "
                                    "account."))])
