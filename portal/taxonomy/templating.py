"""Template helpers for the reference data, used on every page."""
from portal.taxonomy.codes import OFFER_TYPE_CODES
from portal.taxonomy.offer_types import location_mode_label, offer_type_help, offer_type_label
from portal.taxonomy.services import localised_name


def register_taxonomy_helpers(app):
    app.jinja_env.globals.update(offer_type_label=offer_type_label,
                                 offer_type_help=offer_type_help,
                                 offer_types=OFFER_TYPE_CODES,
                                 location_mode_label=location_mode_label,
                                 localised_name=localised_name)
