"""content/chat.yaml: everyday chat's words, checked and compiled into bot/domain/chat.py."""

from __future__ import annotations

from functools import cached_property
from typing import Annotated, Self

from pydantic import Field, model_validator

from bot.domain.chat import Chat, Intent, IntentWords
from bot.domain.strict import Strict
from bot.domain.words import term_of

Phrase = Annotated[str, Field(min_length=1, max_length=80, pattern=r"[A-Za-z0-9]")]


class IntentSpec(Strict):
    intent: Intent
    phrases: list[Phrase] = []
    keywords: list[Phrase] = []


class ChatFile(Strict):
    """content/chat.yaml, validated; `compiled` is what the bot runs."""

    filler: list[str] = []
    intents: list[IntentSpec] = Field(min_length=1)

    @model_validator(mode="after")
    def _each_intent_once(self) -> Self:
        listed = [spec.intent for spec in self.intents]
        for intent in Intent:
            if listed.count(intent) != 1:
                raise ValueError(f"intent {intent.value!r} must be listed exactly once")
        return self

    @cached_property
    def compiled(self) -> Chat:
        filler = frozenset(word for text in self.filler for word in term_of(text))
        return Chat(
            [
                IntentWords(
                    spec.intent,
                    frozenset(
                        tuple(w for w in term_of(p) if w not in filler) for p in spec.phrases
                    ),
                    tuple(term_of(keyword) for keyword in spec.keywords),
                )
                for spec in self.intents
            ],
            filler,
        )
