"""Reference data: the gazetteer, sectors and education levels."""
from sqlalchemy import func, select

from portal.extensions import db
from portal.geo.gazetteer import load_gazetteer
from portal.geo.models import Place
from portal.taxonomy.services import load_taxonomies


def load_reference(cities=None):
    """Load (or bring up to date) all reference data; idempotent. Returns a one-line summary."""
    inserted, updated = load_gazetteer(cities)
    load_taxonomies()
    db.session.commit()
    total = db.session.scalar(select(func.count(Place.id)))
    return f"reference data loaded: {total} places ({inserted} new, {updated} updated)"
