"""Health and metrics: what an operator (or a load balancer, or Prometheus) asks the bot.

`GET /healthz` is 200 while the database answers and the scheduler runs, else 503.
`GET /metrics` is Prometheus' text format. Each Application has its own registry,
so several bots in one process (the tests) never share counts. In webhook mode both
routes are on the webhook server; in polling mode on METRICS_PORT, when it is set.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine
from telegram.ext import JobQueue

from bot.db.models import GuidedSession

logger = logging.getLogger(__name__)

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
        self.flood_waits = Counter(
            "backcare_telegram_429", "Bot API calls answered 429 (then waited out)", registry=r
        )
        self.active_sessions = Gauge(
            "backcare_active_sessions", "Guided sessions open now (running or paused)",
            registry=r,
        )  # fmt: skip

    def errors_since_start(self) -> int:
        return int(self.registry.get_sample_value("backcare_errors_total") or 0)


async def count_active_sessions(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        count = await connection.scalar(
            select(func.count()).select_from(GuidedSession).where(GuidedSession.outcome.is_(None))
        )
    return int(count or 0)


def routes(
    metrics: Metrics, engine: AsyncEngine, job_queue: JobQueue[Any] | None
) -> list[web.RouteDef]:
    """GET /healthz and GET /metrics."""

    async def healthz(_: web.Request) -> web.Response:
        problems = []
        try:
            async with engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception:
            problems.append("database unreachable")
        if job_queue is None or not job_queue.scheduler.running:
            problems.append("scheduler stopped")
        if problems:
            return web.json_response({"ok": False, "problems": problems}, status=503)
        return web.json_response({"ok": True})

    async def metrics_page(_: web.Request) -> web.Response:
        try:
            metrics.active_sessions.set(await count_active_sessions(engine))
        except Exception:  # the page still shows everything else
            logger.warning("metrics: active sessions not counted", exc_info=True)
        body = generate_latest(metrics.registry)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    return [web.get("/healthz", healthz), web.get("/metrics", metrics_page)]


async def start_server(app: web.Application, listen: str, port: int) -> web.AppRunner:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, listen, port).start()
    return runner
