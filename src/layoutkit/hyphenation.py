"""De-hyphenation decisions at line ends, backed by a word-frequency lexicon.

A line that ends in a hyphen followed by a line that starts with a lowercase
letter is either a *break hyphen* (the typesetter split one word:
"recon-" / "struction") or the hyphen of a *hyphenated compound* that
happens to fall at the line end ("well-" / "known").  The decision uses
`wordfreq <https://pypi.org/project/wordfreq/>`_ Zipf frequencies
(log10 of occurrences per billion words; 0 = unknown, ~3 = an ordinary
word, 6+ = a function word) for English, German and French.

wordfreq splits hyphenated tokens, so it cannot tell us directly how often
"well-known" is written with a hyphen; instead we compare the joined form
("wellknown", rare) with its two halves ("well", "known", both very common):
when both halves are real words and the joined form is clearly rarer than
them, the hyphen is kept; when the joined form is a known word, or a half
is not a word at all, the hyphen is removed.

Pure functions, no module state; the lexicon lookups are cached by
wordfreq itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: characters that mark a line-end hyphen: hyphen-minus, soft hyphen,
#: Unicode hyphen, the "not sign" some OCR engines emit, and the Fraktur
#: double oblique hyphen.
HYPHENS = "-\u00ad\u2010¬\u2e17"
SOFT_HYPHEN = "\u00ad"

SUPPORTED = ("en", "de", "fr")

#: French enclitics written with a hyphen after a verb ("dit-il", "a-t-elle")
#: or demonstrative particles ("celui-ci", "là-bas").
_FR_CLITICS = frozenset(
    "il ils elle elles on je tu nous vous ce moi toi lui leur leurs le la les y en t-il t-elle "
    "t-on ci là même mêmes".split()
)

#: English prefixes that are (almost) always written with a hyphen.
_EN_HYPHEN_PREFIXES = frozenset("self ex all half quasi".split())

#: English prefixes usually written with a hyphen before a word even where
#: a closed form is in use ("co-worker", "mid-term", "non-stop").
_EN_LOOSE_PREFIXES = frozenset("co mid non".split())

#: English heads that make closed words, not hyphenated compounds: bound
#: prefixes and particles ("re-opened", "for-giving", "with-holding").
_EN_CLOSED_HEADS = frozenset("re un dis de mis for with be up out over under down in on".split())

#: English particles that make hyphenated nouns of verbs ("build-up",
#: "stand-off", "check-in").
_EN_PARTICLES = frozenset("up in off over down out on".split())

#: irregular past participles that end compound adjectives ("home-grown")
_EN_PARTICIPLES = frozenset(
    "known grown born made built run done worn drawn shown written taken given held set "
    "cut hit brought bought caught thought sought taught fought won lost kept left led "
    "paid said sold told found bound ground wound spun struck stuck hung".split())

_STOPWORDS = {
    "en": frozenset("the and of to in is that for with was on are as by this from it be at an which".split()),
    "de": frozenset("der die das und ist nicht den dem ein eine mit für von zu auf im sich des auch".split()),
    "fr": frozenset("le la les et est des une un du pour dans que qui pas sur au avec ce sont aux".split()),
}

_WORD_RE = re.compile(r"[^\W\d_]+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class HyphenDecision:
    """Outcome for one line-end hyphen.

    ``keep`` is True when the hyphen stays (compound); ``text`` is how the two
    halves are written joined (``"well-known"`` or ``"reconstruction"``);
    ``reason`` is the evidence in words (with the Zipf figures used).
    """

    keep: bool
    text: str
    reason: str


def guess_language(text: str, default: str = "en") -> str:
    """Guess en/de/fr from stop-word counts; ``default`` when nothing matches."""
    words = [w.lower() for w in _WORD_RE.findall(text[:20000])]
    if not words:
        return default
    scores = {lang: sum(w in sw for w in words) for lang, sw in _STOPWORDS.items()}
    best = max(scores, key=lambda k: scores[k])
    return best if scores[best] > 0 else default


def _zipf(word: str, lang: str) -> float:
    from wordfreq import zipf_frequency

    return float(zipf_frequency(word, lang))


def _participle(word: str, lang: str) -> bool:
    """Whether an English ``word`` is a participle of a common word
    ("working", "being", "selling", "grown"), by its ending and stem."""
    if word in _EN_PARTICIPLES:
        return True
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) > len(suffix) + 1:
            stem = word[: -len(suffix)]
            stems = {stem, stem + "e"} | ({stem[:-1]} if len(stem) > 2 and stem[-1] == stem[-2] else set())
            if any(_zipf(st, lang) >= 3.5 and len(st) >= 2 for st in stems):
                return True
    return False


def decide(left_word: str, right_word: str, language: str = "en", hyphen: str = "-") -> HyphenDecision:
    """Decide whether the hyphen between ``left_word`` (without its hyphen)
    and ``right_word`` (the start of the next line) is a break hyphen.

    ``left_word`` may itself contain hyphens ("state-of-the"); only its last
    part is weighed against ``right_word``.  Callers only ask when
    ``right_word`` starts with a lowercase letter; other cases keep the hyphen.
    """
    lang = language if language in SUPPORTED else "en"
    keep_text = f"{left_word}{hyphen if hyphen != SOFT_HYPHEN else ''}{right_word}"
    if hyphen == SOFT_HYPHEN:
        return HyphenDecision(False, left_word + right_word, "soft hyphen marks a discretionary break")
    if not right_word or not right_word[0].islower():
        return HyphenDecision(True, f"{left_word}-{right_word}", "next line does not start with a lowercase letter")
    head = re.split(f"[{re.escape(HYPHENS)}]", left_word)[-1]
    if not head or any(c.isdigit() for c in head) or (len(head) > 1 and head.isupper()):
        return HyphenDecision(True, f"{left_word}-{right_word}", "left part is an abbreviation or number")
    # Only the letters matter for the lexicon; trailing punctuation on the right is not part of the word.
    m = _WORD_RE.match(right_word)
    tail = m.group(0) if m else right_word
    joined = (head + tail).lower()
    zj = _zipf(joined, lang)
    zl = _zipf(head.lower(), lang)
    zr = _zipf(tail.lower(), lang)
    figures = f"zipf {head}{tail}={zj:.2f}, {head}={zl:.2f}, {tail}={zr:.2f}"
    if lang == "fr" and tail.lower() in _FR_CLITICS:
        return HyphenDecision(True, f"{left_word}-{right_word}", f"French enclitic after a hyphen ({figures})")
    if "-" in left_word and zj < 3.0:
        # inside a multi-part compound ("state-of-the-art", "mother-in-law")
        return HyphenDecision(True, f"{left_word}-{right_word}", f"part of a hyphenated compound ({figures})")
    if lang == "en" and head.lower() in _EN_HYPHEN_PREFIXES and zj < 3.0:
        return HyphenDecision(True, f"{left_word}-{right_word}", f"prefix {head}- is written with a hyphen ({figures})")
    after = right_word[len(tail):len(tail) + 2]
    if len(after) == 2 and after[0] in HYPHENS and after[1].isalpha():
        # the next line goes on with another hyphen ("up-" / "to-date")
        return HyphenDecision(True, f"{left_word}-{right_word}", f"part of a hyphenated compound ({figures})")
    halves_are_words = min(len(head), len(tail)) >= 2 and zl >= 2.5 and zr >= 2.5
    if not halves_are_words:
        return HyphenDecision(False, left_word + right_word, f"a half is not a word ({figures})")
    if lang == "de":
        # German writes compounds closed; a hyphen before a lowercase word is a break
        # unless the joined form is unknown while the halves are common words.
        keep = zj == 0.0 and min(zl, zr) >= 3.5
    else:
        keep = zj < min(3.5, min(zl, zr) - 0.9) or zj < 2.0
        if lang == "en" and keep and zj >= 3.0:
            # a closed form this common (one to three in a million words:
            # "backlog", "mayoral", "reopened") is the spelling of a word,
            # unless the parts read as a compound: a loose prefix
            # ("co-worker"), a participle of a word ("hard-working",
            # "home-grown", "well-being"), a verb and its particle ("build-up")
            keep = head.lower() not in _EN_CLOSED_HEADS and (
                head.lower() in _EN_LOOSE_PREFIXES or _participle(tail.lower(), lang)
                or tail.lower() in _EN_PARTICLES)
    if keep:
        return HyphenDecision(True, keep_text, f"both halves are words and the joined form is rare ({figures})")
    return HyphenDecision(False, left_word + right_word, f"joined form is a known word ({figures})")
