"""The demo's terminal: lines in, lines out, without the two getting in each other's way.

At a real terminal the person types at a `> ` prompt with line editing and
history (readline), and a message arriving meanwhile is printed above the
half-typed line, which is then shown again. Piped in or out, it is plain lines.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import threading
from types import ModuleType

PROMPT = "> "
CLEAR_LINE = "\r\x1b[K"  # back to the line's start, erase it


def _line_editing() -> ModuleType | None:
    try:
        import readline
    except ImportError:  # some platforms build Python without it
        return None
    return readline


class Terminal:
    def __init__(self, interactive: bool) -> None:
        self.interactive = interactive
        self._readline = _line_editing() if interactive else None
        self._prompting = False  # the prompt is on screen, a line is being typed
        self.closed = asyncio.Event()  # the reader went away (`| head`, say)

    def write(self, line: str) -> None:
        """Print a line of the chat; at a terminal, above the line being typed."""
        if self.closed.is_set():
            return
        try:
            if self._readline is not None and self._prompting:
                typed = self._readline.get_line_buffer()
                sys.stdout.write(f"{CLEAR_LINE}{line}\n{PROMPT}{typed}")
                sys.stdout.flush()
            else:
                print(line, flush=True)
        except BrokenPipeError:
            # Nobody reads any more: say nothing more, and end the demo.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            self.closed.set()

    def lines(self) -> asyncio.Queue[str | None]:
        """What the person types, line by line; None at the end (Ctrl-D). A daemon
        thread reads, so Ctrl-C never waits for a line to be finished."""
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[str | None] = asyncio.Queue()

        def read() -> None:
            while (line := self._read_line()) is not None:
                loop.call_soon_threadsafe(queue.put_nowait, line)
            with contextlib.suppress(RuntimeError):  # the loop closed first (Ctrl-C)
                loop.call_soon_threadsafe(queue.put_nowait, None)

        threading.Thread(target=read, name="terminal", daemon=True).start()
        return queue

    def _read_line(self) -> str | None:
        if self._readline is not None:
            self._prompting = True
            try:
                return input(PROMPT)
            except EOFError:
                return None
            finally:
                self._prompting = False
        line = sys.stdin.readline()
        return line.rstrip("\n") if line else None
