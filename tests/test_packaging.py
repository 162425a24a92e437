"""content/ and the migrations travel with the package, wherever it runs from."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import yaml
from hatchling.builders.wheel import WheelBuilder

REPO = Path(__file__).resolve().parents[1]


def test_an_installed_wheel_finds_content_and_migrations_from_any_folder(tmp_path: Path) -> None:
    wheel = Path(next(iter(WheelBuilder(str(REPO)).build(directory=str(tmp_path / "dist")))))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {
        "bot/_resources/content/exercises.yaml",
        "bot/_resources/content/messages.yaml",
        "bot/_resources/alembic/env.py",
        "bot/_resources/alembic/versions/0001_users_and_preferences.py",
    } <= names
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    # Only the unpacked wheel is importable as `bot`; the repo is not on the path.
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(site), "PYTHONSAFEPATH": "1"}
    script = (
        "from bot.resources import resource_path; from bot.content import load_content;"
        "print(resource_path('content')); print(len(load_content().catalogue.exercises))"
    )
    shown = subprocess.run(
        [sys.executable, "-c", script], cwd=elsewhere, env=env, capture_output=True, text=True
    )
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.split() == [str(site / "bot" / "_resources" / "content"), "7"]
    migrated = subprocess.run(
        [sys.executable, "-m", "bot", "migrate"],
        cwd=elsewhere,
        env={**env, "DATABASE_URL": "sqlite+aiosqlite:///data/bot.db"},
        capture_output=True,
        text=True,
    )
    assert migrated.returncode == 0, migrated.stderr
    assert (elsewhere / "data" / "bot.db").exists()


def test_compose_and_the_image_declare_health_checks_and_run_as_non_root() -> None:
    """Docker cannot run on every machine the tests run on: this reads the files instead."""
    root = Path(__file__).resolve().parents[1]
    compose = yaml.safe_load((root / "compose.yaml").read_text())
    services = compose["services"]
    assert set(services) == {"postgres", "bot", "bot-2"}
    assert all("healthcheck" in service for service in services.values())
    for name in ("bot", "bot-2"):
        bot = services[name]
        port = bot["environment"]["METRICS_PORT"]
        assert f"127.0.0.1:{port}/healthz" in " ".join(bot["healthcheck"]["test"])
        assert bot["environment"]["DATABASE_URL"].startswith("postgresql+asyncpg://")
        assert bot["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert services["bot-2"]["profiles"] == ["replica"]
    dockerfile = (root / "Dockerfile").read_text()
    assert "HEALTHCHECK" in dockerfile
    assert "\nUSER bot\n" in dockerfile
    assert "ENV METRICS_PORT=9090" in dockerfile
