"""The effect of proposed search weights on one sample search, before a moderator saves them.

The same search runs twice through the real search service, with the weights in use and with
the proposed ones, so what the page shows is what schools would get. Nothing is written.
"""
from dataclasses import dataclass

from portal import security
from portal.errors import ValidationFailed
from portal.i18n import gettext as _
from portal.matching.search import SearchFilters, find_offers
from portal.matching.weights import check_weights, may_tune, weights_of

SHOWN = 10
# How deep the current ranking is read to say where a newcomer to the first ten came from.
LOOKBACK = 50


@dataclass(frozen=True)
class PreviewRow:
    rank: int
    offer: object
    score: float
    was: int | None = None  # its rank with the weights in use; None: not in the first LOOKBACK

    @property
    def moved(self):
        """Places gained (negative: lost); None for an offer that was not in the first ranks."""
        return None if self.was is None else self.was - self.rank


@dataclass(frozen=True)
class Preview:
    current: list
    proposed: list
    total: int  # offers the sample search finds at all


def _rows(result, limit):
    """The first `limit` hits of a result's first page, numbered from 1."""
    return [PreviewRow(number, offer, ranked.score)
            for number, (ranked, offer) in enumerate(result.hits[:limit], start=1)]


def preview_weights(*, actor, technocentrum, proposed, school=None, offer_type=None, text="",
                    max_km=None):
    """The sample search's first ten offers with the region's weights in use and with the
    proposed ones (checked as saving would check them); each proposed row knows its old rank.
    The sample school must lie in the region (None: search as a visitor)."""
    security.require(may_tune(actor, technocentrum), "not this region's moderator")
    proposed = check_weights(proposed)
    if school is not None and (school.place is None
                               or not technocentrum.covers(school.place)):
        raise ValidationFailed({"school": _("Choose a school of this region.")})
    filters = SearchFilters(offer_type=offer_type or None, text=text or "",
                            max_km=max_km if school is not None else None, per_page=LOOKBACK)
    before = find_offers(filters, school=school, weights=weights_of(technocentrum))
    after = find_offers(filters, school=school, weights=proposed)
    ranks = {row.offer.id: row.rank for row in _rows(before, LOOKBACK)}
    shown = [PreviewRow(row.rank, row.offer, row.score, ranks.get(row.offer.id))
             for row in _rows(after, SHOWN)]
    return Preview(current=_rows(before, SHOWN), proposed=shown, total=after.total)
