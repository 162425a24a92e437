"""The bot's Prometheus metrics. Each Application has its own registry, so several
bots in one process (the tests) never share counts. bot/runtime/health.py serves
them, with a health check, over HTTP."""

from __future__ import annotations

from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


@dataclass
class Metrics:
    """The bot's Prometheus metrics (names start with `backcare_`)."""

    registry: CollectorRegistry = field(default_factory=CollectorRegistry)

    def __post_init__(self) -> None:
        r = self.registry
        self.updates = Counter("backcare_updates", "Updates handled, by kind", ["kind"], registry=r)
        self.update_seconds = Histogram(
            "backcare_update_seconds", "Time to handle one update", buckets=LATENCY_BUCKETS,
            registry=r,
        )  # fmt: skip
        self.errors = Counter("backcare_errors", "Handlers that failed", registry=r)
        self.reminders = Counter(
            "backcare_reminders", "Reminders by outcome: due (claimed), sent, failed, blocked",
            ["outcome"], registry=r,
        )  # fmt: skip
        self.timers_fired = Counter("backcare_timers_fired", "Session timers fired", registry=r)
        self.timer_lag = Histogram(
            "backcare_timer_lag_seconds", "How late a session timer fired (fired minus due)",
            buckets=LATENCY_BUCKETS, registry=r,
        )  # fmt: skip
        self.countdown_skipped = Counter(
            "backcare_countdown_edits_skipped",
            "Countdown edits not sent: the send budget was short, or the edit was stale",
            registry=r,
        )
        self.pictures = Counter(
            "backcare_pictures",
            "Exercise pictures sent (by_id, uploaded) or not: skipped (no send budget to "
            "spare), failed, slow (the card went without)",
            ["outcome"], registry=r,
        )  # fmt: skip
        self.flood_waits = Counter(
            "backcare_telegram_429", "Bot API calls answered 429 (then waited out)", registry=r
        )
        self.active_sessions = Gauge(
            "backcare_active_sessions", "Guided sessions open now (running or paused)",
            registry=r,
        )  # fmt: skip

    def errors_since_start(self) -> int:
        return int(self.registry.get_sample_value("backcare_errors_total") or 0)
