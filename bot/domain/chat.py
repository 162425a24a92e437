"""Everyday chat: what "help", "hi", "thanks", "lets go" or "pause" ask for. Pure.

The words come from content/chat.yaml. A message asks for an intent when,
with filler words ("please", "bot") left out, it is one of the intent's
`phrases`, or says one of its `keywords` anywhere; intents are tried in the
order the file lists them, so "stop" wins over "pause" in "stop, pause it".
A word of four letters or more also matches a typo one edit away ("hlep").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from rapidfuzz.distance import OSA

from bot.domain.words import COMMON_WORDS, Term, sentences


class Intent(StrEnum):
    HELP = "help"
    GREETING = "greeting"
    THANKS = "thanks"
    TODAY = "today"  # today's routine, now
    PAUSE = "pause"  # a break from reminders
    CANCEL = "cancel"
    STOP = "stop"  # outside a session: probably the reminders


@dataclass(frozen=True)
class IntentWords:
    intent: Intent
    phrases: frozenset[Term]  # the whole message
    keywords: tuple[Term, ...]  # anywhere in it


class Chat:
    def __init__(self, intents: Sequence[IntentWords], filler: frozenset[str]) -> None:
        self.intents = tuple(intents)
        self.filler = filler
        self._vocabulary = frozenset(
            word for words in intents for term in (*words.phrases, *words.keywords) for word in term
        )

    def intent_of(self, text: str) -> Intent | None:
        """The intent `text` asks for, or None."""
        words = tuple(
            self._spelled(_squeezed(word))
            for sentence in sentences(text)
            for word in sentence
            if word != ","
        )
        core = tuple(word for word in words if word not in self.filler)
        for candidate in self.intents:
            if core in candidate.phrases or any(
                _says(words, keyword) for keyword in candidate.keywords
            ):
                return candidate.intent
        return None

    def _spelled(self, word: str) -> str:
        """The vocabulary word `word` is a typo of ("hlep": "help"), or `word` itself."""
        if word in self._vocabulary or word in self.filler or word in COMMON_WORDS or len(word) < 4:
            return word
        for listed in self._vocabulary:
            if len(listed) >= 4 and listed[0] == word[0] and OSA.distance(word, listed) <= 1:
                return listed
        return word


def _squeezed(word: str) -> str:
    """A letter said three times or more, once: "hiii" is "hi", "heyyy" is "hey"."""
    return re.sub(r"(.)\1\1+", r"\1", word)


def _says(words: tuple[str, ...], keyword: Term) -> bool:
    size = len(keyword)
    return any(words[start : start + size] == keyword for start in range(len(words) - size + 1))
