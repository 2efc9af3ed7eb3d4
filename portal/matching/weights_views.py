"""The page on which a Technocentrum's moderator tunes the search weights of their region, with
a preview of a sample search before saving. The administrator picks any Technocentrum
(?centrum=<id>); a moderator sees their own, and another region's is refused."""
from dataclasses import asdict

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from portal import security
from portal.errors import ValidationFailed
from portal.i18n import format_decimal
from portal.i18n import gettext as _
from portal.i18n import lazy_gettext as _l
from portal.matching.models import WEIGHT_MAXIMA
from portal.matching.rules import DEFAULT_WEIGHTS
from portal.matching.weights import (
    RULES,
    WeightsChanged,
    reset_weights,
    sample_schools,
    save_weights,
    weights_in,
    weights_setting,
)
from portal.matching.weights_forms import (
    RULE_LABELS,
    RULE_MEANINGS,
    SAVE,
    ResetForm,
    WeightsForm,
)
from portal.matching.weights_preview import LOOKBACK, SHOWN, preview_weights
from portal.numbers import whole_number
from portal.organisations.services import all_technocentra, technocentrum_for_staff
from portal.views import apply_errors, render_form, role_required

bp = Blueprint("search_weights", __name__, url_prefix="/moderatie/zoekgewichten")

MODERATORS = (security.MODERATOR, security.ADMIN)


def _centre():
    """The Technocentrum of the page (None: the administrator, before any exists)."""
    return technocentrum_for_staff(actor=current_user,
                                 technocentrum_id=whole_number(request.args.get("centrum")))


def _page_url(centre):
    if security.has_role(current_user, security.ADMIN):
        return url_for("search_weights.edit", centrum=centre.id)
    return url_for("search_weights.edit")


def format_points(value):
    """Points as the reader writes numbers: 42,5 in Dutch, 42.5 in English."""
    return format_decimal(value, "#,##0.##")


def _form(setting, in_use, schools):
    form = WeightsForm(data={**asdict(in_use), "seen": setting.revision if setting else 0,
                             "school": schools[0].id if schools else None})
    form.school.choices = [*(SelectChoice(s.id, s.name) for s in schools),
                           SelectChoice("", _l("No school: search as a visitor"))]
    return form


@bp.route("", methods=["GET", "POST"])
@role_required(*MODERATORS)
def edit():
    """The weights of the region: shown, previewed on a sample search, saved."""
    centre = _centre()
    if centre is None:
        return render_template("matching/weights.html", centre=None, form=None)
    setting = weights_setting(centre)
    in_use = weights_in(setting)
    schools = sample_schools(centre)
    form = _form(setting, in_use, schools)
    preview = None
    if form.validate_on_submit():
        try:
            if request.form.get("action") == SAVE:
                save_weights(actor=current_user, technocentrum=centre, weights=form.weights(),
                             note=form.note.data, seen=form.seen_number())
                flash(_("Saved: the schools of %(name)s now search with these weights.",
                        name=centre.name), "success")
                return redirect(_page_url(centre))
            school = next((s for s in schools if s.id == form.school.data), None)
            preview = preview_weights(actor=current_user, technocentrum=centre,
                                      proposed=form.weights(), school=school,
                                      offer_type=form.offer_type.data, text=form.q.data,
                                      max_km=form.max_km.data)
        except WeightsChanged as error:
            apply_errors(form, error)
            form.seen.data = setting.revision if setting else 0
        except ValidationFailed as error:
            apply_errors(form, error)
    return render_form("matching/weights.html", form, centre=centre, setting=setting,
                       in_use=in_use, defaults=DEFAULT_WEIGHTS, rules=RULES, maxima=WEIGHT_MAXIMA,
                       labels=RULE_LABELS, meanings=RULE_MEANINGS, preview=preview,
                       shown=SHOWN, lookback=LOOKBACK, points=format_points,
                       page_url=_page_url(centre),
                       reset_form=ResetForm(data={"seen": setting.revision if setting else 0}),
                       centres=all_technocentra()
                       if security.has_role(current_user, security.ADMIN) else [])


@bp.post("/standaard")
@role_required(*MODERATORS)
def reset():
    """Back to the documented defaults."""
    centre = _centre()
    if centre is None:
        abort(404)
    form = ResetForm()
    if form.validate_on_submit():
        try:
            reset_weights(actor=current_user, technocentrum=centre, seen=form.seen_number())
        except ValidationFailed as error:
            for message in error.errors.values():
                flash(message, "danger")
        else:
            flash(_("The schools of %(name)s search with the default weights again.",
                    name=centre.name), "success")
    return redirect(_page_url(centre))
