"""`python -m bot demo`: the real bot in a terminal, no token; driven here as a person would."""

from __future__ import annotations

import asyncio
import contextlib
import os
import pty
import re
import sys
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.demo import screen
from bot.emulator import SentMessage
from bot.runtime.clock import FastClock
from bot.runtime.services import Timing

PAIN_SCALE = {
    "inline_keyboard": [
        [{"text": str(n), "callback_data": f"pain:{n}"} for n in range(6)],
        [{"text": str(n), "callback_data": f"pain:{n}"} for n in range(6, 11)],
    ]
}
CONTROLS = {
    "inline_keyboard": [
        [
            {"text": "✅ Done", "callback_data": "s:1:done"},
            {"text": "😣 Pain", "callback_data": "s:1:pain"},
        ]
    ]
}


def message(
    text: str, markup: dict[str, Any] | None = None, photo: bytes | None = None
) -> SentMessage:
    return SentMessage("sendMessage", 1, 7, plain_text=text, reply_markup=markup, photo=photo)


# ---- the screen, unit by unit ---------------------------------------------------------------


def test_buttons_are_numbered_in_reading_order_and_a_scale_keeps_its_own_numbers() -> None:
    assert screen.show_message(message("Ready?", CONTROLS)) == [
        "Bot: Ready?", "     [1] ✅ Done  [2] 😣 Pain",
    ]  # fmt: skip
    keys = [b.key for b in screen.inline_buttons(message("How bad?", PAIN_SCALE))]
    assert keys == [str(n) for n in range(11)]
    assert screen.show_message(message("How bad?", PAIN_SCALE))[1].startswith("     [0]  [1]  [2]")
    with_skip = {"inline_keyboard": [*PAIN_SCALE["inline_keyboard"], [
        {"text": "⏭ Skip", "callback_data": "skip"}
    ]]}  # fmt: skip
    assert screen.show_message(message("And now?", with_skip))[1].endswith("[9]  [10]  [11] ⏭ Skip")


def test_a_location_keyboard_is_offered_as_typing_a_city_or_coordinates() -> None:
    markup = {"keyboard": [[{"text": "📍 Share my location", "request_location": True}]]}
    lines = screen.show_message(message("Which time zone?", markup))
    assert lines[1:] == [
        "     [1] 📍 Share my location",
        "     (to share a location, type a city or coordinates: 52.52, 13.40)",
    ]
    assert screen.reply_buttons(message("Done.", {"remove_keyboard": True})) == []
    assert screen.reply_buttons(message("Done.")) is None
    assert screen.coordinates("52.52, 13.40") == (52.52, 13.40)
    assert screen.coordinates("-33.9 151.2") == (-33.9, 151.2)
    for not_a_place in ("Berlin", "7:30", "95, 10", "10, 200", "7"):
        assert screen.coordinates(not_a_place) is None


def test_an_edit_shows_only_what_changed() -> None:
    before = message("⏱ Child’s Pose: hold for 20 s.\n⏳ 20 s left", CONTROLS)
    after = message("⏱ Child’s Pose: hold for 20 s.\n⏳ 15 s left", CONTROLS)
    assert screen.show_edit(before, after) == ["Bot ↻ ⏳ 15 s left"]
    assert screen.show_edit(after, message(after.plain_text)) == []  # buttons came off
    assert screen.show_edit(None, after)[-1] == "     [1] ✅ Done  [2] 😣 Pain"


def test_a_saved_picture_is_shown_by_its_path() -> None:
    lines = screen.show_message(
        message("📈 Your progress", photo=b"png"), file_note="saved: /x/1.png"
    )
    assert lines == ["Bot: [picture saved: /x/1.png]", "     📈 Your progress"]


def test_speed_runs_the_bot_s_clock_and_its_timers_that_many_times_faster() -> None:
    real = [100.0]  # the real seconds gone by, as time.monotonic tells them
    clock = FastClock(20, monotonic=lambda: real[0])
    start = clock.now()
    real[0] += 1
    assert clock.now() - start == timedelta(seconds=20)  # a 20 s hold takes a real second
    timing = Timing().at_speed(20)
    assert timing.due_work_every == Timing().due_work_every / 20
    assert timing.countdown_every == Timing().countdown_every / 20  # edits every 5 s of its own


# ---- the whole demo, as a person uses it -------------------------------------------------------


class Terminal:
    """A pseudo-terminal with `python -m bot demo` running in it: what a person sees."""

    def __init__(self, process: asyncio.subprocess.Process, master: int) -> None:
        self.process = process
        self._master = master
        self._raw = ""
        self._read_to = 0  # `until` looks at what came after the last match
        self._more = asyncio.Event()
        asyncio.get_running_loop().add_reader(master, self._read)

    def _read(self) -> None:
        try:
            data = os.read(self._master, 65536)
        except OSError:  # the demo ended and closed the terminal
            data = b""
        if not data:
            asyncio.get_running_loop().remove_reader(self._master)
        self._raw += data.decode(errors="replace")
        self._more.set()

    @property
    def screen(self) -> str:
        """The output as a screen shows it: "erase this line" takes away what was on it
        (the prompt, a half-typed line); other control sequences show nothing."""
        text = self._raw.replace("\r\n", "\n")
        text = re.sub(r"[^\n]*\r\x1b\[K", "", text)
        return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]|\r", "", text)

    def type(self, line: str) -> None:
        os.write(self._master, line.encode() + b"\n")

    async def until(self, text: str, within: float = 20) -> str:
        """Wait until `text` appears after the previous match; the output up to it."""
        try:
            async with asyncio.timeout(within):
                while (found := self.screen.find(text, self._read_to)) < 0:
                    self._more.clear()
                    await self._more.wait()
        except TimeoutError:
            raise AssertionError(
                f"never saw {text!r}; the screen ends:\n{self.screen[-2000:]}"
            ) from None
        shown = self.screen[self._read_to : found + len(text)]
        self._read_to = found + len(text)
        return shown


def demo_env(home: Path) -> dict[str, str]:
    """No BOT_TOKEN, no DATABASE_URL: the demo needs neither."""
    return {"PATH": os.environ["PATH"], "HOME": str(home), "MPLCONFIGDIR": str(home / "mpl")}


@contextlib.asynccontextmanager
async def demo_in_a_terminal(tmp_path: Path, *args: str) -> AsyncIterator[Terminal]:
    master, child_end = pty.openpty()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "demo", *args, cwd=tmp_path,
        env={**demo_env(tmp_path), "TERM": "xterm"},
        stdin=child_end, stdout=child_end, stderr=child_end,
    )  # fmt: skip
    os.close(child_end)
    terminal = Terminal(process, master)
    try:
        yield terminal
    finally:
        if process.returncode is None:
            process.kill()
        await process.wait()
        asyncio.get_running_loop().remove_reader(master)
        os.close(master)


async def test_a_person_tries_the_bot_in_a_terminal_onboarding_a_timed_hold_and_a_stretch(
    tmp_path: Path,
) -> None:
    files = tmp_path / "files"
    async with demo_in_a_terminal(tmp_path, "--speed", "20", "--files", str(files)) as terminal:
        await terminal.until("start with /start", within=60)
        await terminal.until("> ")  # the prompt: the demo is listening
        terminal.type("@soon")  # a person's slip is explained; the demo goes on
        await terminal.until("unknown directive '@soon': use @wait SECONDS or @expect TEXT)")
        for typed, wanted in (
            ("/start", "[1] ✅ I understand"),
            ("1", "[1] No, none of these  [2] Yes, at least one"),
            ("1", "[9]  [10]"),
            ("2", "[3] 07:30"),
            ("3", "(to share a location, type a city or coordinates: 52.52, 13.40)"),
            ("52.52, 13.40", "All set! Reminders at 07:30 (Europe/Berlin)"),
            ("/today", "1/7 · Cat-Cow Stretch"),  # the pain from setting up is today's
            ("1", "Tap Done"),  # [1] ▶️ Start
            ("1", "2/7 · Child’s Pose"),  # [1] ✅ Done
        ):
            terminal.type(typed)
            await terminal.until(wanted)
        await terminal.until("[1] ▶️ Start  [2] ⏭ Skip  [3] ⏹ Stop")
        terminal.type("1")
        hold = await terminal.until("Child’s Pose: hold done.")  # its timer ran out by itself
        assert "⏳ 20 s left" in hold
        ticks = [int(seconds) for seconds in re.findall(r"⏳ (\d+) s left", hold)]
        assert ticks[0] == 20
        assert len(ticks) >= 3  # every 5 s of the bot's time, edited in place
        assert ticks == sorted(ticks, reverse=True)
        await terminal.until("3/7 · Bridge Exercise")  # the routine moved on by itself
        terminal.type("/progress")
        picture = await terminal.until("📈 Your progress")
        terminal.type("/stretch brdge")
        card = await terminal.until("[1] ▶️ Do it now  [2] 📚 All exercises")
        os.write(terminal._master, b"\x04")  # Ctrl-D
        assert await asyncio.wait_for(terminal.process.wait(), 30) == 0
    assert "Lie on your back with your knees bent and feet flat on the floor" in card
    assert "Perform 2-3 sets." in card
    saved = Path(picture.split("[picture saved: ")[1].split("]")[0])
    assert saved.parent == files
    assert (await asyncio.to_thread(saved.read_bytes)).startswith(b"\x89PNG")
    # Each exercise card's animation, saved as it came: Cat-Cow, Child's Pose, Bridge...
    gifs = re.findall(r"\[picture saved: (\S+-animation\.gif)\]", terminal.screen)
    assert len(gifs) >= 4
    assert (await asyncio.to_thread(Path(gifs[-1]).read_bytes)).startswith(b"GIF89a")
    assert "Traceback" not in terminal.screen
    assert "You rated your back pain 2 out of 10 a few minutes ago" in terminal.screen
    assert "> /start\nBot: Hi Sam!" in terminal.screen  # typed at the prompt, shown once


async def run_script(tmp_path: Path, script: str, *args: str) -> tuple[int, str, str]:
    (tmp_path / "script.txt").write_text(script, encoding="utf-8")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "demo", "--script", "script.txt", *args,
        cwd=tmp_path, env=demo_env(tmp_path),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=90)
    assert process.returncode is not None
    return process.returncode, stdout.decode(), stderr.decode()


ONBOARDING = """\
# comments and blank lines are skipped
/start
ok

1
2
07:30
Berlin
@expect All set
"""


async def test_a_script_prints_the_transcript_and_a_kept_database_remembers(
    tmp_path: Path,
) -> None:
    code, transcript, errors = await run_script(tmp_path, ONBOARDING, "--db", "mine.db")
    assert code == 0, errors
    assert "comments" not in transcript
    for turn in (
        "You: ok\nBot: A quick safety check.",
        "You: [No, none of these]\nBot: How much does your back hurt today",
        "You: [2]\nBot: ⏰ What time should I remind you",
        "You: 07:30\nBot: ⏰ Noted: 07:30, your local time.\n\n     🌍 Which time zone are you",
        "You: Berlin\nBot: 🌍 Time zone set to Europe/Berlin",
    ):
        assert turn in transcript, transcript
    assert "(the bot's data is kept in mine.db)" in transcript
    assert (tmp_path / "mine.db").exists()
    code, transcript, errors = await run_script(
        tmp_path, "/settings\n@expect 07:30\n", "--db", "mine.db"
    )
    assert code == 0, errors + transcript


async def test_a_script_whose_expectation_fails_exits_1_and_says_where(tmp_path: Path) -> None:
    code, transcript, errors = await run_script(
        tmp_path, "/help\n@expect no such words\n", "--speed", "20"
    )
    assert code == 1
    assert "Bot: " in transcript
    assert "demo: line 2: the bot never showed 'no such words'" in errors
    code, _, errors = await run_script(tmp_path, "@sleep 3\n")
    assert code == 1
    assert "line 1: unknown directive '@sleep 3': use @wait SECONDS or @expect TEXT" in errors
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "demo", "--script", "missing.txt", cwd=tmp_path,
        env=demo_env(tmp_path), stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 2
    assert stderr.decode().startswith("error: cannot read the script missing.txt: ")


@pytest.mark.parametrize("speed", ["0", "fast", "-2"])
def test_a_wrong_speed_is_refused_with_an_example(speed: str) -> None:
    from bot.__main__ import main

    with pytest.raises(SystemExit) as exit_:
        main(["demo", "--speed", speed])
    assert exit_.value.code == 2


async def test_the_tour_the_readme_points_to_runs_to_its_end(tmp_path: Path) -> None:
    tour = Path(screen.__file__).parent / "tour.txt"
    script = await asyncio.to_thread(tour.read_text, encoding="utf-8")
    # At the README's speed: its /today comes within 15 minutes of setting up (45 s here).
    code, transcript, errors = await run_script(tmp_path, script, "--speed", "20")
    assert code == 0, errors + transcript  # each @expect in it was met
    assert "Bot ↻ ✅ Child’s Pose: hold done." in transcript
    assert transcript.rstrip().endswith("Pain change per session: not measured yet")


async def test_files_it_cannot_save_and_a_reader_that_goes_away_end_cleanly(
    tmp_path: Path,
) -> None:
    code, _, errors = await run_script(tmp_path, "/help\n", "--files", "/proc/no-such-folder")
    assert code == 2
    assert errors.startswith("error: cannot save files in /proc/no-such-folder: ")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "demo", cwd=tmp_path, env=demo_env(tmp_path),
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert process.stdout is not None
    assert process.stdin is not None
    await asyncio.wait_for(process.stdout.readline(), 30)  # like `| head -1`
    process.stdout._transport.close()  # type: ignore[attr-defined]
    process.stdin.write(b"/start\n/help\n/exercises\n")
    await process.stdin.drain()
    _, stderr = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 0
    assert b"Traceback" not in stderr
