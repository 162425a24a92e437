"""Finds content/ and alembic/ however the bot was installed or started.

A wheel carries them in `bot/_resources/`; a source checkout (or an editable
install) has them at the top of the repository. Never relative to the current
directory, so `python -m bot` works from any folder.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def resource_path(name: str) -> Path:
    """The folder `name` ("content" or "alembic") shipped with this bot."""
    for candidate in (_PACKAGE / "_resources" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"the bot's {name}/ folder is missing next to {_PACKAGE}")
