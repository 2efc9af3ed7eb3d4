from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from portal.forms import choices

APPROVE = "approve"
REJECT = "reject"


class DecisionForm(FlaskForm):
    decision = RadioField(_l("Decision"), choices=choices([(APPROVE, _l("Approve")),
                                                           (REJECT, _l("Reject"))]),
                          validators=[DataRequired(_l("Choose approve or reject."))])
    reason = TextAreaField(_l("Reason (required when rejecting; the company reads it)"),
                           validators=[Optional(), Length(max=2000)])
