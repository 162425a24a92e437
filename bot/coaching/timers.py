"""The timers job: fires the session timers that are due, oldest first, several at once.

Each due timer is taken and its session moved on in one transaction (on
PostgreSQL the timer's row is locked with SKIP LOCKED, so replicas never fire
the same one), so a follow-up is sent once even across restarts. Up to
CONCURRENT fire at once, each in its own user's turn: one slow send holds one
slot, not the others. A run keeps taking timers while any are due, so a burst
is never cut short; late timers fire oldest first. After downtime, overdue
timers fire at once: a hold that ended meanwhile simply moves on.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from sqlalchemy import delete

from bot.coaching.runner import Coach
from bot.db.guided import DueTimer
from bot.db.models import SessionTimer
from bot.db.repo import Repo
from bot.domain.session import Timer, TimerFired
from bot.runtime.context import BotContext
from bot.runtime.transport import Lane, unreachable

logger = logging.getLogger(__name__)

CONCURRENT = 8  # timers firing at once (each holds a database connection while it sends)


async def run(context: BotContext) -> None:
    """Fire every session timer that is due (a JobQueue callback)."""
    services = context.services
    firing: dict[int, asyncio.Task[bool]] = {}  # user id -> the firing of their timer
    passed: set[int] = set()  # users busy with an update here: their timer waits a little
    elsewhere: set[int] = set()  # users another replica holds: their timer waits a run
    while True:
        free = CONCURRENT - len(firing)
        due: list[DueTimer] = []
        if free > 0:
            async with services.session_factory() as db:
                busy = passed | elsewhere | set(firing)
                due = await Repo(db).sessions.due_timers(services.clock.now(), free, busy)
        for timer in due:
            if services.user_turns.busy(timer.user_id):  # their update is being handled
                passed.add(timer.user_id)
            else:
                firing[timer.user_id] = asyncio.create_task(_fire_one(context, timer))
        if not firing:
            if due:
                continue  # every one was busy: look again past them
            return
        # Until one finishes, or a little while: timers fall due meanwhile, and one slow
        # send must not keep them waiting.
        done, _ = await asyncio.wait(
            firing.values(), timeout=services.timing.due_work_every,
            return_when=asyncio.FIRST_COMPLETED,
        )  # fmt: skip
        for user_id, task in list(firing.items()):
            if task not in done:
                continue
            del firing[user_id]
            failed = None if task.cancelled() else task.exception()
            if failed is not None:
                logger.error("timer of user %s not fired", user_id, exc_info=failed)
            if task.cancelled() or failed is not None or not task.result():
                elsewhere.add(user_id)  # not again in this run
        passed.clear()


async def _fire_one(context: BotContext, timer: DueTimer) -> bool:
    """Take the timer in its user's turn and fire it; False if another replica holds the
    user or the timer (then it waits for the next run), or it went meanwhile."""
    services = context.services
    # The turn first (free, so taken at once), then the rows: holding a row while waiting
    # for the turn could deadlock with an update holding the turn here.
    async with services.user_turns.turn(timer.user_id), services.session_factory() as db:
        repo = Repo(db)
        if not await repo.users.try_lock(timer.user_id):  # handled by another replica
            return False
        if not await repo.sessions.take_timer(timer):  # taken elsewhere, fired or replaced
            await db.rollback()
            return False
        now = services.clock.now()
        services.metrics.timer_lag.observe(max(0.0, (now - timer.due_at).total_seconds()))
        await fire(context, repo, timer, now)
        return True


async def fire(context: BotContext, repo: Repo, timer: DueTimer, now: datetime) -> None:
    """Move the timer's session on and commit; a timer that fails is dropped, not retried."""
    services = context.services
    db = repo.db
    try:
        row = await repo.sessions.get(timer.session_id)
        assert row is not None  # the timer row cascades with its session
        coach = Coach(
            context.bot, repo, services.content, now, services.countdowns, services.pictures,
            Lane.TIMER,
        )  # fmt: skip
        await coach.fire(row, TimerFired(Timer(timer.kind), version=timer.version))
        await db.commit()
        services.metrics.timers_fired.inc()
    except Exception as error:
        await db.rollback()
        if unreachable(error):  # blocked, or gone: nobody to coach any more
            logger.warning("session %s: user unreachable (%s)", timer.session_id, error)
            await repo.users.mark_blocked(timer.user_id, now)
            timers = delete(SessionTimer).where(SessionTimer.session_id == timer.session_id)
            await db.execute(timers)
        else:  # never retry a timer that fails: drop it, log it, keep the loop alive
            logger.exception("timer %s of session %s failed", timer.kind, timer.session_id)
            await db.execute(
                delete(SessionTimer).where(
                    SessionTimer.session_id == timer.session_id,
                    SessionTimer.version == timer.version,
                )
            )
        await db.commit()
