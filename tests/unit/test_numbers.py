"""Whole numbers from forms: only what a database integer column holds (portal/numbers.py)."""
import pytest

from portal import LARGEST_ID
from portal.numbers import whole_number


@pytest.mark.parametrize("raw, number", [("0", 0), ("42", 42), (" 7 ", 7), ("+3", 3), ("-1", -1),
                                         ("007", 7), (str(LARGEST_ID), LARGEST_ID)])
def test_a_whole_number(raw, number):
    assert whole_number(raw) == number


@pytest.mark.parametrize("raw", ["", " ", "abc", "1e3", "1_000", "1.5", "0x1", "\uff11",
                                 "\u0663", "1\x00", str(LARGEST_ID + 1), str(2**63),
                                 "9" * 400, None, 5])
def test_not_a_whole_number_the_database_holds(raw):
    assert whole_number(raw) is None
