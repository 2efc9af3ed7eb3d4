"""portal.text: what is left of typed text once the invisible and the reordering is taken out."""
import pytest

from portal.text import clean_text, is_blank

ZWSP, ZWNJ, ZWJ, WJ, BOM = "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"
LRE, RLE, PDF, LRO, RLO = "\u202a", "\u202b", "\u202c", "\u202d", "\u202e"
LRI, RLI, FSI, PDI = "\u2066", "\u2067", "\u2068", "\u2069"
HANGUL_FILLER, HALFWIDTH_FILLER, CHOSEONG_FILLER, JUNGSEONG_FILLER = (
    "\u3164", "\uffa0", "\u115f", "\u1160")
BRAILLE_BLANK, CGJ, VS16, SOFT_HYPHEN, NBSP, IDEOGRAPHIC_SPACE = (
    "\u2800", "\u034f", "\ufe0f", "\u00ad", "\u00a0", "\u3000")

INVISIBLE = [
    "", " ", "\t\n", ZWSP, ZWSP * 5, RLO, LRI + PDI, RLO + ZWSP + PDF, HANGUL_FILLER,
    HALFWIDTH_FILLER, CHOSEONG_FILLER + JUNGSEONG_FILLER, BRAILLE_BLANK * 3, CGJ, VS16,
    SOFT_HYPHEN, NBSP, IDEOGRAPHIC_SPACE, "\u2028\u2029", ZWNJ + ZWJ + WJ + BOM,
    "\x00\x07\x1b", "\u0301\u0308",  # combining marks with nothing to combine with
    "\U000e0100",  # a variation selector of the supplement
    " " + ZWSP + RLO + HANGUL_FILLER + "\u0301 ",
]


@pytest.mark.parametrize("value", INVISIBLE, ids=repr)
def test_text_that_shows_nothing_is_blank_and_cleans_to_nothing(value):
    assert is_blank(value)
    assert clean_text(value) == ""
    assert clean_text(value, multiline=True) == ""


@pytest.mark.parametrize("value", ["a", "é", "e\u0301", "Zoë", "3", "-", "\u00b7", "😀",
                                   "👍🏽", "דוד", "مدرسة", "東京", "한", ZWSP + "x"], ids=repr)
def test_text_with_anything_visible_is_not_blank(value):
    assert not is_blank(value)
    assert clean_text(value)


def test_none_stays_none():
    assert clean_text(None) is None
    assert is_blank(None)


@pytest.mark.parametrize("control", [LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI, PDI])
def test_direction_controls_go_and_the_visible_text_stays(control):
    assert clean_text(f"Rondleiding {control}lasrobots") == "Rondleiding lasrobots"


def test_an_override_inside_a_title_is_taken_out():
    title = f"Gastles {RLO}fdp.exe{PDF} drones"

    assert clean_text(title) == "Gastles fdp.exe drones"


def test_marks_that_set_direction_without_overriding_stay():
    text = "Naam: \u200fדוד\u200e (Israël)"

    assert clean_text(text) == text


def test_control_characters_go():
    assert clean_text("Las\x00ser\x07ij\x1b[31m") == "Lasserij[31m"
    assert clean_text("a\x7fb\x85c") == "abc"


def test_one_line_gets_spaces_for_breaks_and_tabs():
    assert clean_text("Gastles\tdrones\r\nbouwen\rmet\u2028ons") == (
        "Gastles drones bouwen met ons")


def test_several_lines_keep_their_breaks_and_tabs_in_one_form():
    text = "Beste docent,\r\n\r\nTot dan.\rGroet,\n\tIlse\u2028PS"

    assert clean_text(text, multiline=True) == "Beste docent,\n\nTot dan.\nGroet,\n\tIlse\nPS"


def test_blanks_and_invisible_characters_around_the_text_go():
    assert clean_text(f"  {ZWSP}{BOM}{HANGUL_FILLER}Acme{ZWSP}{NBSP} \n") == "Acme"
    assert clean_text(f"\u0301{CGJ}Acme") == "Acme"
    assert clean_text("\n\n  Eerste regel\n\n", multiline=True) == "Eerste regel"


def test_what_belongs_to_an_emoji_at_the_end_stays():
    heart = "Bedankt \u2764\ufe0f"
    flag = "Groeten uit \U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"
    family = "Team \U0001f468\u200d\U0001f469\u200d\U0001f467"

    assert clean_text(heart) == heart
    assert clean_text(flag) == flag
    assert clean_text(family) == family


def test_zero_width_characters_inside_words_stay():
    # ZWNJ is part of Persian spelling, ZWJ of emoji; inside a text they do no harm.
    assert clean_text("می\u200cخواهم") == "می\u200cخواهم"


def test_cleaning_twice_changes_nothing_more():
    value = f" {RLO}Gastles{PDF}\r\n\x00drones{ZWSP} "
    once = clean_text(value, multiline=True)

    assert clean_text(once, multiline=True) == once
    assert clean_text(clean_text(value)) == clean_text(value)


def test_a_subclass_of_str_comes_back_as_text():
    class Tagged(str):
        pass

    assert clean_text(Tagged(" Vlissingen ")) == "Vlissingen"


def test_the_module_is_pure():
    """bookings/rules.py, a pure module, uses it: no Flask and no database here either."""
    from tests.unit.test_architecture import PORTAL, imported_modules

    assert set(imported_modules(PORTAL / "text.py")) == {"unicodedata"}
