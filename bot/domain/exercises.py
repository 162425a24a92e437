"""An exercise as the seed describes it: its steps, its dose, its safety line.

Loaded and validated from content/exercises.yaml (bot/content/loader.py); the
routine planner and the stretch search read these records.
"""

from __future__ import annotations

from typing import Annotated, Literal, Self

from pydantic import Field, model_validator

from bot.domain.strict import Strict


class Range(Strict):
    """An inclusive range from the seed, such as "10-15 repetitions"."""

    min: int = Field(ge=1)
    max: int = Field(ge=1)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.min > self.max:
            raise ValueError(f"min ({self.min}) is greater than max ({self.max})")
        return self


class Dosage(Strict):
    """How much of an exercise to do, exactly as the seed states it."""

    reps: Range | None = None  # repetitions per set (per side when `per_side`)
    sets: Range | None = None
    hold_seconds: Range | None = None  # a timed hold
    repeats: Range | None = None  # how many times a hold is repeated (per side)
    per_side: Literal["side", "leg"] | None = None  # done on each side in turn
    # What to call each side when "left side" would not say it (Bird-Dog reaches with one
    # arm and the other leg), in the order the steps take them: the first is done first.
    side_names: dict[str, str] | None = None
    brief_hold: bool = False  # "hold for a few seconds" inside every repetition
    repeat_as_needed: bool = False  # "repeat as needed"

    @model_validator(mode="after")
    def _has_work(self) -> Self:
        if self.reps is None and self.hold_seconds is None:
            raise ValueError("a dosage needs reps or hold_seconds")
        if self.repeats is not None and self.hold_seconds is None:
            raise ValueError("repeats only make sense with hold_seconds")
        if self.side_names is not None and (
            self.per_side is None or set(self.side_names) != {"left", "right"}
        ):
            raise ValueError("side_names needs per_side and a name for left and for right")
        return self


class Exercise(Strict):
    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=24)]
    name: str = Field(min_length=1, max_length=64)
    kind: Literal["stretch", "strengthening"]
    purpose: str = Field(min_length=1)  # the seed's one-line introduction
    aliases: list[str] = Field(default=[])  # other ways people name it, for matching
    targets: list[str] = Field(min_length=1)  # body areas it helps, for matching
    steps: list[str] = Field(min_length=1)  # "How to Do It", verbatim and in order
    dosage: Dosage
    safety: str = Field(min_length=1)  # one line shown with the exercise
