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

from aiohttp import web
from telegram import Update

from bot.config import Settings
from bot.runtime.context import BotApplication, services_of
from bot.runtime.health import routes, start_server

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_UPDATE_BYTES = 1024 * 1024


def web_app(application: BotApplication, settings: Settings) -> web.Application:
    """The routes: the webhook path of WEBHOOK_URL, GET /healthz and GET /metrics."""
    assert settings.webhook_url is not None
    assert settings.webhook_secret is not None
    secret = settings.webhook_secret.get_secret_value().encode()
    services = services_of(application)

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

    app = web.Application(client_max_size=MAX_UPDATE_BYTES)
    app.router.add_post(settings.webhook_url.path or "/", receive)
    app.router.add_routes(routes(services.metrics, services.engine, application.job_queue))
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
    app = web_app(application, settings)
    runner = await start_server(app, settings.webhook_listen, settings.webhook_port)
    try:
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
