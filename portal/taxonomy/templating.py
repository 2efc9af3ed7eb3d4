"""Template helpers for the reference data, used on every page."""
from portal.taxonomy.offer_types import location_mode_label, offer_type_label
from portal.taxonomy.services import localised_name


def register_taxonomy_helpers(app):
    app.jinja_env.globals.update(offer_type_label=offer_type_label,
                                 location_mode_label=location_mode_label,
                                 localised_name=localised_name)
