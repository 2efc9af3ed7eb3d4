"""The search store's own parts that need no database: arrays kept between searches, and the
dates with room read by day."""
import numpy as np
import pytest

from portal.matching import store
from portal.matching.store import ROOM_SPAN, Dated, Store


def _store(size=4):
    ints = np.zeros(size, dtype=np.int32)
    empty = store.Postings([0], [])
    return Store(ids=np.arange(1, size + 1), company=ints.copy(), place=ints.copy(),
                 mode=ints.copy(), travel=ints.copy(), kind=ints.copy(), until=ints.copy(),
                 capacity=ints.copy(), min_group=ints.copy(), max_group=ints.copy(),
                 starts=ints.copy(), ends=ints.copy(), slots=Dated([], []), sectors=empty,
                 levels=empty, words=empty, stale=np.zeros(size, dtype=bool), kinds=[],
                 busy={})


def test_a_kept_array_is_made_once_and_cannot_be_changed_in_place():
    kept, made = _store(), []

    def make():
        made.append(1)
        return np.ones(4, dtype=bool)

    first = kept.kept("a", make)
    assert kept.kept("a", make) is first
    assert len(made) == 1
    with pytest.raises(ValueError):
        first &= False  # a caller that changed it would change every later search


def test_the_least_recently_used_go_when_the_kept_arrays_pass_their_budget(monkeypatch):
    monkeypatch.setattr(store, "KEPT_BYTES", 3000)
    kept = _store()
    for key in "abc":
        kept.kept(key, lambda: np.zeros(125))  # 1,000 bytes each
    kept.kept("a", lambda: np.zeros(125))  # used again: now the most recent
    kept.kept("d", lambda: np.zeros(125))
    assert list(kept._kept) == ["c", "a", "d"]


def test_fairness_points_per_offer_follow_the_companies_requests():
    kept = _store()
    kept.company[:] = [7, 8, 7, 9]
    kept.busy = {7: store.BUSY_FULL, 9: store.BUSY_FROM - 1}
    points = kept.fairness_points(5.0)
    assert points.tolist() == [-5.0, 0.0, -5.0, 0.0]
    assert kept.fairness_points(5.0) is points
    assert kept.fairness_points(10.0).tolist() == [-10.0, 0.0, -10.0, 0.0]


def test_dates_with_room_are_found_by_day_and_room():
    day = 739000
    dated = Dated(owners=[2, 0, 1, 0], values=[
        (day + 5) * ROOM_SPAN + 30, (day + 2) * ROOM_SPAN + 4, day * ROOM_SPAN + 25,
        (day + 9) * ROOM_SPAN + 40])
    stale = np.zeros(3, dtype=bool)

    def found(first, last, need):
        return dated.with_room(first * ROOM_SPAN, (last + 1) * ROOM_SPAN, need,
                               stale).tolist()

    assert found(day, day + 9, 1) == [True, True, True]
    assert found(day + 2, day + 2, 1) == [True, False, False]
    assert found(day + 2, day + 2, 5) == [False, False, False]  # 4 places on that day
    assert found(day, day + 9, 26) == [True, False, True]
    assert found(day + 10, day + 20, 1) == [False, False, False]


def test_an_offer_read_again_has_its_new_dates_instead():
    day = 739000
    dated = Dated(owners=[0, 1], values=[day * ROOM_SPAN + 10, day * ROOM_SPAN + 10])
    stale = np.array([False, True])
    dated.changed[1] = ((day + 3) * ROOM_SPAN + 2,)
    assert dated.with_room(day * ROOM_SPAN, (day + 1) * ROOM_SPAN, 1, stale).tolist() == [
        True, False]
    assert dated.with_room((day + 3) * ROOM_SPAN, (day + 4) * ROOM_SPAN, 2, stale).tolist() == [
        False, True]
