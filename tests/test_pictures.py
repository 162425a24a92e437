"""Exercise pictures end to end: each card under its animation, uploaded once and then
sent by file_id, uploaded again when the pose changes or Telegram refuses the id; text
only for those who turn pictures off; a picture that fails never stops the session."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace

from sqlalchemy import select

from bot.app import build_application, polling
from bot.config import Settings
from bot.content import Content, load_content
from bot.db.models import TelegramFile
from bot.emulator import BotApiEmulator, EmulatedUser, SentMessage
from bot.pictures import render
from bot.runtime.context import BotApplication
from bot.runtime.services import Timing
from tests.conftest import QUICK, BotRunner, Database, FakeClock
from tests.journeys import coach_through, set_up_earlier, start_today

CONTENT = load_content()


def uploads(fake: BotApiEmulator) -> list[SentMessage]:
    return [m for m in fake.messages if m.animation is not None and m.uploaded]


def animations(fake: BotApiEmulator, chat_id: int) -> list[SentMessage]:
    return [m for m in fake.messages if m.animation is not None and m.chat_id == chat_id]


async def card_with_picture(user: EmulatedUser, name: str) -> tuple[SentMessage, SentMessage]:
    """The animation, and right under it the card with its steps and buttons."""
    picture = await user.receive_animation()
    card = await user.receive(animations=True)
    assert name in picture.plain_text  # the caption names it
    assert card.animation is None
    assert card.plain_text.startswith(name)
    assert card.message_id > picture.message_id
    return picture, card


async def test_the_first_card_uploads_and_every_later_one_reuses_the_file_id(
    run_bot: BotRunner, fake: BotApiEmulator, clock: FakeClock, db: Database
) -> None:
    ada = fake.user(user_id=9101, first_name="Ada")
    bob = fake.user(user_id=9102, first_name="Bob")
    async with run_bot():
        await set_up_earlier(ada, clock)
        await set_up_earlier(bob, clock)
        await ada.send("/stretch bridge")
        first, card = await card_with_picture(ada, "Bridge Exercise")
        assert first.uploaded
        assert first.animation == render.animation(CONTENT.motions["bridge"])
        assert first.animation[:6] == b"GIF89a"
        assert card.buttons == ["▶️ Do it now", "📚 All exercises"]
        await ada.send("/stretch bridge")  # again: by id
        again, _ = await card_with_picture(ada, "Bridge Exercise")
        await bob.send("how do I do the brdge?")  # someone else: by id too
        bobs, _ = await card_with_picture(bob, "Bridge Exercise")
        assert not again.uploaded
        assert not bobs.uploaded
        assert again.file_id == bobs.file_id == first.file_id
        async with db.connect() as connection:
            stored = (await connection.execute(select(TelegramFile))).one()
        assert (stored.name, stored.file_id) == ("bridge.gif", first.file_id)
        assert stored.fingerprint == render.fingerprint(CONTENT.motions["bridge"])
    async with run_bot():  # after a restart, from the database: still no second upload
        await bob.send("/stretch bridge")
        after, _ = await card_with_picture(bob, "Bridge Exercise")
        assert not after.uploaded
        assert after.file_id == first.file_id
    assert [m.file_id for m in uploads(fake)] == [first.file_id]


async def test_session_cards_come_under_their_pictures(
    bot: BotApplication, fake: BotApiEmulator, clock: FakeClock
) -> None:
    ada = fake.user(user_id=9103, first_name="Ada")
    bob = fake.user(user_id=9104, first_name="Bob")
    await set_up_earlier(ada, clock)
    await set_up_earlier(bob, clock)
    first = await start_today(ada)
    seen = await coach_through(ada, clock, first)
    cards = [m for m in seen if "Tap Start" in m.plain_text]  # "1/7 · Cat-Cow Stretch"...
    pictures = animations(fake, ada.id)
    assert len(pictures) == len(cards) >= 3  # one for each exercise of the routine
    for picture, card in zip(pictures, cards, strict=True):  # each right above its card
        assert card.message_id == picture.message_id + 1
        name = picture.plain_text.split(":")[0]
        assert f"/{len(cards)} · {name}\n" in card.plain_text
    uploaded_first = {m.file_id for m in uploads(fake)}
    assert len(uploaded_first) == len(pictures)
    await coach_through(bob, clock, await start_today(bob))  # the same routine, by id
    assert not [m for m in animations(fake, bob.id) if m.uploaded]
    assert {m.file_id for m in animations(fake, bob.id)} <= uploaded_first


@asynccontextmanager
async def bot_with(
    settings: Settings, clock: FakeClock, content: Content, timing: Timing = QUICK
) -> AsyncIterator[BotApplication]:
    application = build_application(settings, content, clock, timing)
    async with polling(application):
        yield application


def with_bridge_changed(content: Content) -> Content:
    """The content with the Bridge's top position lifted a little higher."""
    motion = content.motions["bridge"]
    top = motion.positions[-1]
    lifted = replace(top, pose=replace(top.pose, trunk=top.pose.trunk + 4))
    changed = replace(motion, positions=(*motion.positions[:-1], lifted))
    return content.model_copy(update={"motions": {**content.motions, "bridge": changed}})


async def test_a_changed_pose_is_uploaded_again(
    settings: Settings, fake: BotApiEmulator, clock: FakeClock, running_bots: list[BotApplication]
) -> None:
    ada = fake.user(user_id=9105, first_name="Ada")
    async with bot_with(settings, clock, CONTENT) as application:
        running_bots.append(application)
        await set_up_earlier(ada, clock)
        await ada.send("/stretch bridge")
        old, _ = await card_with_picture(ada, "Bridge Exercise")
        await ada.send("/stretch cat cow")
        cat_cow, _ = await card_with_picture(ada, "Cat-Cow Stretch")
        running_bots.remove(application)
    changed = with_bridge_changed(CONTENT)
    assert render.fingerprint(changed.motions["bridge"]) != render.fingerprint(
        CONTENT.motions["bridge"]
    )
    async with bot_with(settings, clock, changed) as application:
        running_bots.append(application)
        await ada.send("/stretch bridge")
        new, _ = await card_with_picture(ada, "Bridge Exercise")
        await ada.send("/stretch cat cow")
        same, _ = await card_with_picture(ada, "Cat-Cow Stretch")
        running_bots.remove(application)
    assert old.uploaded
    assert new.uploaded
    assert new.file_id != old.file_id
    assert new.animation == render.animation(changed.motions["bridge"]) != old.animation
    assert not same.uploaded
    assert same.file_id == cat_cow.file_id


async def test_a_refused_file_id_is_uploaded_again(
    bot: BotApplication, fake: BotApiEmulator, clock: FakeClock, db: Database
) -> None:
    ada = fake.user(user_id=9106, first_name="Ada")
    await set_up_earlier(ada, clock)
    await ada.send("/stretch bridge")
    first, _ = await card_with_picture(ada, "Bridge Exercise")
    fake.forget_files()  # as Telegram does for an id it no longer knows
    await ada.send("/stretch bridge")
    second, _ = await card_with_picture(ada, "Bridge Exercise")
    assert first.uploaded
    assert second.uploaded
    assert second.file_id != first.file_id
    refused = [c for c in fake.calls if c.method == "sendAnimation"][1]
    assert refused.parameters["animation"] == first.file_id  # tried by id first
    async with db.connect() as connection:
        stored = await connection.scalar(select(TelegramFile.file_id))
    assert stored == second.file_id


async def test_pictures_off_sends_text_only(
    bot: BotApplication, fake: BotApiEmulator, clock: FakeClock
) -> None:
    ada = fake.user(user_id=9107, first_name="Ada")
    await set_up_earlier(ada, clock)
    await ada.send("/settings")
    menu = await ada.receive()
    assert "🎞 Exercise pictures: on" in menu.plain_text
    await ada.press(menu, "🎞 Pictures: turn off (text only)")
    assert (await ada.receive()).plain_text.startswith("🎞 Pictures are off")
    await ada.send("/stretch bridge")
    card = await ada.receive(animations=True)
    assert card.animation is None
    assert card.plain_text.startswith("Bridge Exercise")
    await coach_through(ada, clock, await start_today(ada))
    assert animations(fake, ada.id) == []
    await ada.send("/settings")
    assert "🎞 Exercise pictures: off (text only)" in (await ada.receive()).plain_text
    await ada.send("Pictures on")  # typed, as the button's equivalent
    assert (await ada.receive()).plain_text.startswith("🎞 Pictures are on")
    await ada.send("/stretch bridge")
    await card_with_picture(ada, "Bridge Exercise")


async def test_a_failing_picture_leaves_the_session_going(
    bot: BotApplication, fake: BotApiEmulator, clock: FakeClock
) -> None:
    ada = fake.user(user_id=9108, first_name="Ada")
    await set_up_earlier(ada, clock)
    fake.inject_error("sendAnimation", 400, "Bad Request: failed to get HTTP URL content", times=99)
    first = await start_today(ada)
    assert first.buttons[:1] == ["▶️ Start"]
    seen = await coach_through(ada, clock, first)
    assert "Session complete" in seen[-1].plain_text
    assert animations(fake, ada.id) == []
    assert len([c for c in fake.calls if c.method == "sendAnimation"]) >= 3  # it did try


async def test_a_picture_that_hangs_does_not_hold_up_the_card(
    run_bot: BotRunner, fake: BotApiEmulator, clock: FakeClock
) -> None:
    ada = fake.user(user_id=9109, first_name="Ada")
    async with run_bot(replace(QUICK, picture_patience=0.5, upload_patience=0.5)):
        await set_up_earlier(ada, clock)
        fake.stall("sendAnimation")  # never answered
        first = await start_today(ada)
        assert first.buttons[:1] == ["▶️ Start"]
        fake.unstall("sendAnimation")
        seen = await coach_through(ada, clock, first)
        assert "Session complete" in seen[-1].plain_text
