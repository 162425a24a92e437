"""Try the bot without Telegram: `python -m bot demo` (see bot/demo/runner.py)."""

from bot.demo.runner import DemoOptions, run_demo

__all__ = ["DemoOptions", "run_demo"]
