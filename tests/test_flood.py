"""Per-user flood control: a flood is slowed down, a person never is, others never notice."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bot.domain.flood import KEEP_AT_MOST, FloodGate, FloodLimit, Verdict
from bot.emulator import BotApiEmulator
from tests.conftest import QUICK, BotRunner, FakeClock

T0 = datetime(2026, 11, 24, 7, 0, tzinfo=UTC)


def test_a_burst_is_let_through_then_one_warning_then_silence() -> None:
    gate = FloodGate(FloodLimit(burst=3, per_second=1))
    verdicts = [gate.admit(1, T0) for _ in range(6)]
    assert verdicts == [Verdict.ALLOW] * 3 + [Verdict.WARN] + [Verdict.DROP] * 2
    assert gate.admit(2, T0) is Verdict.ALLOW  # another user is not affected
    assert gate.admit(1, T0 + timedelta(seconds=1)) is Verdict.ALLOW  # it refills
    assert gate.admit(1, T0 + timedelta(seconds=1)) is Verdict.WARN  # and warns again


def test_hundreds_a_minute_are_slowed_but_a_person_never_is() -> None:
    gate = FloodGate(FloodLimit())  # the production limit
    flood = [gate.admit(1, T0 + timedelta(seconds=n * 0.2)) for n in range(300)]  # 300 a minute
    assert flood.count(Verdict.ALLOW) <= 20 + 60
    assert flood.count(Verdict.ALLOW) >= 60
    # A fast person: a tap every 2 seconds for an hour, with a burst of 10 double taps.
    person = [gate.admit(2, T0 + timedelta(seconds=n * 2)) for n in range(1800)]
    person += [gate.admit(2, T0 + timedelta(hours=1)) for _ in range(10)]
    assert set(person) == {Verdict.ALLOW}


def test_memory_stays_bounded_even_when_everyone_is_busy() -> None:
    gate = FloodGate(FloodLimit(burst=2, per_second=1))
    for user_id in range(3 * KEEP_AT_MOST):
        gate.admit(user_id, T0 + timedelta(seconds=user_id))
    assert len(gate._buckets) <= KEEP_AT_MOST
    busy = FloodGate(FloodLimit(burst=2, per_second=0.001))  # nobody refills
    for user_id in range(3 * KEEP_AT_MOST):
        busy.admit(user_id, T0)
    assert len(busy._buckets) == KEEP_AT_MOST
    flooder = 3 * KEEP_AT_MOST - 1  # the most recent user is still held back
    assert [busy.admit(flooder, T0) for _ in range(3)] == [
        Verdict.ALLOW, Verdict.WARN, Verdict.DROP,
    ]  # fmt: skip


async def test_a_flooding_user_is_slowed_and_everyone_else_is_still_answered(
    run_bot: BotRunner, fake: BotApiEmulator, clock: FakeClock
) -> None:
    timing = replace(QUICK, flood=FloodLimit(burst=3, per_second=1))
    async with run_bot(timing):
        flooder, other = fake.user(7301, "Flo"), fake.user(7302, "Otto")
        await flooder.send("/exercises")
        catalogue = await flooder.receive()
        for _ in range(100):  # all at once, without waiting for any answer
            await flooder.send("/help")
        await other.send("/help")
        assert "/today" in (await other.receive()).plain_text
        for _ in range(2):
            assert "/today" in (await flooder.receive()).plain_text
        assert "a lot of messages at once" in (await flooder.receive()).plain_text
        await flooder.no_message(within=0.3)  # the other 97 were dropped
        answer = await flooder.press(catalogue, catalogue.buttons[0])  # a tap is answered
        assert answer.text is not None
        assert "a lot of messages" in answer.text
        await flooder.send("/settings")  # still over the limit: silence
        await flooder.no_message(within=0.3)
        clock.advance(seconds=1)  # a second later one more is fine
        await flooder.send("/help")
        assert "/today" in (await flooder.receive()).plain_text
