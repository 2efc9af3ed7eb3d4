"""The administrator's reference data pages under /beheer/referentie: sectors with the nine
topsectors, education levels and MBO qualifications (school holidays: moderation.holidays).

Each page lists its rows, each with a form of its own; a refused form comes back on the page in
its own place, with its errors, answering 422."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select

from portal import security
from portal.errors import ValidationFailed
from portal.extensions import db
from portal.i18n import gettext as _
from portal.numbers import whole_number
from portal.taxonomy import admin
from portal.taxonomy.admin_forms import (
    COUNTRY_LABELS,
    STAGE_LABELS,
    LevelForm,
    NamesForm,
    NewQualificationForm,
    QualificationForm,
    QualificationSearchForm,
    SectorForm,
)
from portal.taxonomy.models import EducationLevel, Qualification, Sector, Topsector
from portal.views import apply_errors, role_required

bp = Blueprint("reference", __name__, url_prefix="/beheer/referentie")

NEW = "new"
PER_PAGE = 50


def _refused(form, error):
    """The service's refusal on the form: each message next to its field; 422 follows."""
    apply_errors(form, error)
    return form


@bp.get("")
@role_required(security.ADMIN)
def index():
    """The overview: what the administrator keeps, and how much of each there is."""
    def count(column, *where):
        return db.session.scalar(select(func.count(column)).where(*where))

    return render_template(
        "reference/index.html",
        chambers=count(Sector.id, Sector.parent_id.is_(None)),
        sectors=count(Sector.id, Sector.parent_id.is_not(None)),
        topsectors=count(Topsector.id), levels=count(EducationLevel.id),
        qualifications=count(Qualification.crebo))


# --- sectors and topsectors ---------------------------------------------------------------


def _sectors_page(failed=None, form=None):
    """The sectors page; `failed` is the refused form, under its key ("new", ("sector", id),
    ("topsector", id)), or `form` a form carrying a refusal of the whole page (a removal)."""
    chambers, topsectors, uses = admin.sector_overview(actor=current_user)
    key, refused = failed or (None, None)

    def sector_form(sector):
        if key == ("sector", sector.id):
            return refused
        found = SectorForm(formdata=None, prefix=f"sector-{sector.id}", data={
            "name": sector.name, "name_en": sector.name_en, "chamber": str(sector.parent_id),
            "topsectors": [t.id for t in sector.topsectors]})
        return _shaped(found, sector, chambers, topsectors)

    def topsector_form(topsector):
        if key == ("topsector", topsector.id):
            return refused
        return NamesForm(formdata=None, prefix=f"topsector-{topsector.id}", obj=topsector)

    add_form = refused if key == NEW else SectorForm(formdata=None, prefix=NEW).fill_choices(
        chambers, topsectors, blank=True)
    forms = {sector.id: sector_form(sector)
             for chamber in chambers for sector in (chamber, *chamber.children)}
    page_form = refused if refused is not None else form or FlaskForm(formdata=None)
    status = 422 if refused is not None or (form is not None and form.form_errors) else 200
    return render_template(
        "reference/sectors.html", chambers=chambers, topsectors=topsectors, uses=uses,
        sector_forms=forms, add_form=add_form, form=page_form,
        topsector_forms={t.id: topsector_form(t) for t in topsectors}), status


def _shaped(form, sector, chambers, topsectors):
    """A sector's form with its choices; a chamber's without the chamber field."""
    if sector is not None and sector.parent_id is None:
        del form.chamber
    return form.fill_choices(chambers, topsectors)


def _choices_for_sector_forms():
    chambers = list(db.session.scalars(select(Sector).where(Sector.parent_id.is_(None))
                                       .order_by(Sector.position, Sector.id)))
    topsectors = list(db.session.scalars(select(Topsector).order_by(Topsector.position)))
    return chambers, topsectors


@bp.route("/sectoren", methods=["GET", "POST"])
@role_required(security.ADMIN)
def sectors():
    """The sector chambers with their finer sectors, and the topsectors over them; a POST adds
    a finer sector."""
    if request.method == "GET":
        return _sectors_page()
    form = SectorForm(prefix=NEW).fill_choices(*_choices_for_sector_forms(), blank=True)
    if form.validate_on_submit():
        try:
            sector = admin.add_sector(actor=current_user,
                                      chamber_id=whole_number(form.chamber.data),
                                      name=form.name.data, name_en=form.name_en.data,
                                      topsector_ids=form.topsectors.data)
        except ValidationFailed as error:
            _refused(form, error)
        else:
            flash(_("The sector %(name)s has been added.", name=sector.name), "success")
            return redirect(url_for("reference.sectors"))
    return _sectors_page(failed=(NEW, form))


@bp.post("/sectoren/<int:sector_id>")
@role_required(security.ADMIN)
def edit_sector(sector_id):
    sector = db.session.get(Sector, sector_id) or abort(404)
    form = _shaped(SectorForm(prefix=f"sector-{sector.id}"), sector,
                   *_choices_for_sector_forms())
    if form.validate_on_submit():
        try:
            admin.change_sector(
                actor=current_user, sector_id=sector.id, name=form.name.data,
                name_en=form.name_en.data, topsector_ids=form.topsectors.data,
                chamber_id=whole_number(form.chamber.data) if "chamber" in form else None)
        except ValidationFailed as error:
            _refused(form, error)
        else:
            flash(_("The sector %(name)s has been saved.", name=form.name.data), "success")
            return redirect(url_for("reference.sectors"))
    return _sectors_page(failed=(("sector", sector.id), form))


@bp.post("/sectoren/<int:sector_id>/verwijderen")
@role_required(security.ADMIN)
def remove_sector(sector_id):
    sector = db.session.get(Sector, sector_id) or abort(404)
    name, form = sector.name, FlaskForm()
    if form.validate_on_submit():
        try:
            admin.remove_sector(actor=current_user, sector_id=sector_id)
        except ValidationFailed as error:
            return _sectors_page(form=_refused(form, error))
        flash(_("The sector %(name)s has been removed.", name=name), "success")
    return redirect(url_for("reference.sectors"))


@bp.post("/topsectoren/<int:topsector_id>")
@role_required(security.ADMIN)
def edit_topsector(topsector_id):
    topsector = db.session.get(Topsector, topsector_id) or abort(404)
    form = NamesForm(prefix=f"topsector-{topsector.id}")
    if form.validate_on_submit():
        try:
            admin.change_topsector(actor=current_user, topsector_id=topsector.id,
                                   name=form.name.data, name_en=form.name_en.data)
        except ValidationFailed as error:
            _refused(form, error)
        else:
            flash(_("The topsector %(name)s has been saved.", name=form.name.data), "success")
            return redirect(url_for("reference.sectors"))
    return _sectors_page(failed=(("topsector", topsector.id), form))


# --- education levels -----------------------------------------------------------------------


def _levels_page(failed=None, form=None):
    levels, uses, stages = admin.level_overview(actor=current_user)
    key, refused = failed or (None, None)
    forms = {level.id: refused if key == level.id else
             NamesForm(formdata=None, prefix=f"level-{level.id}", obj=level) for level in levels}
    add_form = refused if key == NEW else LevelForm(formdata=None, prefix=NEW).fill_choices(
        stages)
    page_form = refused if refused is not None else form or FlaskForm(formdata=None)
    status = 422 if refused is not None or (form is not None and form.form_errors) else 200
    return render_template("reference/levels.html", levels=levels, uses=uses,
                           level_forms=forms, add_form=add_form, form=page_form,
                           stage_labels=STAGE_LABELS, country_labels=COUNTRY_LABELS), status


@bp.route("/niveaus", methods=["GET", "POST"])
@role_required(security.ADMIN)
def levels():
    """The education levels in the order the lists show them; a POST adds one."""
    if request.method == "GET":
        return _levels_page()
    form = LevelForm(prefix=NEW).fill_choices(admin.stages())
    if form.validate_on_submit():
        try:
            level = admin.add_level(actor=current_user, code=form.code.data,
                                    name=form.name.data, name_en=form.name_en.data,
                                    stage=form.stage.data, country_code=form.country_code.data)
        except ValidationFailed as error:
            _refused(form, error)
        else:
            flash(_("The education level %(name)s has been added.", name=level.name), "success")
            return redirect(url_for("reference.levels"))
    return _levels_page(failed=(NEW, form))


@bp.post("/niveaus/<int:level_id>")
@role_required(security.ADMIN)
def edit_level(level_id):
    level = db.session.get(EducationLevel, level_id) or abort(404)
    form = NamesForm(prefix=f"level-{level.id}")
    if form.validate_on_submit():
        try:
            admin.change_level(actor=current_user, level_id=level.id, name=form.name.data,
                               name_en=form.name_en.data)
        except ValidationFailed as error:
            _refused(form, error)
        else:
            flash(_("The education level %(name)s has been saved.", name=form.name.data),
                  "success")
            return redirect(url_for("reference.levels"))
    return _levels_page(failed=(level.id, form))


@bp.post("/niveaus/<int:level_id>/verplaatsen")
@role_required(security.ADMIN)
def move_level(level_id):
    db.session.get(EducationLevel, level_id) or abort(404)
    form = FlaskForm()
    if form.validate_on_submit():
        try:
            admin.move_level(actor=current_user, level_id=level_id,
                             direction=request.form.get("direction"))
        except ValidationFailed as error:
            return _levels_page(form=_refused(form, error))
    return redirect(url_for("reference.levels", _anchor=f"level-{level_id}"))


@bp.post("/niveaus/<int:level_id>/verwijderen")
@role_required(security.ADMIN)
def remove_level(level_id):
    level = db.session.get(EducationLevel, level_id) or abort(404)
    name, form = level.name, FlaskForm()
    if form.validate_on_submit():
        try:
            admin.remove_level(actor=current_user, level_id=level_id)
        except ValidationFailed as error:
            return _levels_page(form=_refused(form, error))
        flash(_("The education level %(name)s has been removed.", name=name), "success")
    return redirect(url_for("reference.levels"))


# --- qualifications -----------------------------------------------------------------------


def _qualifications_page(failed=None, form=None, text=None):
    """One page of the qualifications, those matching the search when there is one; a refused
    form's row is looked up by its crebo code so it shows with its errors."""
    search = QualificationSearchForm(request.args, meta={"csrf": False})
    status = 200
    if text is None:
        text = ""
        if search.validate():
            text = search.q.data or ""
        else:
            status = 400  # every qualification, and the search's error next to its field
    else:
        search.q.data = text
    found = admin.qualification_page(actor=current_user, text=text, per_page=PER_PAGE,
                                     page=request.args.get("page", 1, type=int) or 1)
    key, refused = failed or (None, None)
    forms = {row.crebo: refused if key == row.crebo else QualificationForm(
        formdata=None, prefix=f"qualification-{row.crebo}",
        data={"name": row.name, "level": str(row.level)}) for row in found.rows}
    add_form = refused if key == NEW else NewQualificationForm(formdata=None, prefix=NEW)
    page_form = refused if refused is not None else form or FlaskForm(formdata=None)
    if refused is not None or (form is not None and form.form_errors):
        status = 422
    return render_template(
        "reference/qualifications.html", found=found, forms=forms, add_form=add_form,
        form=page_form, search=search, text=text), status


@bp.route("/kwalificaties", methods=["GET", "POST"])
@role_required(security.ADMIN)
def qualifications():
    """The MBO qualifications by crebo code, searchable and by pages of 50; a POST adds one."""
    if request.method == "GET":
        return _qualifications_page()
    form = NewQualificationForm(prefix=NEW)
    if form.validate_on_submit():
        try:
            admin.add_qualification(actor=current_user, crebo=form.crebo.data,
                                    name=form.name.data, level=whole_number(form.level.data))
        except ValidationFailed as error:
            _refused(form, error)
        else:
            flash(_("The qualification %(crebo)s has been added.", crebo=form.crebo.data),
                  "success")
            return redirect(url_for("reference.qualifications", q=form.crebo.data))
    return _qualifications_page(failed=(NEW, form))


def _known(crebo):
    """The qualification of a crebo code in the address, or 404 (anything but five digits
    too: it never reaches the database)."""
    found = db.session.get(Qualification, crebo) if admin.is_crebo(crebo) else None
    return found or abort(404)


@bp.post("/kwalificaties/<crebo>")
@role_required(security.ADMIN)
def edit_qualification(crebo):
    _known(crebo)
    form = QualificationForm(prefix=f"qualification-{crebo}")
    if form.validate_on_submit():
        try:
            admin.change_qualification(actor=current_user, crebo=crebo, name=form.name.data,
                                       level=whole_number(form.level.data))
        except ValidationFailed as error:
            _refused(form, error)
        else:
            flash(_("The qualification %(crebo)s has been saved.", crebo=crebo), "success")
            return redirect(url_for("reference.qualifications", q=crebo))
    return _qualifications_page(failed=(crebo, form), text=crebo)


@bp.post("/kwalificaties/<crebo>/verwijderen")
@role_required(security.ADMIN)
def remove_qualification(crebo):
    _known(crebo)
    form = FlaskForm()
    if form.validate_on_submit():
        try:
            admin.remove_qualification(actor=current_user, crebo=crebo)
        except ValidationFailed as error:
            return _qualifications_page(form=_refused(form, error), text=crebo)
        flash(_("The qualification %(crebo)s has been removed.", crebo=crebo), "success")
    return redirect(url_for("reference.qualifications"))
