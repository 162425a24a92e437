"""Logging: one line per event, and the bot token never written anywhere."""

from __future__ import annotations

import logging


class RedactSecrets(logging.Filter):
    """Replace every secret in a record's final text (message, args, traceback)."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self._secrets = [secret for secret in secrets if secret]

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        if record.exc_info:
            text += "\n" + logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
            record.exc_text = None
        for secret in self._secrets:
            text = text.replace(secret, "<redacted>")
        record.msg, record.args = text, None
        return True


def configure_logging(level: str, secrets: list[str] | None = None) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactSecrets(secrets or []))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    # httpx logs every request URL at INFO, and Bot API URLs contain the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # A long reminder fan-out makes APScheduler skip overlapping runs of the job, by
    # design (one run at a time), and it warns about each skip.
    logging.getLogger("apscheduler").setLevel(logging.ERROR)
    # aiosqlite logs every statement twice at DEBUG: noise that drowns the bot's own logs.
    logging.getLogger("aiosqlite").setLevel(logging.INFO)
