"""Health and metrics over HTTP: what an operator, a load balancer or Prometheus asks.

`GET /healthz` is 200 while the database answers and the scheduler runs, else 503.
`GET /metrics` is Prometheus' text format. In webhook mode both routes are on the
webhook server; in polling mode on METRICS_PORT, when it is set (aiohttp is loaded
only then).
"""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine
from telegram.ext import JobQueue

from bot.db.models import GuidedSession
from bot.runtime.monitoring import Metrics

logger = logging.getLogger(__name__)


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
