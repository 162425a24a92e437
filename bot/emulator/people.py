"""Users and groups that talk to the bot through the Bot API emulator."""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any

from bot.emulator.records import CallbackAnswer, SentMessage

if TYPE_CHECKING:
    from bot.emulator.server import BotApiEmulator


class EmulatedUser:
    """A person in a private chat with the bot: sends, taps, shares, and reads replies."""

    def __init__(
        self,
        api: BotApiEmulator,
        user_id: int,
        first_name: str,
        username: str | None,
        last_name: str | None,
        language_code: str,
    ) -> None:
        self.api = api
        self.id = user_id
        self.profile: dict[str, Any] = {
            "id": user_id, "is_bot": False, "first_name": first_name,
            "language_code": language_code,
        }  # fmt: skip
        self.chat: dict[str, Any] = {"id": user_id, "type": "private", "first_name": first_name}
        for key, value in (("username", username), ("last_name", last_name)):
            if value is not None:
                self.profile[key] = self.chat[key] = value
        self._read = 0  # new messages already received
        self._read_edits = 0

    # ---- acting ----------------------------------------------------------------------------

    async def send(self, text: str) -> int:
        """Type a message (a leading /command is marked as Telegram marks it); its id."""
        assert 0 < len(text) <= 4096, "Telegram clients cannot send this text"
        return await self._send_message(self.chat, {"text": text, **_command_entities(text)})

    async def share_location(self, latitude: float, longitude: float) -> int:
        """Tap a "share location" button; the message id."""
        return await self._send_message(
            self.chat, {"location": {"latitude": latitude, "longitude": longitude}}
        )

    async def press(self, message: SentMessage, button: str) -> CallbackAnswer:
        """Tap an inline button on `message` as the user last saw it; the bot's answer.

        The keyboard comes from the snapshot given, not the message's current
        state: a client can still show buttons the bot has since removed, and
        the bot must cope with that. Like a client's spinner, this waits until
        the bot answers the query, and fails if it never does.
        """
        data = message.callback_data(button)
        self._skip_old_edits()
        current = self.api.message(message.chat_id, message.message_id) or message
        query_id = self.api.new_query_id()
        await self.api.push_update(
            "callback_query",
            {
                "id": query_id,
                "from": self.profile,
                "message": self.api.message_object(current),
                "chat_instance": f"instance-{message.chat_id}",
                "data": data,
            },
        )
        return await self.api.wait_until(
            lambda: next((a for a in self.api.callback_answers if a.query_id == query_id), None),
            5.0, f"the bot never answered the tap on {button!r}",
        )  # fmt: skip

    async def send_content(self, content: dict[str, Any]) -> int:
        """Send any kind of message (a sticker, photo, voice note, forward...); its id."""
        return await self._send_message(self.chat, content)

    async def edit(self, message_id: int, text: str) -> None:
        """Edit a message this user sent earlier."""
        self._skip_old_edits()
        await self.api.push_update(
            "edited_message",
            {
                "message_id": message_id, "from": self.profile, "chat": self.chat,
                "date": int(time.time()) - 60, "edit_date": int(time.time()), "text": text,
            },
        )  # fmt: skip

    async def press_data(self, message: SentMessage, data: str) -> CallbackAnswer:
        """A tap that carries `data`, whatever the message's buttons hold: a modified
        client forging callback data. Waits for the bot's answer like `press`."""
        self._skip_old_edits()
        query_id = self.api.new_query_id()
        await self.api.push_update(
            "callback_query",
            {
                "id": query_id, "from": self.profile, "data": data,
                "message": self.api.message_object(message),
                "chat_instance": f"instance-{message.chat_id}",
            },
        )  # fmt: skip
        return await self.api.wait_until(
            lambda: next((a for a in self.api.callback_answers if a.query_id == query_id), None),
            5.0, f"the bot never answered the forged tap {data!r}",
        )  # fmt: skip

    async def block(self) -> None:
        """Block the bot: sending here now fails with 403, and the bot is told."""
        self.api.set_blocked(self.id, "Forbidden: bot was blocked by the user")
        await self._member_status("member", "kicked")

    async def unblock(self) -> None:
        self.api.set_blocked(self.id, None)
        await self._member_status("kicked", "member")

    def deactivate(self) -> None:
        """Delete the account: sending here fails with 403 (no update arrives)."""
        self.api.set_blocked(self.id, "Forbidden: user is deactivated")

    async def _member_status(self, old: str, new: str) -> None:
        bot = {"user": self.api.bot_user}
        await self.api.push_update(
            "my_chat_member",
            {
                "chat": self.chat,
                "from": self.profile,
                "date": int(time.time()),
                "old_chat_member": {**bot, "status": old},
                "new_chat_member": {
                    **bot,
                    "status": new,
                    **({"until_date": 0} if new == "kicked" else {}),
                },
            },
        )

    # ---- reading -----------------------------------------------------------------------------

    async def receive(self, timeout: float = 5.0, *, animations: bool = False) -> SentMessage:
        """The next new message the bot sent to this chat. An animation (an exercise's
        picture, above its card) is looked at and passed over, unless `animations`: the
        tests that are about pictures ask for them."""

        def next_message() -> tuple[int, SentMessage] | None:
            mine = [m for m in self.api.messages if m.chat_id == self.id]
            for index in range(self._read, len(mine)):
                if animations or mine[index].animation is None:
                    return index, mine[index]
            return None

        index, message = await self.api.wait_until(
            next_message, timeout, f"{self.profile['first_name']} got no new message"
        )
        self._read = index + 1
        return message

    async def receive_animation(self, timeout: float = 5.0) -> SentMessage:
        """The next new message, which must be an animation."""
        message = await self.receive(timeout, animations=True)
        assert message.animation is not None, f"not an animation: {message.plain_text!r}"
        return message

    async def receive_edit(
        self, of: SentMessage | None = None, timeout: float = 5.0
    ) -> SentMessage:
        """The next edit the bot made in this chat since the user last acted
        (only edits `of` that message, when given)."""

        def next_edit() -> tuple[int, SentMessage] | None:
            mine = [m for m in self.api.edits if m.chat_id == self.id]
            for index in range(self._read_edits, len(mine)):
                if of is None or mine[index].message_id == of.message_id:
                    return index, mine[index]
            return None

        index, edit = await self.api.wait_until(
            next_edit, timeout, f"{self.profile['first_name']} saw no edit"
        )
        self._read_edits = index + 1
        return edit

    async def no_message(self, within: float = 0.3) -> None:
        """Assert that the bot sends or edits nothing more here once it has done all that
        is due (the emulator's `settle`; else within `within` seconds), and that no message
        sent earlier is still unread."""
        unread = [m for m in self.api.messages if m.chat_id == self.id][self._read :]
        edits_before = len(self.api.edits)
        if self.api.settle is None or not await self.api.settle():
            await asyncio.sleep(within)
        new = [m for m in self.api.messages if m.chat_id == self.id][self._read :]
        edits = [m for m in self.api.edits[edits_before:] if m.chat_id == self.id]
        assert not unread, f"unread messages: {[m.plain_text for m in unread]}"
        assert not new, f"unexpected messages: {[m.plain_text for m in new]}"
        assert not edits, f"unexpected edits: {[m.plain_text for m in edits]}"

    def _skip_old_edits(self) -> None:
        """The user acts: edits made before have been seen (receive_edit waits for new
        ones), and the chat's rate budget refills as a person's pause would refill it."""
        self._read_edits = len([m for m in self.api.edits if m.chat_id == self.id])
        self.api.user_acted(self.id)

    async def _send_message(self, chat: dict[str, Any], content: dict[str, Any]) -> int:
        self._skip_old_edits()
        message_id = self.api.next_message_id()
        await self.api.push_update(
            "message",
            {
                "message_id": message_id,
                "from": self.profile,
                "chat": chat,
                "date": int(time.time()),
                **content,
            },
        )
        return message_id


class EmulatedGroup:
    """A group chat the bot is in, for checking that the bot stays out of groups."""

    def __init__(self, api: BotApiEmulator, chat_id: int, title: str) -> None:
        self.api = api
        kind = "supergroup" if str(chat_id).startswith("-100") else "group"
        self.chat: dict[str, Any] = {"id": chat_id, "type": kind, "title": title}

    async def send(self, user: EmulatedUser, text: str) -> int:
        """`user` writes `text` in the group."""
        return await user._send_message(self.chat, {"text": text, **_command_entities(text)})


def _command_entities(text: str) -> dict[str, Any]:
    if not text.startswith("/"):
        return {}
    command = text.split(maxsplit=1)[0]
    return {"entities": [{"type": "bot_command", "offset": 0, "length": len(command)}]}
