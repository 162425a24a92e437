"""The due-work loop: one periodic job that fires whatever is due.

Each due timer is claimed and its session moved on in one transaction (on
PostgreSQL with SKIP LOCKED, so replicas never take the same row), so a
follow-up is sent once even across restarts. The cost of a run is the work
that is due, not the number of users. After downtime, overdue timers fire at
once: a hold that ended meanwhile simply moves on.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import delete

from bot.coaching.runner import Coach
from bot.db.guided import DueTimer
from bot.db.models import SessionTimer
from bot.db.repo import Repo
from bot.domain.session import Timer, TimerFired
from bot.runtime.context import BotContext
from bot.runtime.transport import unreachable

logger = logging.getLogger(__name__)

MAX_PER_RUN = 50  # the rest waits for the next run, so replies are never starved


async def run(context: BotContext) -> None:
    """Fire every session timer that is due (a JobQueue callback)."""
    services = context.services
    busy: set[int] = set()  # users whose update is being handled (here or elsewhere) now
    for _ in range(MAX_PER_RUN):
        now = services.clock.now()
        async with services.session_factory() as db:
            repo = Repo(db)
            due = await repo.sessions.claim_due(now, limit=1, passing_over=busy)
            if not due:
                return
            timer = due[0]
            turns = services.user_turns
            if turns.busy(timer.user_id):  # their update is being handled in this process
                busy.add(timer.user_id)  # their timer waits for the next run; others go on
                continue
            # The turn first (free, so taken at once), then the row: holding the row while
            # waiting for the turn could deadlock with an update holding the turn here.
            async with turns.turn(timer.user_id):
                if not await repo.users.try_lock(timer.user_id):  # handled by another replica
                    busy.add(timer.user_id)
                    continue
                await fire(context, repo, timer, now)


async def fire(context: BotContext, repo: Repo, timer: DueTimer, now: datetime) -> None:
    """Move the timer's session on and commit; a timer that fails is dropped, not retried."""
    services = context.services
    db = repo.db
    try:
        row = await repo.sessions.get(timer.session_id)
        assert row is not None  # the timer row cascades with its session
        coach = Coach(context.bot, repo, services.content, now, services.countdowns)
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
