"""content/poses.yaml: each exercise's key positions, checked and turned into domain Motions.

The conventions (angles, spine curve, near and far limbs) are in the file's header
and in bot/domain/figure.py; bot/pictures/render.py draws the result.
"""

from __future__ import annotations

from typing import Annotated, Any, Self

from pydantic import Field, ValidationInfo, field_validator, model_validator

from bot.domain.figure import JOINT_NAMES, Arm, Arrow, KeyPosition, Leg, Motion, Pose, misfit
from bot.domain.strict import Strict

Angle = Annotated[float, Field(ge=-360, le=360)]
MAX_LABEL = 40  # characters: what fits across the picture at the label's size


def _joint(name: str) -> str:
    if name not in JOINT_NAMES:
        raise ValueError(f"{name!r} is not a joint (one of: {', '.join(JOINT_NAMES)})")
    return name


class ArmSpec(Strict):
    upper: Angle
    lower: Angle


class LegSpec(Strict):
    thigh: Angle
    shin: Angle
    foot: Angle


class PoseSpec(Strict):
    """`arms` and `legs` set both sides; `near_arm`, `far_arm`... set one side."""

    head: Angle
    trunk: Angle
    spine: float = Field(default=0, ge=-40, le=40)
    arms: ArmSpec | None = None
    legs: LegSpec | None = None
    near_arm: ArmSpec | None = None
    far_arm: ArmSpec | None = None
    near_leg: LegSpec | None = None
    far_leg: LegSpec | None = None

    @model_validator(mode="after")
    def _every_limb(self) -> Self:
        for side in ("near", "far"):
            if getattr(self, f"{side}_arm") is None and self.arms is None:
                raise ValueError(f"give `arms` or `{side}_arm`")
            if getattr(self, f"{side}_leg") is None and self.legs is None:
                raise ValueError(f"give `legs` or `{side}_leg`")
        return self

    def pose(self) -> Pose:
        def arm(spec: ArmSpec | None) -> Arm:
            chosen = spec or self.arms
            assert chosen is not None
            return Arm(upper=chosen.upper, lower=chosen.lower)

        def leg(spec: LegSpec | None) -> Leg:
            chosen = spec or self.legs
            assert chosen is not None
            return Leg(thigh=chosen.thigh, shin=chosen.shin, foot=chosen.foot)

        return Pose(
            head=self.head,
            trunk=self.trunk,
            spine=self.spine,
            near_arm=arm(self.near_arm),
            far_arm=arm(self.far_arm),
            near_leg=leg(self.near_leg),
            far_leg=leg(self.far_leg),
        )


class ArrowSpec(Strict):
    """`from: hip` starts beside the joint and points away; `to: mid_spine` points at it."""

    start: str | None = Field(default=None, alias="from")
    to: str | None = None
    direction: Angle

    @field_validator("start", "to")
    @classmethod
    def _joints(cls, name: str | None) -> str | None:
        return None if name is None else _joint(name)

    @model_validator(mode="after")
    def _one_joint(self) -> Self:
        if (self.start is None) == (self.to is None):
            raise ValueError("an arrow needs exactly one of `from` and `to`")
        return self

    def arrow(self) -> Arrow:
        joint = self.start or self.to
        assert joint is not None
        return Arrow(joint=joint, direction=self.direction, into=self.to is not None)


class PositionSpec(Strict):
    label: str = Field(min_length=1, max_length=MAX_LABEL)
    hold: float = Field(gt=0, le=10)  # seconds in the animation
    pose: PoseSpec
    arrow: ArrowSpec | None = None


class MotionSpec(Strict):
    exercise: str
    anchor: str
    seconds_per_move: float = Field(ge=0.3, le=5)
    positions: list[PositionSpec] = Field(min_length=2, max_length=4)

    @field_validator("anchor")
    @classmethod
    def _anchor(cls, name: str) -> str:
        return _joint(name)

    @field_validator("exercise")
    @classmethod
    def _known(cls, exercise: str, info: ValidationInfo) -> str:
        known = _exercise_ids(info)
        if known is not None and exercise not in known:
            raise ValueError(f"{exercise!r} is not an exercise in exercises.yaml")
        return exercise

    @model_validator(mode="after")
    def _fits(self) -> Self:
        problem = misfit(self.motion())
        if problem is not None:
            raise ValueError(f"{problem}: change its angles")
        return self

    def motion(self) -> Motion:
        return Motion(
            exercise_id=self.exercise,
            anchor=self.anchor,
            positions=tuple(
                KeyPosition(
                    label=p.label,
                    hold_seconds=p.hold,
                    pose=p.pose.pose(),
                    arrow=p.arrow.arrow() if p.arrow else None,
                )
                for p in self.positions
            ),
            seconds_per_move=self.seconds_per_move,
        )


class PosesFile(Strict):
    """content/poses.yaml; validate with context={"exercise_ids": [...]} to check coverage."""

    motions: list[MotionSpec] = Field(min_length=1)

    @model_validator(mode="after")
    def _one_each(self, info: ValidationInfo) -> Self:
        seen: set[str] = set()
        for spec in self.motions:
            if spec.exercise in seen:
                raise ValueError(f"{spec.exercise!r} has two motions")
            seen.add(spec.exercise)
        missing = [e for e in _exercise_ids(info) or () if e not in seen]
        if missing:
            raise ValueError(f"no motion for {', '.join(missing)}")
        return self

    def by_exercise(self) -> dict[str, Motion]:
        return {spec.exercise: spec.motion() for spec in self.motions}


def _exercise_ids(info: ValidationInfo) -> list[str] | None:
    context: Any = info.context
    if isinstance(context, dict) and "exercise_ids" in context:
        return list(context["exercise_ids"])
    return None
