"""Logging: one JSON object per line, one line per event, and the bot token never written.

Events carry ids (update_id, user_id, ...) as fields, passed with `extra=`; at INFO
nothing a user typed is logged. The token is cut from the finished line, so no
path (a message, an argument, a traceback, a library's request URL) can leak it.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import IO, Any

# Attributes every LogRecord has; anything else on a record came in through `extra=`.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


class JsonLines(logging.Formatter):
    """{"ts", "level", "logger", "event", **fields, "error"?} on a single line."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self._secrets = [secret for secret in secrets if secret]

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "event": record.getMessage(),
        }
        line.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        text = json.dumps(line, ensure_ascii=False, default=str)
        for secret in self._secrets:
            text = text.replace(secret, "<redacted>")
            text = text.replace(json.dumps(secret, ensure_ascii=False)[1:-1], "<redacted>")
        return text


def configure_logging(
    level: str, secrets: list[str] | None = None, stream: IO[str] | None = None
) -> None:
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonLines(secrets or []))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    # httpx logs every request URL at INFO: noise, and Bot API URLs hold the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # A long reminder fan-out makes APScheduler skip overlapping runs of the job, by
    # design (one run at a time), and it warns about each skip.
    logging.getLogger("apscheduler").setLevel(logging.ERROR)
    # aiosqlite logs every statement twice at DEBUG: noise that drowns the bot's own logs.
    logging.getLogger("aiosqlite").setLevel(logging.INFO)
