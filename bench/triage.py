"""How well triage and chat read the labelled corpus, and how long a message takes.

    .venv/bin/python -m bench.triage [--misses] [--corpus PATH]

Reads tests/data/triage_corpus.tsv (label TAB message), runs every message
through triage and then, when nothing is flagged, through the chat intents,
as the bot does. Prints a confusion table (rows: the label's group, columns:
what the bot made of it), recall per tier, false alarms on the benign
messages, chat intent accuracy, and the time per message (first pass, with
cold caches, and a warm one). --misses lists every message read wrongly.
tests/test_triage.py asserts the same numbers.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from bot.content import load_content
from bot.domain.chat import Chat
from bot.domain.triage import Tier, Triage

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "triage_corpus.tsv"
TIERS = [tier.value for tier in Tier]
BENIGN = ("benign", "stretch", "chat", "junk")  # the groups that must raise no flag


@dataclass(frozen=True)
class Example:
    label: str  # "emergency:chest_pain", "chat:help", "stretch", "benign", "junk"
    text: str

    @property
    def group(self) -> str:
        return self.label.partition(":")[0]

    @property
    def detail(self) -> str:
        return self.label.partition(":")[2]


@dataclass(frozen=True)
class Reading:
    example: Example
    tier: str | None  # the flag's tier, if any
    rules: tuple[str, ...]
    intent: str | None  # the chat intent, when nothing was flagged

    @property
    def column(self) -> str:
        if self.tier is not None:
            return self.tier
        return "chat" if self.intent is not None else "nothing"

    @property
    def right(self) -> bool:
        """Read as labelled: the flag's tier, or (for chat) the intent, or nothing."""
        group = self.example.group
        if group in TIERS:
            return self.tier == group and self.example.detail in self.rules
        if group == "chat":
            return self.tier is None and self.intent == self.example.detail
        return self.tier is None


def corpus(path: Path = CORPUS) -> list[Example]:
    examples = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        label, tab, text = line.partition("\t")
        if not tab or not text.strip():
            raise ValueError(f"{path}, line {number}: expected LABEL<TAB>MESSAGE")
        examples.append(Example(label.strip(), text))
    return examples


def read(example: Example, triage: Triage, chat: Chat) -> Reading:
    flag = triage.check(example.text)
    if flag is not None:
        return Reading(example, flag.tier.value, tuple(r.id for r in flag.rules), None)
    intent = chat.intent_of(example.text)
    return Reading(example, None, (), None if intent is None else intent.value)


@dataclass(frozen=True)
class Scores:
    recall: dict[str, float]  # per tier: flagged at that tier (or, for urgent, higher)
    rule_right: float  # flags whose deciding tier also names the labelled rule
    false_alarms: float  # benign messages that got any flag
    chat_right: float  # chat messages read as their intent
    misses: list[Reading]


def score(readings: list[Reading]) -> Scores:
    recall = {}
    for tier in TIERS:
        labelled = [r for r in readings if r.example.group == tier]
        rank = Tier(tier).rank
        caught = [r for r in labelled if r.tier is not None and Tier(r.tier).rank >= rank]
        if tier == Tier.EMERGENCY:  # an emergency must be read as one
            caught = [r for r in labelled if r.tier == tier]
        recall[tier] = len(caught) / max(1, len(labelled))
    flagged = [r for r in readings if r.example.group in TIERS]
    benign = [r for r in readings if r.example.group in BENIGN]
    chats = [r for r in readings if r.example.group == "chat"]
    return Scores(
        recall=recall,
        rule_right=sum(r.example.detail in r.rules for r in flagged) / max(1, len(flagged)),
        false_alarms=sum(r.tier is not None for r in benign) / max(1, len(benign)),
        chat_right=sum(r.right for r in chats) / max(1, len(chats)),
        misses=[r for r in readings if not r.right],
    )


def main(argv: list[str]) -> None:
    content = load_content()
    triage, chat = content.triage.compiled, content.chat.compiled
    path = Path(argv[argv.index("--corpus") + 1]) if "--corpus" in argv else CORPUS
    examples = corpus(path)
    timings: list[float] = []
    readings = []
    for rounds in range(2):  # the first with cold caches, the second warm
        for example in examples:
            started = time.perf_counter()
            reading = read(example, triage, chat)
            timings.append(time.perf_counter() - started)
            if rounds == 0:
                readings.append(reading)
    columns = [*TIERS, "chat", "nothing"]
    rows = [*TIERS, *BENIGN]
    table = Counter((r.example.group, r.column) for r in readings)
    print(f"corpus: {len(examples)} messages ({path.name})\n")
    print(f"{'label / read as':<16}" + "".join(f"{c:>10}" for c in columns) + f"{'total':>8}")
    for row in rows:
        counts = [table[(row, c)] for c in columns]
        print(f"{row:<16}" + "".join(f"{n:>10}" for n in counts) + f"{sum(counts):>8}")
    scores = score(readings)
    print()
    for tier, value in scores.recall.items():
        print(f"recall {tier:<10} {value:7.1%}")
    print(f"right rule named  {scores.rule_right:7.1%}  (of the flagged messages)")
    print(f"false alarms      {scores.false_alarms:7.1%}  (of benign, stretch, chat and junk)")
    print(f"chat intents      {scores.chat_right:7.1%}")
    cold, warm = sorted(timings[: len(examples)]), sorted(timings[len(examples) :])
    print("\nper message         p50      p95      max")
    for name, times in (("cold caches", cold), ("warm caches", warm)):
        ms = [t * 1000 for t in times]
        p50, p95 = ms[len(ms) // 2], ms[int(0.95 * len(ms)) - 1]
        print(f"{name:<14} {p50:6.3f} ms {p95:6.3f} ms {ms[-1]:6.3f} ms")
    if "--misses" in argv:
        print("\nread wrongly:")
        for miss in scores.misses:
            seen = f"{miss.tier}:{'+'.join(miss.rules)}" if miss.tier else miss.intent
            print(f"  {miss.example.label:<34} -> {seen or '-':<34} {miss.example.text}")


if __name__ == "__main__":
    main(sys.argv[1:])
