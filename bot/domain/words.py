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
# The second step of clearance: a plain yes (above), or one of these.
CONFIRMED = frozenset(
    {"yes they did", "yes checked", "yes i was checked", "yes i've been checked", "confirmed",
     "i confirm", "yes a professional checked me", "yes, a professional checked me",
     "they checked me", "i've been checked", "i have been checked"}
)  # fmt: skip
NOT_YET = frozenset({"not yet", "no not yet", "no, not yet", "wait", "later", "not really"})
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


# -- words, for triage and chat (bot/domain/triage.py, bot/domain/chat.py) -------------

Term = tuple[str, ...]  # words said in a row; a word ending in "*" matches every ending

_NO_APOSTROPHES = str.maketrans(
    {"\N{RIGHT SINGLE QUOTATION MARK}": "", "\N{LEFT SINGLE QUOTATION MARK}": "", "'": "",
     "`": ""}
)  # fmt: skip
_SENTENCE = re.compile(r"[.!?;\n]+")
_WORD_OR_COMMA = re.compile(r"[a-z]+|[0-9]+|,")  # "6kg" is "6 kg"
_SPELLINGS = {"cannot": "cant"}


def sentences(text: str) -> list[list[str]]:
    """Sentences of lower-case words, apostrophes dropped ("can't" is "cant"); a comma
    stays as a word of its own, since it ends a clause."""
    text = text.casefold().translate(_NO_APOSTROPHES)
    found = []
    for sentence in _SENTENCE.split(text):
        words = [_SPELLINGS.get(word, word) for word in _WORD_OR_COMMA.findall(sentence)]
        if words:
            found.append(words)
    return found


def term_of(text: str) -> Term:
    """A term as content writes it ("can't feel", "numb*"), normalised like a message."""
    text = text.casefold().translate(_NO_APOSTROPHES)
    return tuple(_SPELLINGS.get(word, word) for word in re.findall(r"[a-z0-9]+\*?", text))


# Everyday words that are never read as a typo of a listed word: "never" is not "fever",
# "than" is not "thanx", "should" is not "shoulder".
_COMMON = """
    stealing steal never fewer ever clever seven even over river liver lever sever severe smelling
    spelling selling telling dwelling welling yelling shelling spilling feeling
    feelings healing dealing sealing peeling reeling ceiling beast breast breath
    breathe bread broad blood blades bladed chess chase cheat chef cheese chesty
    child childs children chile butter button better bitter batter weakly weekly
    weekend weeks tumbler legit legal leggings cancel cancelled canceled canter
    dancer anger angel angle angry lumber lumpy touch tough though thought through
    strain stain train brain drain grain numbers sitting setting hitting fitting
    stretch stretching stretches stretched stiff stiffer stiffness today tonight
    tomorrow sorry sorted should could would than then that this thin thing think
    thank there their these those hell hold held help helps helped helping heap heal
    hate have hive cool coal core cold colder good goods food gold nice mice rice
    nine line fine pine hint great greet treat grate where here what when went want
    wait more mode move mine done dome gone tone sick sock suck silk pose post poses
    posed
"""
COMMON_WORDS = frozenset(_COMMON.split())
