"""Reusable user journeys for end-to-end tests."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from bot.domain.pain import FRESH_BASELINE
from bot.emulator import EmulatedUser, SentMessage
from tests.conftest import Database, FakeClock


async def onboard_by_buttons(
    user: EmulatedUser, *, time: str = "07:30", zone: str = "Berlin", pain: str = "2"
) -> SentMessage:
    """/start through to "All set", tapping every button (the zone is typed: it has none)."""
    await user.send("/start")
    await user.press(await user.receive(), "✅ I understand")
    await user.press(await user.receive(), "No, none of these")
    await user.press(await user.receive(), pain)
    await user.press(await user.receive(), time)
    await user.receive()  # the time zone question
    await user.send(zone)
    return await user.receive()


# Set up on Tue 24 Nov at 08:00 in Berlin for 07:30: the first reminder is Wednesday's.
WEDNESDAY = datetime(2026, 11, 25, 6, 30, tzinfo=UTC)


async def move_to(db: Database, clock: FakeClock, instant: datetime) -> None:
    """Once the bot has stored all it was sent (a reply goes out before its update commits,
    and the next reminder is computed at the commit), move the clock on."""
    async with db.connect():
        pass
    clock.advance(seconds=(instant - clock.now()).total_seconds())


async def report_red_flags(user: EmulatedUser) -> SentMessage:
    """/start, accept, "Yes, at least one" on the safety screen: the advice that follows."""
    await user.send("/start")
    await user.press(await user.receive(), "✅ I understand")
    await user.press(await user.receive(), "Yes, at least one")
    return await user.receive()


async def set_up_earlier(user: EmulatedUser, clock: FakeClock, **options: str) -> None:
    """Set up, then a while passes: the pain rating given while setting up is no longer
    today's, so /today asks for it (`start_today`)."""
    await onboard_by_buttons(user, **options)
    clock.advance(seconds=(FRESH_BASELINE + timedelta(minutes=1)).total_seconds())


async def start_today(user: EmulatedUser, rating: str = "2") -> SentMessage:
    """/today, tap the pain rating: the routine overview above the first exercise card, in
    one message."""
    await user.send("/today")
    check_in = await user.receive()
    assert check_in.plain_text.startswith("🌅 Let's do today's routine.\n\nFirst, how is your")
    await user.press(check_in, rating)
    return await user.receive()


HOLD_SECONDS = re.compile(r"hold(?: \((?:left|right) \w+\))? for (\d+) s")


async def coach_through(
    user: EmulatedUser, clock: FakeClock, first: SentMessage, *, typed: bool = False,
    after_rating: str = "1",
) -> list[SentMessage]:  # fmt: skip
    """Do every step the bot asks for, by buttons (letting timers run out) or by typing
    (moving on before them); every message and edit seen, until the summary."""
    seen = [first]
    message = first
    for _ in range(200):
        text = message.plain_text
        if "Session complete" in text:
            return seen
        if "How is your back now" in text:
            await (user.send(after_rating) if typed else user.press(message, after_rating))
        elif "Tap Start" in text:
            await (user.send("start") if typed else user.press(message, "▶️ Start"))
        elif "s left" in text:  # a hold: it ends by itself unless the user is done first
            if typed:
                await user.send("done")
            else:
                seconds = HOLD_SECONDS.search(text)
                assert seconds is not None, text
                clock.advance(seconds=int(seconds[1]))
            seen.append(await user.receive_edit(of=message))  # "hold done" ends the countdown
        elif "Switch to your" in text:
            if typed:
                await user.send("ready")
            else:
                clock.advance(seconds=5)
        elif "Rest for" in text:
            if typed:
                await user.send("go")
            else:
                clock.advance(seconds=30)
        elif "Tap Done" in text:
            await (user.send("done") if typed else user.press(message, "✅ Done"))
        else:
            raise AssertionError(f"the coach stopped at: {text}")
        message = await user.receive()
        seen.append(message)
    raise AssertionError("the routine never ended")
