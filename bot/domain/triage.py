"""Triage: is a typed message a medical red flag? Pure, and first for every free text.

The rules come from content/triage.yaml (a clinician reads and edits them
there); this module only knows how to match them:

- A message is split into sentences, and each sentence into words (lower
  case, apostrophes dropped: "can't" is "cant").
- A rule fires when, in one sentence, every group of one of its `when`
  alternatives has a term that is said and not negated (and, with `within`,
  the groups' terms stand within that many words of each other).
- A term is one or more words said in a row ("pins and needles"); a word may
  end in `*` for every ending ("numb*": numb, numbness, numbing). A word of 5
  letters or more also matches a typo one edit away (two for 8 or more) that
  starts with the same letter, unless the typo is itself a known word.
- A term is negated when a negation ("no", "don't", "never"...) stands at most
  `window` words before it in the same clause ("no numbness, just stiff"); a
  hedge ("not sure", "don't know") is not a negation. The negation words
  inside a term ("can't feel") do not count.
- `ignore` phrases are blanked first: "knee to chest" is a stretch, not chest pain.

The highest tier among the fired rules decides: emergency, then urgent, then caution.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache

from rapidfuzz.distance import OSA

from bot.domain.words import Term, sentences


class Tier(StrEnum):
    EMERGENCY = "emergency"  # the local emergency number, now
    URGENT = "urgent"  # a doctor today
    CAUTION = "caution"  # ask a professional before these exercises

    @property
    def rank(self) -> int:
        return _RANKS[self]

    @property
    def holds(self) -> bool:
        """Whether the routine and reminders wait for a professional's clearance."""
        return self is not Tier.CAUTION


_RANKS = {Tier.EMERGENCY: 3, Tier.URGENT: 2, Tier.CAUTION: 1}

Group = tuple[Term, ...]  # any one of these terms
Alternative = tuple[Group, ...]  # every one of these groups, in one sentence
Span = tuple[int, int]  # words [start, end) of a sentence


@dataclass(frozen=True)
class Rule:
    id: str
    tier: Tier
    guideline: str
    said: str  # what the person said, in plain words: "chest pain"
    when: tuple[Alternative, ...]
    within: int | None = None  # the groups' terms at most this many words apart
    unless: Group = ()  # said (and not negated) in the sentence, the rule does not fire


@dataclass(frozen=True)
class Flag:
    """The fired rules, highest tier first; `tier` is the one that decides."""

    rules: tuple[Rule, ...]

    @property
    def tier(self) -> Tier:
        return self.rules[0].tier

    @property
    def deciding(self) -> tuple[Rule, ...]:
        """The rules of the deciding tier: what the reply names."""
        return tuple(rule for rule in self.rules if rule.tier is self.tier)


@dataclass(frozen=True)
class Negation:
    cues: frozenset[str]  # single words: "no", "not", "dont", "never", "without"
    hedges: tuple[Term, ...]  # look like negations but are not: "not sure", "dont know"
    window: int = 4
    clause_breaks: frozenset[str] = field(default_factory=frozenset)  # "but", "just"
    # A new subject ends a negation's reach: "no my legs are numb", "never mind my chest".
    scope_ends: frozenset[str] = field(default_factory=frozenset)


BLANK = ""  # an ignored word: it matches nothing and breaks any term


class Triage:
    """The compiled rules; `check(text)` is the whole of triage."""

    def __init__(
        self,
        rules: Sequence[Rule],
        negation: Negation,
        ignore: Iterable[Term] = (),
        known_words: Iterable[str] = (),
    ) -> None:
        self.rules = tuple(sorted(rules, key=lambda rule: -rule.tier.rank))
        self.negation = negation
        self._ignored: dict[str, list[Term]] = {}
        for phrase in ignore:
            self._ignored.setdefault(phrase[0], []).append(phrase)
        vocabulary = {
            word
            for rule in rules
            for alternative in (*rule.when, (rule.unless,))
            for group in alternative
            for term in group
            for word in term
        }
        self._exact = frozenset(w for w in vocabulary if not w.endswith("*"))
        # Each group's terms by their first word, so a sentence is read once per group.
        self._indexed = {
            group: _by_first_word(group)
            for rule in rules
            for alternative in (*rule.when, (rule.unless,))
            for group in alternative
        }
        self._stems = tuple(sorted(w[:-1] for w in vocabulary if w.endswith("*")))
        self._known = frozenset(known_words) | self._exact | negation.cues
        self._matches = lru_cache(maxsize=8192)(self._word_matches)

    def check(self, text: str) -> Flag | None:
        """The red flag in `text`, or None when there is none."""
        fired: list[Rule] = []
        for sentence in sentences(text):
            words = self._blank_ignored(sentence)
            matched = [self._matches(word) for word in words]
            if not any(matched):
                continue
            clauses = self._clauses(words)
            for rule in self.rules:
                if rule not in fired and self._fires(rule, words, matched, clauses):
                    fired.append(rule)
        if not fired:
            return None
        fired.sort(key=lambda rule: -rule.tier.rank)
        return Flag(tuple(fired))

    # -- words ---------------------------------------------------------------

    def _word_matches(self, word: str) -> frozenset[str]:
        """The rule words (exact ones, and stems as "stem*") that `word` stands for."""
        if not word or word == ",":
            return frozenset()
        found = {word} if word in self._exact else set()
        found.update(f"{stem}*" for stem in self._stems if word.startswith(stem))
        if found or word in self._known or word.isdigit():
            return frozenset(found)
        for listed in self._exact:  # a typo: same first letter, one or two edits away
            if len(listed) >= 5 and listed[0] == word[0] and abs(len(listed) - len(word)) <= 2:
                allowed = 1 if len(listed) < 9 else 2
                if OSA.distance(word, listed, score_cutoff=allowed) <= allowed:
                    found.add(listed)
        for stem in self._stems:  # "numbnes", "tinglng": a typo inside a stem's ending
            if (
                len(stem) >= 5
                and stem[0] == word[0]
                and OSA.distance(word[: len(stem)], stem, score_cutoff=1) <= 1
            ):
                found.add(f"{stem}*")
        return frozenset(found)

    def _blank_ignored(self, words: list[str]) -> list[str]:
        words = list(words)
        for start in range(len(words)):
            for phrase in self._ignored.get(words[start], ()):
                if tuple(words[start : start + len(phrase)]) == phrase:
                    words[start : start + len(phrase)] = [BLANK] * len(phrase)
        return words

    def _clauses(self, words: list[str]) -> list[int]:
        """The clause number of each word: commas and words like "but" start a new one."""
        clause, numbers = 0, []
        for word in words:
            if word == "," or word in self.negation.clause_breaks:
                clause += 1
            numbers.append(clause)
        return numbers

    # -- rules ---------------------------------------------------------------

    def _fires(
        self, rule: Rule, words: list[str], matched: list[frozenset[str]], clauses: list[int]
    ) -> bool:
        if rule.unless and self._says(rule.unless, words, matched, clauses):
            return False
        for alternative in rule.when:
            said = [_spans(self._indexed[group], words, matched) for group in alternative]
            if not all(said):
                continue
            # "no control over my bladder": the "no" belongs to a term, and negates nothing.
            absorbed = {
                i for spans in said for start, end in spans for i in range(start, end)
            }  # fmt: skip
            said = [
                [span for span in spans if not self._negated(words, clauses, span[0], absorbed)]
                for spans in said
            ]
            if all(said) and (rule.within is None or _close(said, rule.within, clauses)):
                return True
        return False

    def _says(
        self, group: Group, words: list[str], matched: list[frozenset[str]], clauses: list[int]
    ) -> bool:
        spans = _spans(self._indexed[group], words, matched)
        absorbed = {i for start, end in spans for i in range(start, end)}
        return any(not self._negated(words, clauses, start, absorbed) for start, _ in spans)

    def _negated(
        self, words: list[str], clauses: list[int], start: int, absorbed: set[int]
    ) -> bool:
        """Whether a negation stands shortly before word `start`, in its clause. A list
        joined by "or" stays negated: "no fever or chills or night sweats"."""
        first = max(0, start - self.negation.window)
        if any(words[i] in _LIST_WORDS for i in range(first, start)):
            first = max(0, first - self.negation.window)
        for i in range(first, start):
            if (
                clauses[i] == clauses[start]
                and words[i] in self.negation.cues
                and i not in absorbed
                and not self._hedge_at(words, i)
                and not any(word in self.negation.scope_ends for word in words[i + 1 : start])
            ):
                return True
        return False

    def _hedge_at(self, words: list[str], index: int) -> bool:
        """Whether the negation at `index` opens a hedge ("not sure", "dont know")."""
        return any(
            tuple(words[index : index + len(hedge)]) == hedge for hedge in self.negation.hedges
        )


_LIST_WORDS = frozenset({"or", "nor"})


# Small words a term may skip: "pain in my chest" is said as "pain in chest" too.
_SKIPPABLE = frozenset(
    {"my", "the", "a", "an", "your", "its", "me", "it", "really", "properly", "quite", "even",
     "fully", "very", "so", "just", "all", "of"}
)  # fmt: skip


def _match_at(
    term: Term, words: list[str], matched: list[frozenset[str]], start: int
) -> int | None:
    """The end of `term` said from word `start` on (small words may stand between)."""
    position = start
    for index, pattern in enumerate(term):
        while (
            index > 0
            and position < len(words)
            and pattern not in matched[position]
            and words[position] in _SKIPPABLE
        ):
            position += 1
        if position >= len(words) or pattern not in matched[position]:
            return None
        position += 1
    return position


def _by_first_word(group: Group) -> dict[str, tuple[Term, ...]]:
    index: dict[str, list[Term]] = {}
    for term in group:
        index.setdefault(term[0], []).append(term)
    return {first: tuple(terms) for first, terms in index.items()}


def _spans(
    terms: dict[str, tuple[Term, ...]], words: list[str], matched: list[frozenset[str]]
) -> list[Span]:
    """Where in the sentence a term of a group is said (negated or not)."""
    spans = []
    for start, patterns in enumerate(matched):
        for pattern in patterns:
            for term in terms.get(pattern, ()):
                end = _match_at(term, words, matched, start)
                if end is not None:
                    spans.append((start, end))
    return spans


def _close(said: list[list[Span]], within: int, clauses: list[int]) -> bool:
    """Whether one term of each group stands within `within` words of one of the first
    group's, in the same clause."""
    firsts, *others = said
    for start, end in firsts:
        if all(
            any(
                max(0, other_start - end, start - other_end) <= within
                and clauses[other_start] == clauses[start]
                for other_start, other_end in spans
            )
            for spans in others
        ):
            return True
    return False
