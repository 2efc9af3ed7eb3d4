"""The search weights a Technocentrum's moderator chose for the schools of their region.

A region without a row searches with the documented defaults (rules.DEFAULT_WEIGHTS), and so
follows them when they change; a row holds the region's own choice of all seven weights.
"""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base, UTCDateTime, utcnow

# The highest value of each weight (the lowest is 0). The soft rules each add at most their
# weight, so 100 lets one rule outweigh all the defaults together; fairness is a penalty, and
# past 50 it would sink a busy company below offers that fit nothing at all.
WEIGHT_MAXIMA = {"region": 100, "distance": 100, "sector": 100, "level": 100, "period": 100,
                 "text": 100, "fairness": 50}

_BOUNDS = " AND ".join(f"{name} >= 0 AND {name} <= {top}" for name, top in WEIGHT_MAXIMA.items())


class MatchingWeights(Base):
    __tablename__ = "matching_weights"
    __table_args__ = (CheckConstraint(_BOUNDS, name="bounds"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    technocentrum_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), unique=True)
    # Whole points: what a moderator types, and what the page and the audit log show.
    region: Mapped[int]
    distance: Mapped[int]
    sector: Mapped[int]
    level: Mapped[int]
    period: Mapped[int]
    text: Mapped[int]
    fairness: Mapped[int]
    # Counts the changes, so a save based on weights a colleague changed meanwhile is refused.
    revision: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    technocentrum = relationship("Technocentrum")
    updated_by = relationship("User")

    def __repr__(self):
        return f"<MatchingWeights of technocentrum={self.technocentrum_id} r{self.revision}>"
