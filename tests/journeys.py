"""Reusable user journeys for end-to-end tests."""

from __future__ import annotations

from tests.fakebotapi import FakeUser, SentMessage


async def onboard_by_buttons(
    user: FakeUser, *, time: str = "07:30", zone: str = "Berlin"
) -> SentMessage:
    """/start through to "All set", tapping every button (the zone is typed: it has none)."""
    await user.send("/start")
    await user.press(await user.receive(), "✅ I understand")
    await user.press(await user.receive(), "No, none of these")
    await user.press(await user.receive(), "2")
    await user.press(await user.receive(), time)
    await user.receive()  # the time zone question
    await user.send(zone)
    return await user.receive()
