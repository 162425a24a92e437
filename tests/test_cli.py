"""`python -m bot` as an operator runs it: a real process, polling the Bot API emulator."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

from bot.emulator import BotApiEmulator
from tests.conftest import PICTURES_DRAWN, TOKEN


async def start_bot_process(
    fake: BotApiEmulator, cwd: Path, **extra: str
) -> asyncio.subprocess.Process:
    env = {
        "PATH": os.environ["PATH"],
        "BOT_TOKEN": TOKEN,
        "TELEGRAM_BASE_URL": fake.base_url,
        "LOG_LEVEL": "DEBUG",  # the most talkative level must still not leak the token
        "DATA_DIR": str(PICTURES_DRAWN),
        **extra,
    }
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", cwd=cwd, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


async def test_the_bot_runs_from_any_folder_answers_and_stops_cleanly_on_sigterm(
    fake: BotApiEmulator, tmp_path: Path
) -> None:
    process = await start_bot_process(fake, cwd=tmp_path)
    try:
        await fake.wait_for_call("setMyCommands", timeout=30)
        ada = fake.user(user_id=2001, first_name="Ada")
        await ada.send("/start")
        assert (await ada.receive(timeout=10)).plain_text.startswith("Hi Ada!")
    finally:
        process.send_signal(signal.SIGTERM)
        stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    logs = (stdout + stderr).decode()
    assert process.returncode == 0, logs
    assert (tmp_path / "data" / "bot.db").exists()  # the default SQLite file, folder created
    assert TOKEN not in logs
    assert TOKEN.split(":")[1] not in logs
    assert "Traceback" not in logs


async def test_a_token_telegram_rejects_stops_the_bot_with_one_line(
    fake: BotApiEmulator, tmp_path: Path
) -> None:
    wrong = "654321:WRONG-token-abcdefghijklmnopq"
    process = await start_bot_process(fake, cwd=tmp_path, BOT_TOKEN=wrong)
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 2
    assert stderr.decode().strip().splitlines()[-1] == (
        "error: BOT_TOKEN was rejected by Telegram: check it with @BotFather"
    )
    assert wrong.split(":")[1] not in stderr.decode()


async def test_a_session_survives_sigkill(fake: BotApiEmulator, tmp_path: Path) -> None:
    ada = fake.user(user_id=2002, first_name="Ada")
    process = await start_bot_process(fake, cwd=tmp_path, LOG_LEVEL="INFO")
    try:
        await fake.wait_for_call("setMyCommands", timeout=30)
        for typed in ("/start", "ok", "no", "2", "7:30", "Berlin", "/today"):
            await ada.send(typed)
            await ada.receive(timeout=10)  # last, the overview and the first exercise
        await ada.send("start")
        reps = await ada.receive(timeout=10)
        assert "Cat-Cow Stretch: set 1 of 1, 10 reps" in reps.plain_text
    finally:
        process.kill()  # SIGKILL: no shutdown, no last commit
        await process.communicate()
    process = await start_bot_process(fake, cwd=tmp_path, LOG_LEVEL="INFO")
    try:
        await ada.send("done")
        assert (await ada.receive(timeout=30)).plain_text.startswith("2/7 · Child’s Pose")
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0


def test_preview_writes_an_exercises_pictures_with_no_token_or_database(tmp_path: Path) -> None:
    env = {"PATH": os.environ["PATH"]}  # no BOT_TOKEN, no DATABASE_URL
    shown = subprocess.run(
        [sys.executable, "-m", "bot", "preview", "brdge"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    folder = Path("previews")
    names = ["bridge-1.png", "bridge-2.png", "bridge.gif"]
    assert shown.stdout.splitlines() == [str(folder / name) for name in names]
    assert sorted(p.name for p in (tmp_path / folder).iterdir()) == names
    assert not (tmp_path / "data").exists()  # no database was made
    out = tmp_path / "elsewhere" / "pics"
    shown = subprocess.run(
        [sys.executable, "-m", "bot", "preview", "Child’s pose", "--out", str(out)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    assert (out / "childs_pose.gif").read_bytes().startswith(b"GIF89a")


def test_preview_of_no_exercise_or_several_lists_the_ids(tmp_path: Path) -> None:
    for asked in ("pose", "zumba"):
        shown = subprocess.run(
            [sys.executable, "-m", "bot", "preview", asked, "--out", str(tmp_path)],
            env={"PATH": os.environ["PATH"]}, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert shown.returncode == 2
        assert f"{asked!r} does not name one exercise" in shown.stderr
        for exercise_id in ("cat_cow", "childs_pose", "seated_forward_bend"):
            assert exercise_id in shown.stderr
        assert list(tmp_path.iterdir()) == []
