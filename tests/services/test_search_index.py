"""The search's word index and derived columns follow the offers by themselves: new and
edited offers, renamed companies, other sectors; and a rebuild gives the same."""
from sqlalchemy import select

from portal.extensions import db
from portal.matching.changes import search_changes
from portal.matching.index import offer_words, rebuild_index, search_words
from portal.organisations import profiles
from portal.taxonomy.services import sector_by_code


def words_of_offer(offer_id):
    return set(db.session.scalars(
        select(search_words.c.word).join(offer_words, offer_words.c.word_id == search_words.c.id)
        .where(offer_words.c.offer_id == offer_id)))


def changes_of(offer_id):
    return len(db.session.scalars(select(search_changes.c.seq)
                                  .where(search_changes.c.offer_id == offer_id)).all())


def test_a_new_offer_is_indexed_with_every_text_it_is_found_by(make):
    company = make.company(place="Vlissingen", name="Scheepswerf De Schelde")
    offer = make.offer(company, title="Lasrobot demonstratie",
                       description="Booglassen met een robotarm.")

    words = words_of_offer(offer.id)

    assert {"lasrobot", "demonstratie", "booglassen", "robotarm", "scheepswerf", "schelde",
            "vlissingen", "metaal", "metalworking"} <= words
    assert not {"de", "met", "een"} & words  # stop words


def test_an_edited_offer_is_indexed_anew(make):
    offer = make.offer(make.company(), status="draft", title="Lasrobot demonstratie")
    before = changes_of(offer.id)
    make.revise(offer, title="Zonnepanelen leggen",
                sector_ids=[sector_by_code("energie").id])

    words = words_of_offer(offer.id)

    assert "zonnepanelen" in words and "lasrobot" not in words
    assert changes_of(offer.id) > before  # every process's search reads it again


def test_a_renamed_company_reindexes_its_offers(make):
    company = make.company(place="Goes", name="Van Dijk Metaal")
    offer = make.offer(company)
    profiles.update_company(actor=make.owner_of(company), company=company,
                            name="Zeeuwse Lastechniek", number=company.kvk_number,
                            place_name="Goes", sector_ids=[s.id for s in company.sectors])

    words = words_of_offer(offer.id)

    assert {"zeeuwse", "lastechniek"} <= words and "dijk" not in words


def test_a_rebuild_gives_what_the_offers_kept_themselves(make):
    offers = [make.offer(make.company(place=place), title=title) for place, title in (
        ("Vlissingen", "Rondleiding scheepswerf"), ("Terneuzen", "Gastles procestechniek"))]
    offers.append(make.placement(make.company(place="Goes")))
    before = {o.id: (words_of_offer(o.id), o.search_until) for o in offers}

    rebuild_index()
    db.session.expire_all()

    after = {o.id: (words_of_offer(o.id), o.search_until) for o in offers}
    assert after == before
    assert all(value[1] is not None for value in after.values())  # all can be found
