"""Start-up cost: how long `import bot.app` takes, and how much memory an idle bot holds.

    .venv/bin/python -m bench.startup [--runs 5] [--python PATH]

Measured as an operator runs the bot: installed with `pip install .` into a
fresh virtual environment, without the dev extras (their click and rich would
make httpx load its command line, some 6 MB more). `--python` measures another
interpreter instead, such as .venv/bin/python.

Import: a fresh interpreter per run, `import bot.app` timed inside it (the
median of the runs), and the process's peak RSS afterwards. Idle: `python -m bot
run` against the Bot API emulator with a database already migrated, measured once
it is polling and has sat idle for a few seconds (VmRSS from /proc, Linux only).
Heavy libraries (matplotlib, numpy, timezonefinder, alembic, aiohttp) load on first use,
so neither figure includes them.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bot.db.engine import create_engine
from bot.db.migrations import upgrade
from bot.emulator import BotApiEmulator

TOKEN = "123456:BENCH-token-abcdefghijklmnopqrs"
IDLE_SECONDS = 3.0
HEAVY = ("matplotlib", "numpy", "timezonefinder", "alembic", "aiohttp")
IMPORT = (
    "import resource, sys, time\n"
    "started = time.perf_counter()\n"
    "import bot.app\n"
    "seconds = time.perf_counter() - started\n"
    "heavy = [m for m in sys.argv[1:] if m in sys.modules]\n"
    "print(seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, ','.join(heavy))\n"
)


def production_python() -> str:
    """A fresh virtual environment with the bot installed as an operator would."""
    folder = Path(tempfile.mkdtemp())
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
    python = str(folder / "bin" / "python")
    project = Path(__file__).resolve().parent.parent
    subprocess.run([python, "-m", "pip", "install", "--quiet", str(project)], check=True)
    return python


def measure_import(python: str, runs: int) -> tuple[float, float, str]:
    """Median seconds, median peak RSS in MB, and any heavy library that loaded."""
    seconds, megabytes, heavy = [], [], ""
    for _ in range(runs):
        done = subprocess.run(
            [python, "-c", IMPORT, *HEAVY], capture_output=True, text=True, check=True
        )
        spent, rss_kb, heavy = [*done.stdout.split(), ""][:3]
        seconds.append(float(spent))
        megabytes.append(int(rss_kb) / 1024)
    return statistics.median(seconds), statistics.median(megabytes), heavy or "none"


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


async def measure_idle(python: str) -> float:
    """The RSS of a running bot that is polling and has nothing to do, in MB."""
    folder = Path(tempfile.mkdtemp())
    url = f"sqlite+aiosqlite:///{folder / 'bot.db'}"
    engine = create_engine(url)
    await upgrade(engine)
    await engine.dispose()
    async with BotApiEmulator(TOKEN) as fake:
        env = {
            **os.environ, "BOT_TOKEN": TOKEN, "TELEGRAM_BASE_URL": fake.base_url,
            "DATABASE_URL": url, "LOG_LEVEL": "WARNING",
        }  # fmt: skip
        bot = await asyncio.create_subprocess_exec(
            python, "-m", "bot", "run", env=env, cwd=folder,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        try:
            await fake.wait_for_call("getUpdates", timeout=60)
            await asyncio.sleep(IDLE_SECONDS)  # a bench, not a test: let it settle
            return _rss_mb(bot.pid)
        finally:
            bot.terminate()
            await bot.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--python", help="measure this interpreter (default: a fresh install)")
    args = parser.parse_args()
    python = args.python or production_python()
    seconds, peak, heavy = measure_import(python, args.runs)
    idle = asyncio.run(measure_idle(python))
    print("| start-up | |")
    print("|---|---:|")
    print(f"| `import bot.app` (median of {args.runs}) | {seconds:.2f} s |")
    print(f"| peak RSS after the import | {peak:.0f} MB |")
    print(f"| heavy libraries loaded by the import | {heavy} |")
    print(f"| idle bot, polling (VmRSS) | {idle:.0f} MB |")


if __name__ == "__main__":
    main()
