"""Webhook mode: Telegram POSTs each update to us; a request without the secret is refused.

An aiohttp server (python-telegram-bot's own webhook server has no room for a
health check) hands verified updates to the Application's update queue, so
handlers run exactly as in polling mode. Behind a load balancer, several
replicas can serve the same webhook: all their state is in the database.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import signal
from typing import TYPE_CHECKING

from aiohttp import web
from sqlalchemy import text
from telegram import Update

from bot.config import Settings
from bot.context import SERVICES_KEY
from bot.services import Services

if TYPE_CHECKING:
    from bot.app import BotApplication

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_UPDATE_BYTES = 1024 * 1024


def web_app(application: BotApplication, settings: Settings) -> web.Application:
    """The routes: the webhook path of WEBHOOK_URL, and GET /healthz."""
    assert settings.webhook_url is not None
    assert settings.webhook_secret is not None
    secret = settings.webhook_secret.get_secret_value().encode()
    services: Services = application.bot_data[SERVICES_KEY]

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, secret):
            logger.warning("webhook request refused: wrong or missing secret")
            return web.Response(status=403, text="forbidden")
        try:
            update = Update.de_json(await request.json(), application.bot)
        except Exception:  # not JSON, or not an update: Telegram never sends that
            logger.warning("webhook request refused: not an update")
            return web.Response(status=400, text="bad request")
        await application.update_queue.put(update)
        return web.Response(text="ok")

    async def healthz(_: web.Request) -> web.Response:
        """200 when the database answers and the scheduler runs; else 503."""
        problems = []
        try:
            async with services.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception:
            problems.append("database unreachable")
        if application.job_queue is None or not application.job_queue.scheduler.running:
            problems.append("scheduler stopped")
        if problems:
            return web.json_response({"ok": False, "problems": problems}, status=503)
        return web.json_response({"ok": True})

    app = web.Application(client_max_size=MAX_UPDATE_BYTES)
    app.router.add_post(settings.webhook_url.path or "/", receive)
    app.router.add_get("/healthz", healthz)
    return app


async def serve(application: BotApplication, settings: Settings) -> None:
    """Run until SIGTERM or SIGINT: start the bot, register the webhook, listen."""
    assert settings.webhook_url is not None
    assert settings.webhook_secret is not None
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await application.initialize()
    if application.post_init is not None:
        await application.post_init(application)
    await application.start()
    runner = web.AppRunner(web_app(application, settings), access_log=None)
    try:
        await runner.setup()
        await web.TCPSite(runner, settings.webhook_listen, settings.webhook_port).start()
        await application.bot.set_webhook(
            str(settings.webhook_url),
            secret_token=settings.webhook_secret.get_secret_value(),
            allowed_updates=Update.ALL_TYPES,
        )
        logger.info("webhook mode", extra={"port": settings.webhook_port})
        await stop.wait()
    finally:
        await runner.cleanup()
        await application.stop()
        await application.shutdown()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)
