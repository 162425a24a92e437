"""A session's state as JSON-ready data, for the database, and back.

Kept apart from the state machine so the machine stays plain dataclasses.
`load(dump(state)) == state` for every state (tested).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.domain.routine import Dose
from bot.domain.session import Item, Phase, SessionState, Timer

FORMAT = 1  # bump, and migrate stored rows, when the shape changes


def dump(state: SessionState) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "phase": state.phase.value,
        "plan": [
            {
                "exercise": item.exercise_id,
                "reps": item.dose.reps,
                "sets": item.dose.sets,
                "hold_seconds": item.dose.hold_seconds,
                "repeats": item.dose.repeats,
                "sides": list(item.dose.sides),
            }
            for item in state.plan
        ],
        "item": state.item,
        "block": state.block,
        "version": state.version,
        "timer": state.timer.value if state.timer else None,
        "due_at": state.due_at.isoformat() if state.due_at else None,
        "pain_before": state.pain_before,
        "pain_after": state.pain_after,
        "done": list(state.done),
        "skipped": list(state.skipped),
        "painful": [list(pair) for pair in state.painful],
        "single": state.single,
    }


def load(data: dict[str, Any]) -> SessionState:
    if data.get("format") != FORMAT:
        raise ValueError(f"unknown session format {data.get('format')!r}")
    return SessionState(
        phase=Phase(data["phase"]),
        plan=tuple(
            Item(
                item["exercise"],
                Dose(
                    reps=item["reps"],
                    sets=item["sets"],
                    hold_seconds=item["hold_seconds"],
                    repeats=item["repeats"],
                    sides=tuple(item["sides"]),
                ),
            )
            for item in data["plan"]
        ),
        item=data["item"],
        block=data["block"],
        version=data["version"],
        timer=Timer(data["timer"]) if data["timer"] else None,
        due_at=datetime.fromisoformat(data["due_at"]) if data["due_at"] else None,
        pain_before=data["pain_before"],
        pain_after=data["pain_after"],
        done=tuple(data["done"]),
        skipped=tuple(data["skipped"]),
        painful=tuple((exercise, rating) for exercise, rating in data["painful"]),
        single=data.get("single", False),  # added later: absent in older rows
    )
