"""De-hyphenation against the lexicon: break hyphens removed, compound hyphens kept.

The word lists are written for this test (newspaper vocabulary); break
points of the break words are every legal hyphenation point that leaves at
least two letters on each side (pyphen's en_US patterns), so the test does
not pick easy splits.
"""

from __future__ import annotations

import pyphen
import pytest

from layoutkit.hyphenation import decide, guess_language

BREAK_WORDS = """
reconstruction government information international development administration
department community education environment investigation committee representative
construction agreement spokesman president economic population temperature
announcement infrastructure negotiations relationship responsibility opportunity
organization technology university hospital restaurant independence conference
significant particularly unemployment manufacturing transportation recommendation
legislation parliament regulation competition production protection operation
photograph celebration neighborhood championship electricity agriculture
industrial commercial financial political historical traditional national
approximately immediately especially previously apparently currently eventually
considerable remarkable comfortable available valuable vulnerable
understanding everything something interesting beginning happening
statement settlement movement management improvement requirement
performance appearance insurance difference experience evidence influence
television telephone equipment apartment department candidate demonstrate
contribute distribute determine examine establish accomplish encourage
interview newspaper yesterday afternoon tomorrow weekend together however
successful wonderful beautiful powerful peaceful thoughtful
presidential congressional constitutional professional additional
passenger messenger character customer minister officer worker volunteer
""".split()

# Hyphenated compounds, split at their hyphen (the hyphen printed at the line end).
COMPOUNDS = """
well-known long-term state-owned short-term high-level low-income full-time part-time
self-esteem self-driving ex-president all-time half-hour long-standing
two-thirds one-third far-reaching left-wing right-wing hard-working good-looking
front-page best-selling record-breaking fast-growing so-called well-being
year-old high-quality old-fashioned open-ended man-made home-grown
short-lived long-lasting middle-class first-class world-class high-speed
low-cost high-profile last-minute up-to-date face-to-face mother-in-law
cross-border sea-level middle-aged brother-in-law decision-making policy-making
hand-picked thought-provoking time-consuming life-threatening heart-breaking
tax-free duty-free fire-fighting water-borne air-conditioned cold-blooded
long-range short-range full-scale large-scale small-scale ice-cold red-hot
built-in check-in sign-up follow-up break-in stand-off run-off take-off
non-stop non-violent co-founder vice-chairman sister-in-law open-air
""".split()


def _break_cases() -> list[tuple[str, str, str]]:
    dic = pyphen.Pyphen(lang="en_US")
    cases = []
    for w in BREAK_WORDS:
        for pos in dic.positions(w):
            if 2 <= pos <= len(w) - 2:
                cases.append((w, w[:pos], w[pos:]))
    return cases


def _compound_cases() -> list[tuple[str, str, str]]:
    cases = []
    for c in COMPOUNDS:
        parts = c.split("-")
        for i in range(1, len(parts)):
            cases.append((c, "-".join(parts[:i]), "-".join(parts[i:])))
    return cases


def test_break_hyphens_removed_at_least_98_percent() -> None:
    cases = _break_cases()
    assert len(cases) > 250
    wrong = [(w, a, b) for w, a, b in cases if decide(a, b, "en").keep]
    rate = 1 - len(wrong) / len(cases)
    assert rate >= 0.98, f"{rate:.3f} removed; kept wrongly: {wrong[:20]}"


def test_compound_hyphens_kept_at_least_95_percent() -> None:
    cases = _compound_cases()
    assert len(cases) > 70
    wrong = [(w, a, b) for w, a, b in cases if not decide(a, b, "en").keep]
    rate = 1 - len(wrong) / len(cases)
    assert rate >= 0.95, f"{rate:.3f} kept; removed wrongly: {wrong}"


@pytest.mark.parametrize(
    ("left", "right", "lang", "keep", "text"),
    [
        ("recon", "struction", "en", False, "reconstruction"),
        ("well", "known", "en", True, "well-known"),
        ("COVID", "related", "en", True, "COVID-related"),
        ("anti", "American", "en", True, "anti-American"),
        ("Straßen", "bahn", "de", False, "Straßenbahn"),
        ("Regie", "rung", "de", False, "Regierung"),
        ("gouverne", "ment", "fr", False, "gouvernement"),
        ("peut", "être", "fr", True, "peut-être"),
        ("dit", "il", "fr", True, "dit-il"),
        ("porte", "parole", "fr", True, "porte-parole"),
    ],
)
def test_examples(left: str, right: str, lang: str, keep: bool, text: str) -> None:
    d = decide(left, right, lang)
    assert (d.keep, d.text) == (keep, text), d.reason


def test_soft_hyphen_always_removed() -> None:
    assert decide("well", "known", "en", hyphen="\u00ad").text == "wellknown"


def test_guess_language() -> None:
    assert guess_language("Die Regierung hat die Reform nicht beschlossen und ist mit dem Plan") == "de"
    assert guess_language("Le gouvernement a annoncé que les prix des loyers sont stables dans la ville") == "fr"
    assert guess_language("The council said that the plan was approved by the board") == "en"


@pytest.mark.parametrize("left,right,keep", [
    # closed forms of Zipf 3 to 3.5: words of their own, joined
    ("back", "log", False), ("may", "oral", False), ("prefer", "ring", False),
    ("re", "opened", False), ("with", "holding", False), ("club", "house", False),
    # ... unless the parts read as a compound
    ("hard", "working", True), ("home", "grown", True), ("co", "worker", True),
    ("build", "up", True), ("non", "stop", True),
    # the next line goes on with another hyphen
    ("up", "to-date", True),
])
def test_common_closed_forms_and_compounds(left: str, right: str, keep: bool) -> None:
    assert decide(left, right, "en").keep is keep
