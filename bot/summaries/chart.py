"""The 30-day pain chart as a PNG, drawn with matplotlib's Agg backend (no display).

Made to be read on a phone: big fonts, two lines (pain before and after a
session), and a green band on each day with a finished session. Rendering is
CPU work: callers run it in a thread, off the event loop.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from bot.domain.progress import SessionRecord

if TYPE_CHECKING:  # matplotlib (and numpy) load on the first chart, not at start-up
    from matplotlib.figure import Figure

DAYS = 30


@dataclass(frozen=True)
class ChartLabels:
    title: str
    before: str
    after: str
    y_axis: str
    session_day: str


def _x(day: date) -> float:
    """A day as matplotlib's date number (its position on the x axis)."""
    from matplotlib.dates import date2num

    return float(date2num(day))  # type: ignore[no-untyped-call]


def render_chart(
    records: list[SessionRecord], today: date, labels: ChartLabels, days: int = DAYS
) -> bytes:
    """The last `days` local days up to `today`, as PNG bytes."""
    buffer = io.BytesIO()
    draw_chart(records, today, labels, days).savefig(buffer, format="png")
    return buffer.getvalue()


def draw_chart(
    records: list[SessionRecord], today: date, labels: ChartLabels, days: int = DAYS
) -> Figure:
    """The chart's figure. The legend sits above the plot, where it hides no day."""
    from matplotlib.dates import DateFormatter
    from matplotlib.figure import Figure  # no pyplot: no display, thread-safe figures

    first = today - timedelta(days=days - 1)
    shown = sorted((r for r in records if r.day >= first), key=lambda r: r.day)
    figure = Figure(figsize=(8, 5), dpi=100)  # 800 x 500 px
    axes = figure.add_subplot()
    for index, day in enumerate(sorted({r.day for r in shown if r.finished})):
        axes.axvspan(
            _x(day) - 0.5, _x(day) + 0.5, color="#c8e6c9",
            label=labels.session_day if index == 0 else None, zorder=0,
        )  # fmt: skip
    for attribute, label, colour in (
        ("pain_before", labels.before, "#e65100"),
        ("pain_after", labels.after, "#1565c0"),
    ):
        points = [
            (r.day, getattr(r, attribute)) for r in shown if getattr(r, attribute) is not None
        ]
        if points:
            when, values = zip(*points, strict=True)
            axes.plot(
                [_x(d) for d in when],
                values,
                marker="o",
                linewidth=2.5,
                markersize=7,
                label=label,
                color=colour,
            )
    axes.set_xlim(_x(first) - 1, _x(today) + 1)
    axes.set_ylim(-0.5, 10.5)
    axes.set_yticks(range(0, 11, 2))
    axes.set_ylabel(labels.y_axis, fontsize=15)
    axes.set_title(labels.title, fontsize=18, pad=40)
    axes.xaxis.set_major_formatter(DateFormatter("%d %b"))  # type: ignore[no-untyped-call]
    axes.tick_params(labelsize=13)
    axes.grid(axis="y", alpha=0.3)
    axes.legend(fontsize=12, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, frameon=False)
    figure.autofmt_xdate()
    figure.tight_layout()
    return figure
