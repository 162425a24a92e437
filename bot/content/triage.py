"""content/triage.yaml: the red-flag rules, checked and compiled into bot/domain/triage.py."""

from __future__ import annotations

import re
from functools import cached_property
from typing import Annotated, Self

from pydantic import Field, field_validator, model_validator

from bot.domain import triage
from bot.domain.strict import Strict
from bot.domain.triage import Tier
from bot.domain.words import COMMON_WORDS, term_of

_WORD = r"[a-z0-9']+\*?"
_TERM = re.compile(rf"^{_WORD}(?:[ -]{_WORD})*$", re.IGNORECASE)

TermText = Annotated[str, Field(min_length=1, max_length=80)]
# A group: a `$name` from the lexicon, or a list of terms (and `$name`s, for all of theirs).
GroupText = str | list[TermText]


class NegationSpec(Strict):
    cues: list[str] = Field(min_length=1)
    hedges: list[TermText] = []
    window: int = Field(ge=1, le=10)
    clause_breaks: list[str] = []
    scope_ends: list[str] = []


class RuleSpec(Strict):
    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]
    tier: Tier
    guideline: str = Field(min_length=1)
    said: str = Field(min_length=1, max_length=120)  # plain text: the reply escapes it
    when: list[list[GroupText]] = Field(min_length=1)
    within: int | None = Field(default=None, ge=1, le=20)
    unless: list[TermText] = []


class TriageFile(Strict):
    """content/triage.yaml, validated; `compiled` is what the bot runs."""

    negation: NegationSpec
    ignore: list[TermText] = []
    lexicon: dict[str, list[TermText]] = {}
    rules: list[RuleSpec] = Field(min_length=1)

    @field_validator("ignore")
    @classmethod
    def _terms(cls, terms: list[str]) -> list[str]:
        for term in terms:
            _check_term(term)
        return terms

    @model_validator(mode="after")
    def _groups(self) -> Self:
        seen: set[str] = set()
        for name, terms in self.lexicon.items():
            for term in terms:
                if term.startswith("$") and term[1:] in self.lexicon and term[1:] != name:
                    continue  # all of another entry's terms
                _check_term(term, f"lexicon {name}")
        for rule in self.rules:
            if rule.id in seen:
                raise ValueError(f"rule {rule.id!r} is listed twice")
            seen.add(rule.id)
            for term in rule.unless:
                if not (term.startswith("$") and term[1:] in self.lexicon):
                    _check_term(term, f"rule {rule.id!r}")
            for alternative in rule.when:
                if not alternative:
                    raise ValueError(f"rule {rule.id!r}: an empty `when` alternative")
                for group in alternative:
                    if isinstance(group, str):
                        if group.removeprefix("$") not in self.lexicon:
                            raise ValueError(
                                f"rule {rule.id!r}: {group!r} is not a lexicon entry "
                                "(write $name for one, or a list of terms)"
                            )
                    else:
                        for term in group:
                            if term.startswith("$") and term[1:] in self.lexicon:
                                continue
                            _check_term(term, f"rule {rule.id!r}")
        return self

    @cached_property
    def compiled(self) -> triage.Triage:
        return triage.Triage(
            [self._rule(spec) for spec in self.rules],
            triage.Negation(
                cues=frozenset(term_of(" ".join(self.negation.cues))),
                hedges=tuple(term_of(hedge) for hedge in self.negation.hedges),
                window=self.negation.window,
                clause_breaks=frozenset(term_of(" ".join(self.negation.clause_breaks))),
                scope_ends=frozenset(term_of(" ".join(self.negation.scope_ends))),
            ),
            ignore=[term_of(phrase) for phrase in self.ignore],
            known_words=COMMON_WORDS,
        )

    def _rule(self, spec: RuleSpec) -> triage.Rule:
        def expand(terms: list[str]) -> list[str]:
            return [
                listed
                for term in terms
                for listed in (expand(self.lexicon[term[1:]]) if term.startswith("$") else [term])
            ]

        def group(text: GroupText) -> triage.Group:
            return tuple(
                term_of(term) for term in expand([text] if isinstance(text, str) else text)
            )

        return triage.Rule(
            id=spec.id,
            tier=spec.tier,
            guideline=spec.guideline,
            said=spec.said,
            when=tuple(tuple(group(g) for g in alternative) for alternative in spec.when),
            within=spec.within,
            unless=group(spec.unless) if spec.unless else (),
        )


def _check_term(term: str, where: str = "ignore") -> None:
    if term.startswith("$") or not _TERM.match(term.strip()):
        raise ValueError(
            f"{where}: {term!r} is not a term (words of letters and digits, a * only at "
            "the end of a word)"
        )
