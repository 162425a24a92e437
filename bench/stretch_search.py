"""How long the bot works on a stretch request: matching plus rendering the card.

    .venv/bin/python -m bench.stretch_search

Runs every phrasing of tests/test_stretch_search.py many times and prints
the per-request time (median, p95, max) of the bot-side work, without the
network round trip to Telegram.
"""

from __future__ import annotations

import statistics
import time

from bot.coaching.view import SessionView
from bot.content import load_content
from bot.content.templates import Html, render
from bot.domain import routine
from bot.domain.stretch_search import Found, find
from tests.test_stretch_search import PHRASINGS

ROUNDS = 200


def main() -> None:
    content = load_content()
    exercises = content.catalogue.exercises
    view = SessionView(content)
    texts = content.messages
    timings: list[float] = []
    for _ in range(ROUNDS):
        for phrase, _expected in PHRASINGS:
            started = time.perf_counter()
            match = find(phrase, exercises)
            if isinstance(match, Found):
                exercise = content.catalogue.by_id(match.exercise_id)
                assert exercise is not None
                steps = "\n".join(
                    render(texts.session.step_line, number=n, text=step)
                    for n, step in enumerate(exercise.steps, start=1)
                )
                dose = view.dose(exercise, routine.dose_for(exercise.dosage, 0))
                render(
                    texts.stretch.card, name=exercise.name, purpose=exercise.purpose,
                    steps=Html(steps), dose=Html(dose), safety=exercise.safety,
                )  # fmt: skip
            timings.append(time.perf_counter() - started)
    timings.sort()
    ms = [t * 1000 for t in timings]
    print(f"requests:  {len(ms)} ({len(PHRASINGS)} phrasings x {ROUNDS})")
    print(f"median:    {statistics.median(ms):.3f} ms")
    print(f"p95:       {ms[int(0.95 * len(ms)) - 1]:.3f} ms")
    print(f"max:       {ms[-1]:.3f} ms")


if __name__ == "__main__":
    main()
