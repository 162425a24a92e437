"""Finding an exercise from whatever people type: names, typos, body parts, plain words.

Pure: it takes the catalogue and a phrase. In order, and the first that
decides wins:
1. a name or alias said in the phrase ("how do I do the bridge?");
2. a close spelling of one (rapidfuzz: "brdge", "chlds pose");
3. the body areas the content lists ("something for tight hamstrings");
4. a word shared with a name ("pose" is Cat-Cow's and Child's);
otherwise nothing. Several equally good answers are "ambiguous": the caller
offers them as choices.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from bot.domain.exercises import Exercise

FUZZY_MIN = 80  # rapidfuzz score (0-100) for a spelling to count as the name
FUZZY_MARGIN = 8  # the winner must beat the next exercise by this much
MAX_CHOICES = 3
# Words that carry no meaning for the search; stripped before fuzzy matching.
FILLER = frozenset({
    "a", "about", "an", "and", "any", "are", "can", "could", "do", "does", "doing", "exercise",
    "exercises", "for", "give", "good", "have", "help", "how", "i", "i'd", "id", "im",
    "instead", "is", "it", "like", "me", "my", "of", "on", "one", "or", "please", "show",
    "some", "something", "stretch", "stretches", "teach", "tell", "that", "the", "there",
    "this", "to", "try", "want", "what", "whats", "which", "with", "you",
})  # fmt: skip
GENERIC = frozenset({"stretch", "exercise", "seated", "single"})  # too common to pick by


@dataclass(frozen=True)
class Found:
    exercise_id: str


@dataclass(frozen=True)
class Ambiguous:
    exercise_ids: tuple[str, ...]
    by_area: bool = False  # found by a body area ("glutes"), not by a name


@dataclass(frozen=True)
class NotFound:
    pass


Match = Found | Ambiguous | NotFound


def normalise(text: str) -> str:
    """Lower case, no apostrophes ("child's" is "childs"), words only."""
    text = text.casefold().replace("\N{RIGHT SINGLE QUOTATION MARK}", "'").replace("'", "")
    return " ".join(re.findall(r"[a-z0-9]+", text))


def _terms(exercise: Exercise) -> list[str]:
    return [normalise(term) for term in (exercise.name, *exercise.aliases)]


def _said(term: str, text: str) -> bool:
    return re.search(rf"(?<![a-z0-9]){re.escape(term)}(?![a-z0-9])", text) is not None


def _same_word(said: str, listed: str) -> bool:
    """ "hip" is "hips", "stiff" is "stiffness": plurals and longer forms of a word."""
    return said == listed or said + "s" == listed or (len(said) >= 4 and listed.startswith(said))


def find(text: str, exercises: list[Exercise]) -> Match:
    """The exercise `text` asks for, the few it might mean, or none."""
    said = normalise(text)
    if not said:
        return NotFound()
    for rule in (_by_name, _by_spelling, _by_area, _by_shared_word):
        match = rule(said, exercises)
        if not isinstance(match, NotFound):
            return match
    return NotFound()


def _best(scores: dict[str, float], margin: float) -> Match:
    """One clear winner, several close ones, or none (scores of 0 are ignored)."""
    ranked = sorted(((s, i) for i, s in scores.items() if s > 0), reverse=True)
    if not ranked:
        return NotFound()
    top = ranked[0][0]
    close = [i for s, i in ranked if s > top - margin][:MAX_CHOICES]
    return Found(close[0]) if len(close) == 1 else Ambiguous(tuple(close))


def _by_name(said: str, exercises: list[Exercise]) -> Match:
    scores = {
        e.id: float(max((len(t) for t in _terms(e) if _said(t, said)), default=0))
        for e in exercises
    }
    return _best(scores, margin=1)  # the longest name said wins ("cat cow stretch")


def _by_spelling(said: str, exercises: list[Exercise]) -> Match:
    core = " ".join(word for word in said.split() if word not in FILLER)
    if not core:
        return NotFound()
    words = [word for word in core.split() if len(word) >= 4]

    def score(term: str) -> float:
        best = max(fuzz.ratio(core, term), fuzz.token_sort_ratio(core, term))
        if " " not in term:  # a one-word name may hide among other words
            best = max([best, *(fuzz.ratio(word, term) for word in words)])
        return best

    scores = {e.id: max(score(t) for t in _terms(e)) for e in exercises}
    return _best({i: s if s >= FUZZY_MIN else 0 for i, s in scores.items()}, FUZZY_MARGIN)


def _by_area(said: str, exercises: list[Exercise]) -> Match:
    words = said.split()

    def covered(exercise: Exercise) -> set[int]:
        """Which of the user's words the exercise's target areas account for."""
        hits: set[int] = set()
        for target in exercise.targets:
            parts = normalise(target).split()
            for start in range(len(words) - len(parts) + 1):
                if all(_same_word(words[start + k], part) for k, part in enumerate(parts)):
                    hits.update(range(start, start + len(parts)))
        return hits

    match = _best({e.id: float(len(covered(e))) for e in exercises}, margin=1)
    return Ambiguous(match.exercise_ids, by_area=True) if isinstance(match, Ambiguous) else match


def _by_shared_word(said: str, exercises: list[Exercise]) -> Match:
    words = {word for word in said.split() if word not in FILLER and word not in GENERIC}
    scores = {
        e.id: float(
            any(_same_word(w, part) for w in words for t in _terms(e) for part in t.split())
        )
        for e in exercises
    }
    return _best(scores, margin=1)
