"""Webhook mode: `python -m bot` with WEBHOOK_URL serves updates Telegram POSTs with the
secret, refuses any request without it, and reports its health."""

from __future__ import annotations

import asyncio
import signal
import socket
import time
from pathlib import Path

from aiohttp import ClientSession

from bot.emulator import BotApiEmulator
from bot.runtime.webhook import SECRET_HEADER
from tests.conftest import TOKEN
from tests.test_cli import start_bot_process

SECRET = "s3cret-Value_42"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_webhook_mode_serves_the_secret_holder_and_refuses_everyone_else(
    fake: BotApiEmulator, tmp_path: Path
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process = await start_bot_process(
        fake, cwd=tmp_path, LOG_LEVEL="DEBUG", WEBHOOK_URL="https://bot.example.com/telegram",
        WEBHOOK_SECRET=SECRET, WEBHOOK_LISTEN="127.0.0.1", WEBHOOK_PORT=str(port),
    )  # fmt: skip
    try:
        registered = await fake.wait_for_call("setWebhook", timeout=30)
        assert registered.parameters["url"] == "https://bot.example.com/telegram"
        assert registered.parameters["secret_token"] == SECRET
        eve = fake.user(user_id=2302, first_name="Eve")
        forged = {
            "update_id": 10_001,
            "message": {"message_id": 1, "from": eve.profile, "chat": eve.chat,
                        "date": int(time.time()), "text": "/start",
                        "entities": [{"type": "bot_command", "offset": 0, "length": 6}]},
        }  # fmt: skip
        async with ClientSession() as client:
            for headers in ({}, {SECRET_HEADER: "wrong"}, {SECRET_HEADER: SECRET[:-1]}):
                async with client.post(f"{base}/telegram", json=forged, headers=headers) as r:
                    assert r.status == 403
            async with client.get(f"{base}/healthz") as health:
                assert health.status == 200
                assert await health.json() == {"ok": True}
        await eve.no_message(within=0)  # refused with 403: no forged update was queued

        fake.forward_webhook_to(f"{base}/telegram")  # Telegram, through a TLS proxy
        ada = fake.user(user_id=2301, first_name="Ada")
        await ada.send("/start")
        assert (await ada.receive(timeout=10)).plain_text.startswith("Hi Ada!")
        assert fake.webhook_answers == [200]
        assert not [c for c in fake.calls if c.method == "getUpdates"]
        async with ClientSession() as client, client.get(f"{base}/metrics") as page:
            assert page.status == 200
            assert 'backcare_updates_total{kind="command"} 1.0' in await page.text()
    finally:
        process.send_signal(signal.SIGTERM)
        stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    logs = (stdout + stderr).decode()
    assert process.returncode == 0, logs
    assert "webhook request refused" in logs
    assert TOKEN not in logs
    assert SECRET not in logs
