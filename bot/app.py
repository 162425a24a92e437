"""The composition root: builds the python-telegram-bot Application.

Every handler is registered here, in the order PTB tries them. The command
list below is the single source for the handlers, /help and the Telegram menu
(descriptions come from content/messages.yaml and must match it exactly).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import Any

from telegram import BotCommand, BotCommandScopeChat, Update
from telegram.error import BadRequest
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.coaching import timers
from bot.config import Settings
from bot.content import Content, ContentError
from bot.db.engine import create_engine, create_session_factory
from bot.db.migrations import upgrade
from bot.domain.callbacks import (
    CallbackData,
    ChatButton,
    DaysButton,
    DeleteButton,
    OnboardingButton,
    ReminderButton,
    SessionButton,
    SettingsButton,
    StretchButton,
    TimeButton,
    ZoneButton,
)
from bot.domain.flood import FloodGate
from bot.handlers import (
    admin,
    chat,
    errors,
    flood,
    help,
    menus,
    onboarding,
    preferences,
    privacy,
    progress,
    reminders,
    replies,
    safety,
    session,
    settings,
    stretch,
)
from bot.handlers.accounts import on_new_message
from bot.pictures.sending import Pictures
from bot.reminders import dispatcher
from bot.reminders.scheduling import keep_schedules
from bot.runtime.clock import Clock, SystemClock
from bot.runtime.context import SERVICES_KEY, BotApplication, BotContext, services_of
from bot.runtime.countdown import Countdowns
from bot.runtime.monitoring import Metrics
from bot.runtime.services import Services, Timing
from bot.runtime.transport import PatientCalls, SendBudget, Skipped
from bot.runtime.update_processor import DatabaseUpdateProcessor
from bot.runtime.user_turns import UserTurns

logger = logging.getLogger(__name__)

# Different people's updates handled at once (one person's still one at a time, in order:
# bot/runtime/user_turns.py). A reply waiting for the send budget then holds up nobody
# else's; each holds a database connection meanwhile.
UPDATES_AT_ONCE = 8

Handler = Callable[[Update, BotContext], Coroutine[Any, Any, None]]


class JobsFinishingApplication(Application[Any, BotContext, Any, Any, Any, Any]):
    """Stops without cutting a background job short. PTB's stop waits for the jobs
    running at that moment, then shuts APScheduler down, which cancels any run that
    started in between (a timers tick, say) and logs it as a failure, traceback and all.
    Pausing the scheduler first means no such run starts."""

    async def stop(self) -> None:
        if self.running and self.job_queue is not None and self.job_queue.scheduler.running:
            self.job_queue.scheduler.pause()
        await super().stop()


MONITORING_KEY = "monitoring_server"  # bot_data: the METRICS_PORT server while it runs

# (command, handler) in menu order.
COMMANDS: list[tuple[str, Handler]] = [
    ("start", onboarding.start),
    ("help", help.show_help),
    ("today", session.today_command),
    ("stretch", stretch.stretch_command),
    ("exercises", stretch.exercises_command),
    ("progress", progress.progress_command),
    ("history", progress.history_command),
    ("settings", settings.settings_command),
    ("time", preferences.time_command),
    ("timezone", preferences.timezone_command),
    ("days", preferences.days_command),
    ("pause", preferences.pause_command),
    ("resume", preferences.resume_command),
    ("stop", preferences.stop_command),
    ("export", privacy.export_command),
    ("delete", privacy.delete_command),
]

# Buttons, by the prefix of their callback data; anything else has expired.
BUTTONS: dict[type[CallbackData], Handler] = {
    OnboardingButton: onboarding.on_button,
    TimeButton: preferences.on_time_button,
    ZoneButton: preferences.on_zone_button,
    DaysButton: preferences.on_days_button,
    SettingsButton: settings.on_settings_button,
    DeleteButton: privacy.on_delete_button,
    SessionButton: session.on_button,
    ReminderButton: reminders.on_button,
    StretchButton: stretch.on_button,
    ChatButton: chat.on_button,
}


def check_command_texts(content: Content) -> None:
    """The menu texts in content must describe exactly the commands registered here."""
    registered = [name for name, _ in COMMANDS]
    described = list(content.messages.commands)
    if registered != described:
        raise ContentError(
            "content/messages.yaml: commands: must list exactly "
            f"{', '.join(registered)} in that order (found {', '.join(described) or 'none'})"
        )


def build_application(
    settings: Settings,
    content: Content,
    clock: Clock | None = None,
    timing: Timing | None = None,
) -> BotApplication:
    """A ready-to-run Application; nothing touches the network until it starts."""
    check_command_texts(content)
    clock = clock or SystemClock()
    timing = timing or Timing()
    engine = create_engine(settings.database_url)
    session_factory = create_session_factory(engine, before_flush=[keep_schedules(clock)])
    metrics = Metrics()
    turns = UserTurns()  # shared by the update processor and the due-work loop
    budget = (
        SendBudget(settings.sends_per_second, monotonic=timing.monotonic, sleep=timing.sleep)
        if timing.send_budget
        else None
    )
    calls = PatientCalls(metrics, budget, monotonic=timing.monotonic, sleep=timing.sleep)
    application: BotApplication = (
        ApplicationBuilder()
        .application_class(JobsFinishingApplication)
        .token(settings.bot_token.get_secret_value())
        .base_url(settings.bot_api_base_url)
        .rate_limiter(calls)
        .read_timeout(timing.request_timeout)
        .context_types(ContextTypes(context=BotContext))
        .concurrent_updates(
            DatabaseUpdateProcessor(session_factory, metrics, turns, UPDATES_AT_ONCE)
        )
        .post_init(on_startup)
        .post_shutdown(on_shutdown)
        .build()
    )
    assert application.job_queue is not None  # the job-queue extra is a dependency
    application.bot_data[SERVICES_KEY] = Services(
        settings=settings,
        content=content,
        clock=clock,
        engine=engine,
        session_factory=session_factory,
        countdowns=Countdowns(
            application.job_queue,
            clock,
            content.messages.session.hold_left,
            timing.countdown_every,
            metrics,
        ),
        timing=timing,
        flood_gate=FloodGate(timing.flood),
        user_turns=turns,
        pictures=Pictures(
            content,
            session_factory,
            settings.data_dir / "pictures",
            (timing.picture_patience, timing.upload_patience),
            skipped=(Skipped,),
            count=lambda outcome: metrics.pictures.labels(outcome).inc(),
        ),
        metrics=metrics,
    )
    register_handlers(application)
    return application


def register_handlers(application: BotApplication) -> None:
    """Every handler, in the order PTB tries them. The bot is for private chats."""
    private = filters.ChatType.PRIVATE
    # New messages only: an edit of an old message is deliberately ignored.
    new_private = private & filters.UpdateType.MESSAGE
    application.add_handler(TypeHandler(Update, flood.check), group=-3)
    application.add_handler(MessageHandler(new_private, on_new_message), group=-2)
    # Triage reads every typed text (a command's words, a caption, an edit) before any
    # other handler; a red flag gets its advice and nothing else (ApplicationHandlerStop).
    typed = private & (filters.UpdateType.MESSAGES) & (filters.TEXT | filters.CAPTION)
    application.add_handler(MessageHandler(typed, safety.on_message), group=-1)
    for command, callback in COMMANDS:
        application.add_handler(CommandHandler(command, callback, filters=new_private))
    # Not in the public menu: to anyone but ADMIN_IDS it answers like an unknown command.
    application.add_handler(CommandHandler("stats", admin.stats_command, filters=new_private))
    for kind, callback in BUTTONS.items():
        application.add_handler(CallbackQueryHandler(callback, pattern=kind.pattern()))
    application.add_handler(CallbackQueryHandler(menus.expire))
    application.add_handler(
        ChatMemberHandler(reminders.on_membership, ChatMemberHandler.MY_CHAT_MEMBER)
    )
    application.add_handler(MessageHandler(new_private & filters.LOCATION, preferences.on_location))
    application.add_handler(
        MessageHandler(new_private & filters.TEXT & ~filters.COMMAND, replies.on_text)
    )
    application.add_handler(
        MessageHandler(new_private & filters.COMMAND, replies.on_unknown_command)
    )
    application.add_handler(MessageHandler(new_private, replies.on_anything_else))
    application.add_error_handler(errors.on_error)


async def on_startup(application: BotApplication) -> None:
    """Migrate the database, publish the command menu, start the due-work loop."""
    services = services_of(application)
    await upgrade(services.engine)
    descriptions = services.content.messages.commands
    menu = [BotCommand(command, descriptions[command]) for command, _ in COMMANDS]
    await application.bot.set_my_commands(menu)
    admin_menu = [*menu, BotCommand("stats", services.content.messages.admin.stats_command)]
    for admin_id in sorted(services.settings.admin_ids):  # only admins see /stats
        try:
            await application.bot.set_my_commands(admin_menu, scope=BotCommandScopeChat(admin_id))
        except BadRequest as error:  # an admin who never wrote to the bot: no chat yet
            logger.warning("admin %s gets no /stats menu entry: %s", admin_id, error)
    assert application.job_queue is not None
    every = services.timing.due_work_every
    # Two lanes: session timers never wait behind a reminder fan-out.
    application.job_queue.run_repeating(timers.run, interval=every, first=0, name="timers")
    application.job_queue.run_repeating(dispatcher.run, interval=every, first=0, name="reminders")
    port = services.settings.metrics_port
    if port is not None:
        from aiohttp import web  # only with a metrics port: not loaded otherwise

        from bot.runtime.health import routes, start_server

        app = web.Application()
        app.add_routes(routes(services.metrics, services.engine, application.job_queue))
        listen = services.settings.webhook_listen
        application.bot_data[MONITORING_KEY] = await start_server(app, listen, port)
    logger.info("started as @%s", application.bot.username)


async def on_shutdown(application: BotApplication) -> None:
    """Stop the monitoring server; close the database cleanly."""
    monitoring = application.bot_data.pop(MONITORING_KEY, None)
    if monitoring is not None:
        await monitoring.cleanup()
    await services_of(application).engine.dispose()
    logger.info("stopped")


@asynccontextmanager
async def polling(application: Application[Any, Any, Any, Any, Any, Any]) -> AsyncIterator[None]:
    """Any Application started as `run_polling` would, inside a running event loop (the
    demo, tests, benchmarks), and stopped cleanly."""
    await application.initialize()
    if application.post_init is not None:
        await application.post_init(application)
    assert application.updater is not None
    await application.updater.start_polling(
        poll_interval=0, timeout=1, allowed_updates=Update.ALL_TYPES
    )
    await application.start()
    try:
        yield
    finally:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)
