"""A region's figures for a period: tables, a chart beside the main ones, and every table as
CSV. Moderators see their own Technocentrum's region; the administrator any region or the
country (`?regio=<id>`, empty for the country)."""
import csv
import io
from datetime import date, timedelta

from flask import Blueprint, Response, abort, render_template, request
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select
from wtforms.validators import Optional

from portal import security
from portal.db import local_today
from portal.extensions import db
from portal.forms import DateField, PortalForm, SelectField, choices
from portal.geo.models import Place
from portal.i18n import format_date, ngettext
from portal.i18n import gettext as _
from portal.i18n import lazy_gettext as _l
from portal.moderation import figures
from portal.moderation.charts import bar_chart
from portal.numbers import whole_number
from portal.organisations.models import Technocentrum
from portal.organisations.regions import region_of
from portal.organisations.services import all_technocentra, technocentrum_of
from portal.taxonomy.models import Topsector
from portal.taxonomy.offer_types import offer_type_label
from portal.taxonomy.services import all_levels, all_sectors, localised_name
from portal.views import role_required

bp = Blueprint("figures", __name__)

CUSTOM = "eigen"
SEARCHES_SHOWN = 50  # rows of the searches that found nothing on the page; the CSV has all
TERMS = ((8, 12), (1, 3), (4, 7))  # months of a school year's three terms


def _periods(today):
    """(value, label, Period) of the periods to choose, newest first."""
    year = figures.school_year_of(today)
    options = []
    for start in (year.first.year, year.first.year - 1, year.first.year - 2):
        options.append((f"jaar:{start}", _("School year %(years)s", years=f"{start}-{start + 1}"),
                        figures.Period(date(start, 8, 1), date(start + 1, 7, 31))))
    for number, (first_month, last_month) in enumerate(TERMS, start=1):
        start = year.first.year if first_month >= 8 else year.first.year + 1
        first = date(start, first_month, 1)
        last = (date(start, last_month, 28) + timedelta(days=4)).replace(day=1) \
            - timedelta(days=1)
        options.append((f"term:{year.first.year}:{number}",
                        _("Term %(n)d of %(years)s (%(first)s – %(last)s)", n=number,
                          years=year.label, first=format_date(first, "MMM"),
                          last=format_date(last, "MMM")), figures.Period(first, last)))
    month = today.replace(day=1)
    for _i in range(12):
        last = (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        options.append((f"maand:{month:%Y-%m}", format_date(month, "MMMM yyyy"),
                        figures.Period(month, last)))
        month = (month - timedelta(days=1)).replace(day=1)
    return options


class PeriodForm(PortalForm):
    class Meta:
        csrf = False  # a GET form that changes nothing

    periode = SelectField(_l("Period"), default="")
    van = DateField(_l("From"), validators=[Optional()])
    tot = DateField(_l("To and including"), validators=[Optional()],
                    description=_l("For a period of your own: choose it above, then the dates."))
    regio = SelectField(_l("Region"), default="", validators=[Optional()])


def _form(today):
    form = PeriodForm(request.args)
    options = _periods(today)
    form.periode.choices = choices([(value, label) for value, label, _p in options]
                                   + [(CUSTOM, _("A period of your own"))])
    if not form.periode.data:
        form.periode.data = options[0][0]
    if security.has_role(current_user, security.ADMIN):
        form.regio.choices = choices(((c.id, c.name) for c in all_technocentra()),
                                     blank=_("The Netherlands and Flanders"))
    else:
        del form.regio
    return form, {value: period for value, _label, period in options}


def _period_and_region():
    """(form, Period or None, Region or None, the region's name); a bad form: a 400."""
    form, periods = _form(local_today())
    if not form.validate():
        return form, None, None, None
    if form.periode.data == CUSTOM:
        if form.van.data is None or form.tot.data is None:
            form.tot.errors = [*form.tot.errors, _("Choose both dates of your period.")]
            return form, None, None, None
        if form.tot.data < form.van.data:
            form.tot.errors = [*form.tot.errors, _("The period cannot end before it starts.")]
            return form, None, None, None
        period = figures.Period(form.van.data, form.tot.data)
    else:
        period = periods[form.periode.data]
    centre = _centre(form)
    name = centre.name if centre else _("The Netherlands and Flanders")
    return form, period, region_of(centre), name


def _centre(form):
    if "regio" in form:
        centre_id = whole_number(form.regio.data or "")
        if not form.regio.data:
            return None
        centre = db.session.get(Technocentrum, centre_id) if centre_id is not None else None
        if centre is None:
            abort(404)
        return centre
    centre = technocentrum_of(current_user)
    security.require(centre is not None, "moderator without a Technocentrum")
    asked = request.args.get("regio")
    if asked is not None and whole_number(asked) != centre.id:
        abort(403)  # another region's figures (or the country's) are not a moderator's
    return centre


def tables(period, region):
    """Every table of the page: {name: (title, header, rows)}; rows are lists of cells."""
    all_of = all_sectors()
    sectors = {s.id: localised_name(s) for s in all_of}
    levels_of = all_levels()
    levels = {lv.id: localised_name(lv) for lv in levels_of}
    topsectors = {t.id: localised_name(t) for t in db.session.scalars(select(Topsector))}

    def named(by, label):
        rows = figures.activities_by(period, region, by)
        return [[label(row.key), row.activities, row.pupils] for row in rows]

    def ended(by, label):
        return [[label(row.key), row.requests, row.ended, row.no_room, row.waitlist_closed]
                for row in figures.ended_requests(period, region, by)]

    by_place = figures.activities_by(period, region, figures.BY_PLACE)
    unfound = figures.empty_searches(period, region)
    places = {p.id: p.label for p in db.session.scalars(
        select(Place).where(Place.id.in_({row.key for row in by_place})))}
    counted = [_("Activities"), _("Pupils")]
    without_room = [_("Requests"), _("Declined or withdrawn"), _("Of them for lack of room"),
                    _("Waiting list closed without room")]
    searched = _Searched({s.code: localised_name(s) for s in all_of},
                         {lv.code: localised_name(lv) for lv in levels_of})
    return {
        "soorten": (_("Activities by type"), [_("Type"), *counted],
                    named(figures.BY_TYPE, lambda code: str(offer_type_label(code)))),
        "sectoren": (_("Activities by sector"), [_("Sector"), *counted],
                     named(figures.BY_SECTOR, lambda key: sectors.get(key, key))),
        "topsectoren": (_("Activities by topsector"), [_("Topsector"), *counted],
                        named(figures.BY_TOPSECTOR, lambda key: topsectors.get(key, key))),
        "niveaus": (_("Activities by level of the group"), [_("Level"), *counted],
                    named(figures.BY_LEVEL, lambda key: levels.get(key, key))),
        "plaatsen": (_("Activities by the school's place"), [_("Place"), *counted],
                     named(figures.BY_PLACE, lambda key: places.get(key, key))),
        "stages": (_("Internship and BBL places"),
                   [_("Sector"), _("Level"), _("Offered"), _("Taken"), _("Asked for"),
                    _("Short")],
                   [[sectors.get(row.sector_id, row.sector_id),
                     levels.get(row.level_id, row.level_id), row.offered, row.taken, row.asked,
                     max(row.asked - row.offered, 0)]
                    for row in figures.placements(period, region)]),
        "geen-plaats": (_("Requests that found no room, by type"), [_("Type"), *without_room],
                        ended(figures.BY_TYPE, lambda code: str(offer_type_label(code)))),
        "geen-plaats-sectoren": (_("Requests that found no room, by sector"),
                                 [_("Sector"), *without_room],
                                 ended(figures.BY_SECTOR, lambda key: sectors.get(key, key))),
        "niets-gevonden": (_("Searches that found nothing"), [_("Searched for"), _("Searches")],
                           sorted(([searched.label(row), row.searches] for row in unfound),
                                  key=lambda cells: (-cells[1], cells[0]))),
    }


class _Searched:
    """A search that found nothing in words: "Gastles · Metaal · VMBO kader · binnen 25 km",
    from the filters as portal/matching/empty_searches.py keeps them (not where from: the
    school's place is kept for the region only)."""

    def __init__(self, sectors, levels):
        self.sectors, self.levels = sectors, levels

    def label(self, row):
        found = row.filters
        parts = []
        if "type" in found:
            parts.append(str(offer_type_label(found["type"])))
        if "sector" in found:
            parts.append(self.sectors.get(found["sector"], found["sector"]))
        if "level" in found:
            parts.append(self.levels.get(found["level"], found["level"]))
        parts.append(_("within %(km)d km", km=found["km"]) if found.get("km")
                     else _("any distance"))
        if found.get("group"):
            parts.append(ngettext("%(num)d pupil", "%(num)d pupils", found["group"]))
        if found.get("from"):
            first = format_date(date.fromisoformat(found["from"]), "d MMM yyyy")
            parts.append(first if not found.get("until") else _(
                "%(first)s to %(last)s", first=first,
                last=format_date(date.fromisoformat(found["until"]), "d MMM yyyy")))
        if found.get("words"):
            parts.append(f"“{found['words']}”")
        return " · ".join(parts)


@bp.get("/moderatie/cijfers")
@role_required(security.MODERATOR, security.ADMIN)
def region():
    form, period, region, name = _period_and_region()
    if period is None:
        return render_template("moderation/figures.html", form=form, period=None), 400
    all_tables = tables(period, region)
    charts = {key: _chart(all_tables[key]) for key in ("soorten", "sectoren", "topsectoren")}
    charts["geen-plaats"] = _chart(all_tables["geen-plaats"], column=3)
    return render_template(
        "moderation/figures.html", form=form, period=period, name=name, tables=all_tables,
        charts=charts, shown={"niets-gevonden": SEARCHES_SHOWN},
        headline=figures.headline(period, region),
        answers=figures.answers(period, region, local_today()),
        new_companies=figures.new_companies(period, region),
        query=request.query_string.decode("ascii", "replace"))


def _chart(table, column=1):
    """A bar chart of the table's first rows, of one column (the first count by default)."""
    title, header, rows = table
    if column != 1:
        title = f"{title}: {header[column]}"
    return Markup(bar_chart(title, [(str(row[0]), row[column]) for row in rows[:12]]))


@bp.get("/moderatie/cijfers/<name>.csv")
@role_required(security.MODERATOR, security.ADMIN)
def export(name):
    form, period, region, _name = _period_and_region()
    if period is None:
        abort(400)
    all_tables = tables(period, region)
    if name not in all_tables:
        abort(404)
    _title, header, rows = all_tables[name]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_cell(cell) for cell in header])
    writer.writerows([[safe_cell(cell) for cell in row] for row in rows])
    filename = f"cijfers-{name}-{period.first:%Y%m%d}-{period.last:%Y%m%d}.csv"
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A CSV cell a spreadsheet will not run: text that starts like a formula gets a leading
    apostrophe (OWASP's advice against CSV injection); numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
