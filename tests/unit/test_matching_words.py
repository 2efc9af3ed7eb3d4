"""The words of offers and searches (portal.matching.words): folding, stop words, Dutch word
forms and typos, and the bulk lookup that the word index uses (which must score exactly like
the per-word rule, or the search and the pure ranking would find different offers)."""
import random

import pytest

from portal.matching.words import (
    LONGEST_WORD,
    MATCH_FROM,
    STOP_WORDS,
    best_match,
    fold,
    matching_words,
    search_tokens,
    text_match,
    word_score,
    words_of,
)

# --- folding and words ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Lassen", "lassen"),
        ("ÉLÈVE", "eleve"),
        ("Café", "cafe"),
        ("Ĳsselmeer", "ijsselmeer"),  # the Dutch ij ligature becomes two letters
        ("Groeten uit Curaçao", "groeten uit curacao"),
        ("TIG-lassen", "tig lassen"),
        ("CNC/frezen", "cnc frezen"),
        ("  lassen?! ", "lassen"),
        ("", ""),
        (None, ""),
    ],
)
def test_fold(text, folded):
    assert fold(text) == folded


def test_fold_splits_on_every_kind_of_punctuation():
    assert fold("Zeeuws-Vlaanderen, MIG/MAG (lassen); 3D-printen & co.").split() == [
        "zeeuws", "vlaanderen", "mig", "mag", "lassen", "3d", "printen", "co"]


def test_fold_makes_every_other_character_a_space():
    assert fold("Zeeuws-Vlaanderen, Zeeland").split() == ["zeeuws", "vlaanderen", "zeeland"]
    assert fold("a, b") == "a  b"


def test_stop_words_are_dropped_dutch_and_english():
    assert words_of("De lasser en het lassen van de werf") == ["lasser", "lassen", "werf"]
    assert words_of("The welder and the shipyard") == ["welder", "shipyard"]
    assert {"de", "het", "een", "en", "van", "the", "and"} <= STOP_WORDS


def test_a_search_of_only_stop_words_has_no_tokens():
    assert search_tokens("de en het van") == ()
    assert search_tokens("  ?! ") == ()


def test_words_of_keeps_order_and_each_word_once_over_all_texts():
    assert words_of("Lassen bij Damen", "Damen Shipyards", "LASSEN", "metaal") == [
        "lassen", "damen", "shipyards", "metaal"]


def test_words_of_drops_single_letters_and_overlong_words():
    longest = "x" * LONGEST_WORD
    assert words_of("k 3d 5 ab", longest, longest + "y") == ["3d", "ab", longest]


def test_search_tokens_fold_and_deduplicate():
    assert search_tokens("Lassen, LASSEN en Booglassen") == ("lassen", "booglassen")


# --- one searched word against one word ---------------------------------------------


@pytest.mark.parametrize(
    ("token", "word", "expected"),
    [
        ("lassen", "lassen", 100.0),  # the same word
        ("las", "lasser", 100.0),  # 3 letters: the start of a word is a full hit
        ("las", "lastechniek", 100.0),
        ("lassen", "lasser", 95.0),  # the stem "las" starts it
        ("lassen", "lastechniek", 95.0),
        ("lassen", "booglassen", 90.0),  # inside a compound
        ("zonnepanel", "zonnepanelenveld", 100.0),
    ],
)
def test_word_score_rules(token, word, expected):
    assert word_score(token, word) == expected


@pytest.mark.parametrize(
    ("token", "word"),
    [
        ("lassen", "lasser"),
        ("lassen", "lastechniek"),
        ("lassen", "booglassen"),
        ("lasen", "lassen"),  # a typo
        ("zonnepaneel", "zonnepanelen"),  # singular finds plural
        ("elektrotechnik", "elektrotechniek"),  # a typo in a long word
        ("las", "lasser"),
        ("metal", "metaal"),
    ],
)
def test_word_forms_and_typos_match(token, word):
    assert word_score(token, word) >= MATCH_FROM


def test_typo_scores_are_rapidfuzz_ratios():
    assert word_score("lasen", "lassen") == pytest.approx(90.91, abs=0.01)
    assert word_score("elektrotechnik", "elektrotechniek") == pytest.approx(96.55, abs=0.01)
    assert word_score("zonnepaneel", "zonnepanelen") == pytest.approx(86.96, abs=0.01)


@pytest.mark.parametrize(
    ("token", "word"),
    [("bakker", "lassen"), ("kapper", "lasser"), ("zorg", "zonnepanelen"), ("lassen", "glas")],
)
def test_unrelated_words_do_not_match(token, word):
    assert word_score(token, word) < MATCH_FROM


def test_a_two_letter_token_is_no_prefix_hit():
    assert word_score("la", "la") == 100.0
    assert word_score("la", "lassen") < MATCH_FROM
    assert word_score("la", "lasser") < MATCH_FROM
    assert word_score("cv", "cv") == 100.0
    assert word_score("cv", "cvketel") < MATCH_FROM
    assert matching_words("la", ["la", "lassen", "lasser", "lastechniek"]) == {"la": 100.0}


def test_a_two_letter_token_only_matches_the_exact_word():
    assert word_score("la", "las") < MATCH_FROM
    assert matching_words("la", ["la", "lab", "las"]) == {"la": 100.0}


def test_no_search_words_match_nothing():
    assert text_match((), ("lassen",)) is None


# --- a search against an offer's words ---------------------------------------------

OFFER = tuple(words_of("Gastles lassen", "Damen Shipyards Vlissingen", "Metaal"))


def test_best_match_names_the_best_word():
    assert best_match("lasen", OFFER) == (pytest.approx(90.91, abs=0.01), "lassen")
    assert best_match("damen", OFFER) == (100.0, "damen")


def test_best_match_ties_name_the_first_word_in_alphabetical_order():
    words = ("installatietechniek", "elektrotechniek", "werktuigbouw")
    assert best_match("techniek", words) == (90.0, "elektrotechniek")
    assert best_match("techniek", tuple(reversed(words))) == (90.0, "elektrotechniek")


def test_text_match_every_word_must_match():
    assert text_match(("lassen",), OFFER) == (100.0, "lassen")
    assert text_match(("lassen", "bakkerij"), OFFER) is None
    assert text_match(("bakkerij", "lassen"), OFFER) is None
    assert text_match(("bakkerij",), OFFER) is None


def test_text_match_score_is_the_mean_of_each_words_best():
    value, word = text_match(("lassen", "metal"), OFFER)
    assert value == pytest.approx((100 + 100 * 10 / 11) / 2)
    assert word == "lassen"


def test_text_match_names_the_best_matching_token_earlier_on_ties():
    # "metal" is a typo (91), "damen" exact (100): the exact one is named.
    assert text_match(("metal", "damen"), OFFER)[1] == "damen"
    # Both exact: the earlier searched word is named.
    assert text_match(("damen", "lassen"), OFFER) == (100.0, "damen")
    assert text_match(("lassen", "damen"), OFFER) == (100.0, "lassen")


def test_one_offer_word_may_serve_several_tokens():
    assert text_match(("las", "lassen"), ("lassen",)) == (100.0, "lassen")


# --- matching_words: the bulk lookup scores exactly like word_score -------------------


def test_matching_words_examples():
    vocabulary = sorted(["booglassen", "gastles", "glas", "lasser", "lassen", "lastechniek",
                         "metaal", "zonnepanelen"])
    assert matching_words("lassen", vocabulary) == {
        "lassen": 100.0, "lasser": 95.0, "lastechniek": 95.0, "booglassen": 90.0}
    assert matching_words("zonnepaneel", vocabulary) == {
        "zonnepanelen": pytest.approx(86.96, abs=0.01)}
    assert matching_words("bakker", vocabulary) == {}
    assert matching_words("lassen", []) == {}


# Real-ish Dutch words of trades, schools and places; compounds are made from them too.
DUTCH = """
lassen lasser lastechniek booglassen laswerk lasapparaat laskap lasrobot last glas glazen
metaal metalen metaalbewerking staal staalbouw staalconstructies plaatwerk plaatwerker
frezen freesmachine draaien draaibank verspanen verspaner constructie bankwerker kantbank
elektrotechniek elektro elektromonteur elektrisch installatie installaties installateur
installatietechniek zonnepaneel zonnepanelen omvormer laadpaal laadpalen schakelkast
schakelkasten domotica monteur servicemonteur storing storingen multimeter
warmtepomp warmtepompen ventilatie klimaat klimaattechniek sanitair loodgieter leidingen
koeltechniek koeltechnicus verwarming ketel ketels cv ict pv ai la las lab
bouw bouwen bouwkunde timmerman timmeren timmerwerk metselaar metselen beton betonbouw
schilder schilderen schilderwerk stukadoor dakdekker dak daken steiger steigerbouw
zorg zorgen verpleging verpleegkundige verzorgende ziekenhuis kraamzorg thuiszorg
welzijn kinderopvang pedagogisch medewerker begeleider jeugdzorg ouderenzorg
kapper kapsalon haar schoonheidsspecialist nagels
bakker bakkerij brood banket patissier kok koken keuken restaurant horeca gastheer
gastvrouw hotel receptie catering slager slagerij vlees kaas zuivel melk
logistiek magazijn heftruck chauffeur vrachtwagen transport haven havens scheepvaart
schip schepen scheepsbouw werf scheepswerf matroos binnenvaart douane container
landbouw tuinbouw kas kassen bloemen boomkwekerij veehouderij dierverzorging dieren
hovenier groen groenvoorziening bos natuur water waterbeheer dijk dijken
ict programmeren programmeur software netwerk netwerken beheerder website webdesign
applicatie ontwikkelaar data database cybersecurity beveiliging
techniek technisch technologie mechatronica robot robotica automatisering
procestechniek operator chemie laboratorium analist onderzoek
winkel verkoop verkoper retail kassa klant klanten marketing communicatie
administratie boekhouding financieel secretaresse kantoor juridisch
onderwijs school leerling leerlingen docent gastles bedrijfsbezoek stage stages
snuffelstage meeloopdag workshop excursie rondleiding praktijk
vlissingen middelburg goes terneuzen zierikzee eindhoven amsterdam rotterdam utrecht
groningen zwolle arnhem nijmegen maastricht breda tilburg leiden delft haarlem
"""


def _vocabulary(generator: random.Random) -> list[str]:
    base = sorted(set(DUTCH.split()))
    words = set(generator.sample(base, 220))
    while len(words) < 380:  # compounds, as Dutch makes them: "lasrobot", "zorgwerf"
        first, second = generator.sample(base, 2)
        words.add(first + second)
    return sorted(words_of(" ".join(sorted(words))))


def _typo(word: str, generator: random.Random) -> str:
    letters = "abcdefghijklmnopqrstuvwxyz"
    at = generator.randrange(len(word))
    kind = generator.randrange(4)
    if kind == 0:  # a letter left out
        return word[:at] + word[at + 1:] or word
    if kind == 1:  # a letter too many
        return word[:at] + generator.choice(letters) + word[at:]
    if kind == 2:  # a wrong letter
        return word[:at] + generator.choice(letters) + word[at + 1:]
    if len(word) > 1:  # two letters swapped
        at = min(at, len(word) - 2)
        return word[:at] + word[at + 1] + word[at] + word[at + 2:]
    return word


def _tokens(vocabulary: list[str], generator: random.Random) -> list[str]:
    known = sorted(set(DUTCH.split()))
    tokens = set()
    for word in generator.sample(vocabulary, 60) + generator.sample(known, 60):
        tokens.add(word)
        tokens.add(word[:generator.randint(2, max(2, len(word)))])  # a prefix
        tokens.add(_typo(word, generator))
        tokens.add(_typo(_typo(word, generator), generator))
        tokens.add(word + generator.choice(["en", "s", "er", "je", "tje", "ing"]))
    tokens.update(["la", "las", "cv", "ai", "lasen", "zonnepaneel", "elektrotechnik",
                   "techniek", "xq", "bakker", "zzzzzz"])
    # Only what a search can hold: folded words of 2 to LONGEST_WORD letters, no stop words.
    return sorted(token for token in tokens if search_tokens(token) == (token,))


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 2026])
def test_matching_words_equals_word_score_over_the_vocabulary(seed):
    generator = random.Random(seed)
    vocabulary = _vocabulary(generator)
    tokens = _tokens(vocabulary, generator)
    assert len(vocabulary) > 300 and len(tokens) > 300
    for token in tokens:
        expected = {word: word_score(token, word) for word in vocabulary
                    if word_score(token, word) >= MATCH_FROM}
        assert matching_words(token, vocabulary) == expected, token


def test_matching_words_covers_every_rule():
    # The property test above is only as good as the rules its tokens reach: make sure each
    # score band of word_score occurs in it.
    generator = random.Random(1)
    vocabulary = _vocabulary(generator)
    seen = set()
    for token in _tokens(vocabulary, generator):
        for value in matching_words(token, vocabulary).values():
            seen.add(value if value in (100.0, 95.0, 90.0, 85.0) else "ratio")
    assert seen == {100.0, 95.0, 90.0, 85.0, "ratio"}
