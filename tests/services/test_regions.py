"""Every province is some Technocentrum's region, so no company waits in nobody's queue."""
import pytest

from portal.moderation.services import moderation_queue
from portal.organisations.services import uncovered_provinces
from portal.seeding.demo import TECHNOCENTRA
from portal.seeds import read_seed


def codes(provinces):
    return [province.code for province in provinces]


def test_the_demo_technocentra_name_every_province_and_region():
    named = {code for _slug, _name, provinces in TECHNOCENTRA for code in provinces}

    assert named == {item["code"] for item in read_seed("regions.json")["provinces"]}


def demo_technocentra(make):
    """The demo's Technocentra, each with a moderator, built through the services."""
    return {name: make.moderator(make.technocentrum(provinces, name=name))
            for _slug, name, provinces in TECHNOCENTRA}


def test_the_demo_technocentra_leave_no_province_uncovered(make):
    demo_technocentra(make)

    assert uncovered_provinces() == []


@pytest.mark.parametrize("place, region", [("Charleroi", "BE-WAL"), ("Brussel", "BE-BRU")])
def test_a_company_in_wallonia_or_brussels_waits_for_zeeland(make, place, region):
    moderators = demo_technocentra(make)
    company = make.company(place=place, approved=False, number="BE 0403.170.701")

    assert company.place.province.code == region
    for name, moderator in moderators.items():
        waiting, _offers = moderation_queue(actor=moderator)
        assert (company in [w.subject for w in waiting]) == (name == "Technocentrum Zeeland")


def test_a_province_without_a_technocentrum_is_uncovered(make):
    assert "BE-WAL" in codes(uncovered_provinces())

    make.moderator(make.technocentrum(("NL-ZE", "BE-WAL")))

    assert {"NL-ZE", "BE-WAL"}.isdisjoint(codes(uncovered_provinces()))
    assert "BE-BRU" in codes(uncovered_provinces())


def test_a_technocentrum_without_moderators_covers_nothing_yet(make):
    make.technocentrum(("BE-BRU",))

    assert "BE-BRU" in codes(uncovered_provinces())


def test_the_administrator_sees_a_company_in_an_uncovered_province(make):
    company = make.company(place="Charleroi", approved=False, number="BE 0403.170.701")
    assert "BE-WAL" in codes(uncovered_provinces())

    waiting, _offers = moderation_queue(actor=make.admin())

    assert company in [w.subject for w in waiting]
