from flask import Blueprint, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from portal.db import ends_with_commit
from portal.extensions import database_key
from portal.i18n import get_locale
from portal.i18n import lazy_gettext as _l
from portal.matching import catalogue, empty_searches
from portal.matching.forms import SearchForm
from portal.matching.reasons import format_km, reasons_line
from portal.matching.rules import DEFAULT_WEIGHTS
from portal.matching.school import searching_school
from portal.matching.search import SearchFilters, find_offers
from portal.taxonomy.forms import level_choices, sector_choices
from portal.taxonomy.services import kept_taxonomy
from portal.views import links_by_id

bp = Blueprint("matching", __name__, url_prefix="/zoeken")
bp.add_app_template_filter(reasons_line, "reasons")
bp.add_app_template_filter(format_km, "km")


@bp.get("")
@ends_with_commit
def search():
    """Search published offers. Anyone may search; a teacher's school adds distance and region."""
    catalogue_ids = catalogue.highest_ids()
    sectors, levels = kept_taxonomy(catalogue_ids[2])
    form = SearchForm(request.args or None)
    form.sector.choices = [SelectChoice("", _l("All sectors")), *sector_choices(sectors)]
    form.level.choices = [SelectChoice("", _l("All levels")), *level_choices(levels)]
    locale = str(get_locale())
    form.offer_type.kept_as = ("types", locale)
    form.sector.kept_as = form.level.kept_as = (
        "taxonomy", database_key(), catalogue_ids[2], locale)
    school = searching_school(current_user)
    if school is None:
        del form.max_km  # distances are measured from a school; a visitor has none
    result = None
    if form.validate():
        result = find_offers(SearchFilters(
            offer_type=form.offer_type.data or None, sector_id=form.sector.data,
            level_id=form.level.data, max_km=form.max_km.data if school else None,
            text=form.q.data or "", group_size=form.group_size.data,
            wanted_on=form.wanted_on.data, wanted_until=form.wanted_until.data,
            page=request.args.get("page", 1, type=int)), school=school,
            weights=school.weights if school else DEFAULT_WEIGHTS, catalogue_ids=catalogue_ids)
    if result is not None and result.total == 0 and "page" not in request.args \
            and school is not None and request.method == "GET":
        # one INSERT, nothing more (and only here); a school's searches only
        _note_empty(form, school, sectors, levels)
    status = 200 if result is not None else 400
    # a page's link is this and its number: one url_for rather than one per page
    page_link = url_for("matching.search", **form.link_args(), page="")
    return render_template("matching/search.html", form=form, result=result,
                           school=school, page_link=page_link,
                           offer_link=links_by_id("offers.detail", "offer_id")), status


def _note_empty(form, school, sectors, levels):
    """Log a school's search, as sent from its form, that found nothing
    (portal/matching/empty_searches): its filters and the school's place; one INSERT, and
    nothing when no filter was chosen. A page of results (`page` in the address) is a search
    already logged, never a new one. Visitors' searches (bots' among them) are not logged: they
    are noise, and belong to no region."""
    filters = empty_searches.filters_of(
        offer_type=form.offer_type.data,
        sector_code=next((s.code for s in sectors if s.id == form.sector.data), None),
        level_code=next((lv.code for lv in levels if lv.id == form.level.data), None),
        max_km=form.max_km.data if school.place is not None else None,
        group_size=form.group_size.data, wanted_on=form.wanted_on.data,
        wanted_until=form.wanted_until.data, text=form.q.data)
    if filters is not None:
        empty_searches.note_empty_search(filters, school.place)
