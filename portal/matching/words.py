"""Words of offers and searches: folded, without stop words, matched with Dutch word forms.

Pure functions, shared by the ranking rules (which read an offer's own text) and the word
index (which stores the same words per offer), so both find exactly the same offers.

A searched word matches a word of an offer with a score from 0 to 100:

- 100: the same word, or the start of it ("las" finds "lasser");
- 95: the Dutch stem of the searched word starts it ("lassen" -> "las" finds "lastechniek");
- 90: the searched word lies inside a compound ("lassen" in "booglassen");
- 85: its stem of 4 or more letters lies inside a compound ("zonnepanel" in "zonnepanelenveld");
- otherwise the typo similarity (rapidfuzz's ratio: "lasen" and "lassen" score 91); a word of
  one or two letters only matches itself (or, from 3 letters, the start of a word).

Below MATCH_FROM a word does not match. An offer fits a text search when every searched word
matches one of its words; its text score is the mean of each searched word's best score.
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache

import snowballstemmer
from rapidfuzz import fuzz
from rapidfuzz.utils import default_process

MATCH_FROM = 80
# Longest word kept: longer "words" are codes or pasted links, not what anyone types.
LONGEST_WORD = 40

# Words too common to tell offers apart, Dutch and English; a search of only these finds all.
_STOP_WORDS = """
aan al als bij dan dat de deze die dit door een en er het hier hij hoe in is je jij jullie kan
kunnen maar met na naar niet nog of om onder ons onze ook op over te tot u uit uw van voor wat
we wij wordt worden zal ze zich zijn zo
a an and are as at be by for from in is it of on or the to with you your
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())

_stemmer = snowballstemmer.stemmer("dutch")


def fold(text: str) -> str:
    """Lower case, accents removed, every character but letters and digits a space."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return default_process("".join(ch for ch in decomposed if not unicodedata.combining(ch)))


def words_of(*texts: str) -> list[str]:
    """The distinct words of the texts, in order of appearance, as the index keeps them."""
    seen: dict[str, None] = {}
    for text in texts:
        for word in fold(text).split():
            if len(word) >= 2 and len(word) <= LONGEST_WORD and word not in STOP_WORDS:
                seen.setdefault(word, None)
    return list(seen)


@lru_cache(maxsize=4096)
def stem(word: str) -> str:
    return _stemmer.stemWord(word)


def word_score(token: str, word: str) -> float:
    """How well the searched word (folded) matches a word of an offer, 0 to 100: the highest
    of the rules in the module's docstring."""
    if word.startswith(token) and (len(token) >= 3 or word == token):
        return 100.0
    if len(token) < 3:
        return 0.0  # too short to guess what a misspelling meant
    value = fuzz.ratio(token, word)
    root = stem(token)
    if len(root) >= 3 and root != token and word.startswith(root):
        value = max(value, 95.0)
    if len(token) >= 4 and token in word:
        value = max(value, 90.0)
    if len(root) >= 4 and root in word:
        value = max(value, 85.0)
    return value


def search_tokens(text: str) -> tuple[str, ...]:
    """The searched words, folded and without stop words, each once."""
    return tuple(words_of(text))


def best_of(scored) -> tuple[float, str | None]:
    """The best (score, word) of (word, score) pairs (ties: the first word in alphabetical
    order, so every path names the same word)."""
    best, best_word = 0.0, None
    for word, value in scored:
        if value > best or (value == best and best_word is not None and word < best_word):
            best, best_word = value, word
    return best, best_word


def best_match(token: str, words) -> tuple[float, str | None]:
    """The best score of a searched word over an offer's words, and that word."""
    return best_of((word, word_score(token, word)) for word in words)


def combine(per_token) -> tuple[float, str | None] | None:
    """(mean score, the word named) from each searched word's (word, score) pairs, or None
    when one of them matches nothing. The word named is the best match of the best-matching
    searched word (ties: the earlier one)."""
    total, named, named_score, count = 0.0, None, -1.0, 0
    for scored in per_token:
        value, word = best_of(scored)
        if value < MATCH_FROM:
            return None
        total += value
        count += 1
        if value > named_score:
            named, named_score = word, value
    return (total / count, named) if count else None


def text_match(tokens: tuple[str, ...], words) -> tuple[float, str | None] | None:
    """(score 0-100, the word that matched best) when every token matches, else None."""
    return combine(((word, word_score(token, word)) for word in words) for token in tokens)


def matching_words(token: str, vocabulary) -> dict[str, float]:
    """Every word of the vocabulary (a sorted sequence of distinct words) that matches the
    searched word, with its score: the same scores as word_score, computed in bulk."""
    import bisect

    from rapidfuzz import process

    found: dict[str, float] = {}

    def take(word, value):
        if value > found.get(word, 0.0):
            found[word] = value

    def starting_with(prefix):
        start = bisect.bisect_left(vocabulary, prefix)
        for index in range(start, len(vocabulary)):
            if not vocabulary[index].startswith(prefix):
                break
            yield vocabulary[index]

    if len(token) >= 3:
        for word in starting_with(token):
            take(word, 100.0)
    else:
        index = bisect.bisect_left(vocabulary, token)
        if index < len(vocabulary) and vocabulary[index] == token:
            take(token, 100.0)
    root = stem(token)
    if len(root) >= 3 and root != token:
        for word in starting_with(root):
            take(word, 95.0)
    if len(token) >= 4:
        for word in vocabulary:
            if token in word:
                take(word, 90.0)
    if len(root) >= 4:
        for word in vocabulary:
            if root in word:
                take(word, 85.0)
    if len(token) >= 3:
        for word, value, _index in process.extract(token, vocabulary, scorer=fuzz.ratio,
                                                   score_cutoff=MATCH_FROM, limit=None):
            take(word, value)
    return {word: value for word, value in found.items() if value >= MATCH_FROM}
