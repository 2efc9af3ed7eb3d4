"""Sectors and education levels as choices for forms."""
from wtforms.fields.choices import SelectChoice

from portal.i18n import gettext as _
from portal.taxonomy.services import all_levels, all_sectors, localised_name


def sector_choices(sectors=None):
    """Every sector (or these, e.g. kept_taxonomy's), grouped under its sector chamber; the
    chamber itself comes first."""
    sectors = all_sectors() if sectors is None else sectors
    chambers = {s.id: localised_name(s) for s in sectors if s.parent_id is None}
    result = []
    for sector in sectors:
        group = chambers[sector.chamber_id]
        label = _("All of this sector") if sector.parent_id is None else localised_name(sector)
        result.append(SelectChoice(sector.id, label, optgroup=group))
    return result


def level_choices(levels=None):
    return [SelectChoice(lvl.id, localised_name(lvl))
            for lvl in (all_levels() if levels is None else levels)]
