"""The place lookup behind the autocomplete of every place field."""
from flask import Blueprint, jsonify, request

from portal.extensions import limiter
from portal.geo.services import find_places

bp = Blueprint("geo", __name__, url_prefix="/plaatsen")


@bp.get("/zoek")
@limiter.limit("120/minute")
def lookup():
    places = find_places(request.args.get("q", "")[:80])
    return jsonify([{"id": p.id, "label": p.label} for p in places])
