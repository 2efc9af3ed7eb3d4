"""The privacy pages: what the portal keeps (public), and the account's own page to download
its data and to delete the account."""
import json

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required, logout_user

from portal.db import local_today, utcnow
from portal.errors import ValidationFailed
from portal.extensions import limiter
from portal.i18n import gettext as _
from portal.privacy.deletion import (
    DELETED_NAME,
    delete_account,
    deletion_blockers,
    owned_teams_with_colleagues,
)
from portal.privacy.export import export_user_data
from portal.privacy.forms import DeleteAccountForm, ExportForm
from portal.views import apply_errors, render_form

bp = Blueprint("privacy", __name__)


def _retention_days():
    return current_app.config.get("AUDIT_RETENTION_DAYS") or 0


@bp.get("/privacy")
def policy():
    """What the portal keeps, why, how long, and the user's rights: for everyone."""
    return render_template("privacy/policy.html", retention_days=_retention_days(),
                           contact=current_app.config.get("PRIVACY_CONTACT"))


@bp.get("/account/privacy")
@login_required
def account():
    """The signed-in user's own privacy page: download, correct, delete."""
    return render_template("privacy/account.html", export_form=ExportForm(formdata=None),
                           sole_teams=_sole_teams(current_user))


def _sole_teams(user):
    """The organisations the user is the only member of: they stay when the account goes."""
    return [m.organisation for m in user.memberships if len(m.organisation.memberships) == 1]


@bp.post("/account/privacy/export")
@login_required
@limiter.limit("20/hour")
def export():
    """Download everything the portal keeps about the user, as a JSON file."""
    form = ExportForm()
    if not form.validate_on_submit():
        return redirect(url_for("privacy.account"))
    data = export_user_data(actor=current_user, now=utcnow())
    body = json.dumps(data, ensure_ascii=False, indent=2)
    response = current_app.response_class(body, mimetype="application/json")
    filename = f"portal-gegevens-{local_today().isoformat()}.json"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/account/verwijderen", methods=["GET", "POST"])
@login_required
@limiter.limit("10/hour", methods=["POST"])
def delete():
    """Delete one's own account (never another's: there is no id in the address)."""
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            delete_account(actor=current_user, password=form.password.data, now=utcnow())
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            logout_user()
            flash(_("Your account has been deleted and you are signed out. Thank you for using "
                    "the portal."), "success")
            return redirect(url_for("public.home"))
    return render_form("privacy/delete.html", form, blockers=deletion_blockers(current_user),
                       hand_over=bool(owned_teams_with_colleagues(current_user)),
                       sole_teams=_sole_teams(current_user), deleted_name=DELETED_NAME)
