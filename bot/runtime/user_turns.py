"""One user's update and that user's session timers take turns, within this process.

The update being handled and a timer firing meanwhile would both read the same
session step and both move it on (a "set 2 of 2" sent twice). Across replicas
the user's row lock keeps them apart (bot/runtime/update_processor.py, bot/coaching/timers.py);
in one process, and on SQLite, which has no row locks, this does. Nothing here
is state: a lock exists only while someone holds or waits for it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from weakref import WeakValueDictionary


class UserTurns:
    def __init__(self) -> None:
        self._locks: WeakValueDictionary[int, asyncio.Lock] = WeakValueDictionary()

    def busy(self, user_id: int) -> bool:
        """Someone is taking this user's turn right now."""
        lock = self._locks.get(user_id)
        return lock is not None and lock.locked()

    @asynccontextmanager
    async def turn(self, user_id: int) -> AsyncIterator[None]:
        """Wait for the user's turn and hold it (at once if `busy` just said False)."""
        lock = self._locks.get(user_id)
        if lock is None:
            lock = self._locks[user_id] = asyncio.Lock()
        async with lock:
            yield
