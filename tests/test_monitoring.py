"""Health and Prometheus metrics on METRICS_PORT in polling mode."""

from __future__ import annotations

from datetime import UTC, datetime

from aiohttp import ClientSession
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import update

from bot.config import Settings
from bot.db.models import Preferences
from bot.emulator import BotApiEmulator
from tests.conftest import Database, FakeClock, running_bot
from tests.journeys import onboard_by_buttons, set_up_earlier, start_today
from tests.test_webhook import free_port


def samples(page: str) -> dict[str, float]:
    """name{labels} -> value, for every sample on a /metrics page."""
    found = {}
    for family in text_string_to_metric_families(page):
        for sample in family.samples:
            labels = ",".join(f'{k}="{v}"' for k, v in sorted(sample.labels.items()))
            found[f"{sample.name}{{{labels}}}" if labels else sample.name] = sample.value
    return found


async def test_health_and_metrics_count_what_the_bot_did(
    settings: Settings, fake: BotApiEmulator, clock: FakeClock, db: Database
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    settings = settings.model_copy(update={"metrics_port": port, "webhook_listen": "127.0.0.1"})
    async with running_bot(settings, clock) as bot:
        ada = fake.user(user_id=7601, first_name="Ada")
        bo = fake.user(user_id=7602, first_name="Bo")  # reminded (no reminder interrupts Ada)
        await onboard_by_buttons(bo)
        await set_up_earlier(ada, clock)
        card = await start_today(ada)  # a session is open
        await ada.press(card, "▶️ Start")
        await ada.receive()
        fake.inject_error("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
        await ada.send("/help")  # waited out, then answered
        assert "/today" in (await ada.receive()).plain_text
        async with db.connect() as connection:  # Bo's reminder due now
            await connection.execute(
                update(Preferences)
                .where(Preferences.user_id == bo.id)
                .values(next_reminder_at=datetime(2026, 11, 24, 7, 0, tzinfo=UTC))
            )
            await connection.commit()
        assert "Time for today" in (await bo.receive()).plain_text
        await fake.wait_until_fetched()
        await bot.update_queue.join()
        async with ClientSession() as client:
            async with client.get(f"{base}/healthz") as health:
                assert health.status == 200
                assert await health.json() == {"ok": True}
            async with client.get(f"{base}/metrics") as page:
                assert page.status == 200
                metrics = samples(await page.text())
    assert metrics['backcare_updates_total{kind="command"}'] == 4  # /start x2, /today, /help
    assert metrics['backcare_updates_total{kind="button"}'] >= 6
    assert metrics["backcare_update_seconds_count"] == sum(
        v for k, v in metrics.items() if k.startswith("backcare_updates_total")
    )
    assert metrics["backcare_telegram_429_total"] == 1
    assert metrics['backcare_reminders_total{outcome="due"}'] == 1
    assert metrics['backcare_reminders_total{outcome="sent"}'] == 1
    assert metrics["backcare_active_sessions"] == 1
    assert metrics["backcare_errors_total"] == 0
    assert metrics['backcare_pictures_total{outcome="uploaded"}'] == 1  # the first card's
    async with ClientSession() as client:  # and it is gone with the bot
        try:
            async with client.get(f"{base}/healthz"):
                raise AssertionError("the monitoring server outlived the bot")
        except OSError:
            pass
