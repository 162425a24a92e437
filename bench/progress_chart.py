"""How long drawing the /progress chart takes (it runs in a thread, off the event loop).

.venv/bin/python -m bench.progress_chart
"""

from __future__ import annotations

import statistics
import time
from datetime import date, timedelta

from bot.content import load_content
from bot.domain.progress import SessionRecord
from bot.summaries.chart import ChartLabels, render_chart

ROUNDS = 50
TODAY = date(2026, 11, 24)


def main() -> None:
    texts = load_content().messages.progress
    labels = ChartLabels(
        texts.chart_title, texts.chart_before, texts.chart_after, texts.chart_y_axis,
        texts.chart_session_day,
    )  # fmt: skip
    month = [
        SessionRecord(
            day=TODAY - timedelta(days=n),
            finished=n % 5 != 0,
            pain_before=3 + n % 4,
            pain_after=1 + n % 3,
            done=("bridge",),
            skipped=(),
            painful=(),
        )
        for n in range(30)
        if n % 7 != 3
    ]
    render_chart(month, TODAY, labels)  # the first draw loads fonts
    timings = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        png = render_chart(month, TODAY, labels)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    print(f"charts:  {ROUNDS} of a 26-session month, {len(png)} bytes each")
    print(f"median:  {statistics.median(timings):.1f} ms")
    print(f"p95:     {timings[int(0.95 * ROUNDS) - 1]:.1f} ms")
    print(f"max:     {timings[-1]:.1f} ms")


if __name__ == "__main__":
    main()
