"""The morning peak: replies before timers before bulk, countdown edits only with budget to
spare, and a timers job that keeps up with many holds ending at once.

The send budget's spacing is counted in fake seconds (conftest FakeTime): these tests say
how many sends the budget allowed in how much of its time, never how long they took.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import update

from bot.coaching import timers
from bot.content import load_content
from bot.db.engine import create_session_factory
from bot.db.guided import DueTimer
from bot.db.migrations import upgrade
from bot.db.models import Preferences, SessionTimer
from bot.db.repo import Repo
from bot.db.users import UserProfile
from bot.domain.routine import dose_for
from bot.domain.session import CheckedIn, Item, Phase, SessionState, Start, step
from bot.emulator import BotApiEmulator
from bot.runtime.context import BotApplication, services_of
from bot.runtime.transport import PATIENCE, Lane, SendBudget, Skipped
from tests.conftest import QUICK, BotRunner, Database, FakeClock, FakeTime

# The timers job does not run by itself during a test (its first run is a minute away):
# the test runs it once, so whatever fired, that one run fired.
ONE_RUN = replace(QUICK, due_work_every=60.0, send_budget=True)
RATE = 30.0  # SENDS_PER_SECOND's default
BURST = 5


def budget_in(pace: FakeTime) -> SendBudget:
    return SendBudget(per_second=RATE, burst=BURST, monotonic=pace.monotonic, sleep=pace.sleep)


class Spent:
    """A budget whose burst is spent, in fake time, and the order it lets sends go in."""

    def __init__(self) -> None:
        self.pace = FakeTime()
        self.budget = budget_in(self.pace)
        self.served: list[str] = []

    async def spend_burst(self) -> None:
        for _ in range(BURST):
            await self.budget.take(Lane.INTERACTIVE)

    async def send(self, name: str, lane: Lane) -> None:
        await self.budget.take(lane)
        self.served.append(name)


async def test_under_a_saturated_budget_replies_go_first_then_timers_then_bulk() -> None:
    spent = Spent()
    await spent.spend_burst()
    waiting = [asyncio.create_task(spent.send(f"bulk{n}", Lane.BULK)) for n in range(10)]
    waiting += [asyncio.create_task(spent.send(f"timer{n}", Lane.TIMER)) for n in range(10)]
    await asyncio.sleep(0)  # all twenty are queued
    waiting.append(asyncio.create_task(spent.send("reply", Lane.INTERACTIVE)))
    await asyncio.gather(*waiting)
    assert spent.served[0] == "reply"
    assert spent.served[1:11] == [f"timer{n}" for n in range(10)]  # in the order they came
    assert spent.served[11:] == [f"bulk{n}" for n in range(10)]
    assert spent.pace.now == pytest.approx(21 / RATE, abs=0.1)  # never faster than the rate


async def test_past_capacity_a_timer_that_waited_long_goes_before_a_new_reply() -> None:
    """Nobody starves: waiting calls go in order of arrival plus their lane's patience."""
    spent = Spent()
    await spent.spend_burst()
    timer = asyncio.create_task(spent.send("timer", Lane.TIMER))
    await asyncio.sleep(0)
    spent.pace.now += PATIENCE[Lane.TIMER] + 0.01  # ... and it still waits: replies went first
    budget = spent.budget
    budget._tokens, budget._at = 0.0, spent.pace.now  # (replies meanwhile took them all)
    reply = asyncio.create_task(spent.send("reply", Lane.INTERACTIVE))
    await asyncio.gather(timer, reply)
    assert spent.served == ["timer", "reply"]


async def test_a_countdown_edit_is_skipped_not_queued() -> None:
    pace = FakeTime()
    budget = budget_in(pace)
    await budget.take(Lane.COSMETIC)  # to spare at first: it goes
    for _ in range(BURST - 1):
        await budget.take(Lane.INTERACTIVE)
    with pytest.raises(Skipped):
        await budget.take(Lane.COSMETIC)
    assert pace.now == 0.0  # it did not wait for a token
    waiting = asyncio.create_task(budget.take(Lane.BULK))
    await asyncio.sleep(0)
    pace.now += 10.0  # the bucket is full again, but a send is waiting for its turn
    with pytest.raises(Skipped):
        await budget.take(Lane.COSMETIC)
    await waiting


async def test_a_picture_goes_when_a_timer_could_and_never_waits() -> None:
    pace = FakeTime()
    budget = budget_in(pace)
    for _ in range(BURST - 2):
        await budget.take(Lane.INTERACTIVE)
    with pytest.raises(Skipped):  # two tokens left: too few for a countdown edit ...
        await budget.take(Lane.COSMETIC)
    await budget.take(Lane.PICTURE)  # ... but a picture goes, as a timer's message would
    with pytest.raises(Skipped):  # one left, kept for a reply: the card goes without it
        await budget.take(Lane.PICTURE)
    await budget.take(Lane.INTERACTIVE)  # the reply it was kept for
    assert pace.now == 0.0
    waiting = asyncio.create_task(budget.take(Lane.INTERACTIVE))
    await asyncio.sleep(0)
    pace.now += 10.0  # the bucket is full again, but a reply is waiting for its turn
    with pytest.raises(Skipped):
        await budget.take(Lane.PICTURE)
    await waiting


async def seed_holds(db: Database, clock: FakeClock, people: int) -> list[int]:
    """`people` set up, each in the first hold of a session, all holds due within the same
    second (a microsecond apart, in the order of the returned session ids)."""
    await upgrade(db.engine)
    content = load_content()
    exercise = next(e for e in content.catalogue.exercises if e.dosage.reps is None)
    plan = (Item(exercise.id, dose_for(exercise.dosage, 0)),)
    now = clock.now()
    state = step(step(SessionState(), CheckedIn(2, plan), now).state, Start(), now).state
    assert state.phase is Phase.HOLD
    sessions = []
    async with create_session_factory(db.engine)() as tx:
        repo = Repo(tx)
        for user_id in range(1, people + 1):
            await repo.users.get_or_create(UserProfile(user_id, f"P{user_id}"), now)
            row = await repo.sessions.start(user_id, now.date(), state, now)
            await repo.sessions.save(row, state, now)
            sessions.append(row.id)
        await tx.execute(update(Preferences).values(onboarding_step=None, timezone="UTC"))
        for rank, session_id in enumerate(sessions):
            due = now + timedelta(microseconds=rank)
            await tx.execute(
                update(SessionTimer).where(SessionTimer.session_id == session_id).values(due_at=due)
            )
        await tx.commit()
    clock.advance(seconds=1)  # every hold has ended
    return sessions


def recording(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The sessions whose timer fired, in the order they fired."""
    fired: list[int] = []
    real = timers.fire

    async def fire(*args: object) -> None:
        timer = args[2]
        assert isinstance(timer, DueTimer)
        fired.append(timer.session_id)
        await real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(timers, "fire", fire)
    return fired


async def run_timers_once(bot: BotApplication) -> None:
    assert bot.job_queue is not None
    (job,) = bot.job_queue.get_jobs_by_name("timers")
    await job.run(bot)


def fired(bot: BotApplication) -> int:
    return int(services_of(bot).metrics.timers_fired._value.get())


async def test_two_hundred_holds_ending_at_once_all_end_in_one_run_oldest_first(
    run_bot: BotRunner, fake: BotApiEmulator, clock: FakeClock, db: Database,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    sessions = await seed_holds(db, clock, 200)
    for user_id in range(1, 201):
        fake.user(user_id=user_id, first_name=f"P{user_id}")
    order = recording(monkeypatch)
    pace = FakeTime()
    async with run_bot(pace.spacing(ONE_RUN)) as bot:
        await run_timers_once(bot)
        assert fired(bot) == 200
        sends = sum(1 for call in fake.calls if call.method in ("sendMessage", "editMessageText"))
        assert sorted(order) == sessions
        rank = {session_id: n for n, session_id in enumerate(sessions)}
        # Oldest first: each fired no later than the timers firing beside it allow.
        assert all(rank[session_id] <= n + timers.CONCURRENT for n, session_id in enumerate(order))
        # Within the budget's capacity: as fast as its rate allows, no slower.
        assert pace.now <= (sends - BURST) / RATE + 1.0


async def test_a_slow_send_does_not_hold_up_other_peoples_timers(
    run_bot: BotRunner, fake: BotApiEmulator, clock: FakeClock, db: Database
) -> None:
    await seed_holds(db, clock, 3)
    slow, *others = (fake.user(user_id=n, first_name=f"P{n}") for n in (1, 2, 3))
    fake.stall_chat(slow.id)  # the oldest hold's "hold done" hangs on its way
    async with run_bot(FakeTime().spacing(ONE_RUN)) as bot:
        run = asyncio.create_task(run_timers_once(bot))
        for person in others:  # their hold was the routine's last: how is the back now?
            assert "How is your back now" in (await person.receive()).plain_text
        assert not run.done()  # the slow one is still on its way
        await fake.unstall_chat(slow.id)
        assert "How is your back now" in (await slow.receive()).plain_text
        await run
