"""How typed replies are normalised and which words mean yes or no."""

from __future__ import annotations

import re

YES = frozenset(
    {
        "yes",
        "y",
        "yeah",
        "yep",
        "yup",
        "sure",
        "ok",
        "okay",
        "agree",
        "accept",
        "continue",
        "understood",
        "got it",
        "go on",
        "let's go",
        "i agree",
        "i understand",
        "i accept",
        "\N{THUMBS UP SIGN}",
        "\N{WHITE HEAVY CHECK MARK}",
        "\N{OK HAND SIGN}",
    }
)
NO = frozenset(
    {
        "no",
        "n",
        "nope",
        "nah",
        "none",
        "nothing",
        "none of these",
        "none of them",
        "no none",
        "not at all",
        "no, none of these",
        "\N{THUMBS DOWN SIGN}",
        "\N{CROSS MARK}",
    }
)
# "Yes" to a question of fact (do any red flags apply?). Words of assent ("ok", "sure",
# "got it") are not: the disclaimer just before is accepted with "ok", and a second "ok"
# must not report a red flag.
YES_IT_DOES = frozenset(
    {
        "yes", "y", "yeah", "yep", "yup", "yes at least one", "yes, at least one",
        "at least one", "yes some", "yes one",
    }
)  # fmt: skip
CLEARED = frozenset(
    {
        "cleared",
        "i'm cleared",
        "i am cleared",
        "i've been cleared",
        "i have been cleared",
        "yes cleared",
        "been cleared",
        "ok to exercise",
    }
)
CANCEL = frozenset({"cancel", "no", "keep", "keep my data", "nevermind", "never mind"})

# Plain replies during a session work like its buttons.
SESSION_WORDS: dict[str, frozenset[str]] = {
    "done": frozenset(
        {"done", "ok", "okay", "finished", "finish", "did it", "complete", "completed", "yes",
         "\N{WHITE HEAVY CHECK MARK}", "\N{THUMBS UP SIGN}", "\N{HEAVY CHECK MARK}"}
    ),
    "pain": frozenset(
        {"pain", "hurts", "it hurts", "ouch", "ow", "painful", "sore", "that hurts",
         "\N{PERSEVERING FACE}", "\N{CONFOUNDED FACE}", "\N{FACE WITH HEAD-BANDAGE}"}
    ),
    "skip": frozenset(
        {"skip", "next", "pass", "skip it",
         "\N{BLACK RIGHT-POINTING DOUBLE TRIANGLE WITH VERTICAL BAR}"}
    ),
    "stop": frozenset({"stop", "quit", "end", "exit", "enough", "\N{BLACK SQUARE FOR STOP}"}),
    "start": frozenset(
        {"start", "go", "ready", "begin", "resume", "go on", "continue", "let's go",
         "\N{BLACK RIGHT-POINTING TRIANGLE}"}
    ),
}  # fmt: skip

_CURLY_APOSTROPHES = str.maketrans(
    {"\N{RIGHT SINGLE QUOTATION MARK}": "'", "\N{LEFT SINGLE QUOTATION MARK}": "'"}
)


def normalise(text: str) -> str:
    """Lower-case, straight apostrophes, single spaces, no trailing punctuation."""
    text = text.casefold().translate(_CURLY_APOSTROPHES)
    text = re.sub(r"\s+", " ", text).strip()
    return text.rstrip(".!?,;:").strip()


def means_yes(text: str) -> bool:
    return normalise(text) in YES


def means_yes_it_does(text: str) -> bool:
    return normalise(text) in YES_IT_DOES


def means_no(text: str) -> bool:
    return normalise(text) in NO


_NUMBER_WORDS = {
    word: value
    for value, word in enumerate(
        ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
    )
}
_RATING = re.compile(
    r"^(?:(?:pain|my pain is|it's|its|it is|about|around|maybe|like|i'd say)\s*)*"
    r"(?:a\s+)?(\d{1,2}|" + "|".join(_NUMBER_WORDS) + r")(?:\s*(?:/|out of)\s*10)?$"
)


def parse_rating(text: str) -> int | None:
    """A 0-10 pain rating: "3", "3/10", "3 out of 10", "pain 3", "three", "it's like a 3";
    None otherwise."""
    match = _RATING.match(normalise(text))
    if match is None:
        return None
    value = _NUMBER_WORDS.get(match[1])
    value = int(match[1]) if value is None else value
    return value if value <= 10 else None


def session_word(text: str) -> str | None:
    """ "done", "pain", "skip", "stop" or "start" for a typed session reply, else None."""
    word = normalise(text).replace("\N{VARIATION SELECTOR-16}", "")
    return next((key for key, words in SESSION_WORDS.items() if word in words), None)
