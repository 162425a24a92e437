"""A side-view line figure: poses as segment angles, and where its joints land.

Pure geometry for the exercise pictures (content/poses.yaml describes the poses,
bot/pictures/render.py draws them). Conventions, the same as the YAML's:

- The picture is a side view; x grows to the right, y grows *up*. Lengths are in
  body heights (a standing figure is 1.0 tall), always the proportions below.
- Every angle is absolute, in degrees, counter-clockwise: 0 points to the right
  (the way a kneeling or sitting figure faces), 90 up, 180 left, -90 (or 270) down.
- `trunk` points from the hip to the shoulder, `head` from the shoulder to the
  centre of the head, `upper`/`lower` along an arm from the shoulder, `thigh`/
  `shin`/`foot` along a leg from the hip.
- `spine` bends the back: the angle (degrees) between the hip-to-shoulder line and
  the spine where it leaves the hip. Positive rounds the back (it bulges toward the
  figure's back, as in Cat), negative arches it (the belly side bulges, as in Cow).
  The back is on the left of the trunk's direction: for a trunk pointing right
  (0) it is up, for a figure lying on its back with its head to the left (180) it
  is the floor.
- "near" limbs are the side toward the viewer (the figure's right side, as every
  pose faces right or lies with its head to the left); "far" limbs are behind.

The renderer grounds each frame (the lowest point rests on the mat) and keeps the
motion's anchor joint still, so joints() places the hip at the origin.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace
from typing import NamedTuple

# One set of body proportions, in body heights (roughly an adult's).
TRUNK = 0.30  # hip to shoulder
NECK = 0.06  # shoulder to the bottom of the head
HEAD_RADIUS = 0.058
UPPER_ARM = 0.16
LOWER_ARM = 0.165  # elbow to the middle of the hand
THIGH = 0.245
SHIN = 0.235  # knee to ankle (heel)
FOOT = 0.105  # ankle to toes
# How thick the parts are drawn, also in body heights: grounding needs them.
TRUNK_WIDTH = 0.075
LIMB_WIDTH = 0.04
SPINE_SAMPLES = 13  # points along the drawn spine, hip first
# The stage every picture shows, in body heights: the mat's width across, and from the
# mat up to the label. The renderer scales it to pixels; content that leaves it is refused.
STAGE_WIDTH = 1.58
STAGE_HEIGHT = 0.76
# An arrow: its distance from the joint's edge, its length and its head, in body heights.
ARROW_GAP, ARROW_LENGTH, ARROW_HEAD = 0.04, 0.12, 0.045

ANGLE_NAMES = ("head", "trunk", "upper", "lower", "thigh", "shin", "foot")


class Point(NamedTuple):
    x: float
    y: float


@dataclass(frozen=True)
class Arm:
    upper: float  # shoulder to elbow
    lower: float  # elbow to hand


@dataclass(frozen=True)
class Leg:
    thigh: float  # hip to knee
    shin: float  # knee to ankle
    foot: float  # ankle to toes


@dataclass(frozen=True)
class Pose:
    head: float
    trunk: float
    spine: float
    near_arm: Arm
    far_arm: Arm
    near_leg: Leg
    far_leg: Leg


@dataclass(frozen=True)
class Arrow:
    """A small arrow beside `joint`, pointing at `direction` (degrees).

    It starts just beyond the joint and points away from it, or, with `into`,
    ends just short of the joint, pointing at it ("press the back down").
    """

    joint: str
    direction: float
    into: bool = False


@dataclass(frozen=True)
class KeyPosition:
    label: str  # shown in the picture: "Cow: breathe in, arch"
    hold_seconds: float
    pose: Pose
    arrow: Arrow | None = None  # the motion that arrives at this position


@dataclass(frozen=True)
class Motion:
    exercise_id: str
    anchor: str  # the joint that stays put between positions (a knee, a foot)
    positions: tuple[KeyPosition, ...]
    seconds_per_move: float


@dataclass(frozen=True)
class Joints:
    """Where a pose puts everything, hip at the origin (see the module's conventions)."""

    hip: Point
    shoulder: Point
    head: Point  # the centre of the head circle
    mid_spine: Point  # the middle of the curved back
    spine: tuple[Point, ...]  # the back from hip to shoulder, SPINE_SAMPLES points
    near_elbow: Point
    near_hand: Point
    far_elbow: Point
    far_hand: Point
    near_knee: Point
    near_ankle: Point
    near_toe: Point
    far_knee: Point
    far_ankle: Point
    far_toe: Point

    def point(self, name: str) -> Point:
        if name not in JOINT_NAMES:
            raise KeyError(name)
        value = getattr(self, name)
        assert isinstance(value, Point)
        return value

    def lowest(self) -> float:
        """The lowest y any drawn part reaches, its thickness included."""
        limbs = (
            self.near_elbow, self.near_hand, self.far_elbow, self.far_hand, self.near_knee,
            self.near_ankle, self.near_toe, self.far_knee, self.far_ankle, self.far_toe,
        )  # fmt: skip
        return min(
            min(p.y for p in self.spine) - TRUNK_WIDTH / 2,
            self.head.y - HEAD_RADIUS,
            min(p.y for p in limbs) - LIMB_WIDTH / 2,
        )

    def moved(self, dx: float, dy: float) -> Joints:
        def move(p: Point) -> Point:
            return Point(p.x + dx, p.y + dy)

        points = {name: move(self.point(name)) for name in JOINT_NAMES}
        return replace(self, spine=tuple(move(p) for p in self.spine), **points)


JOINT_NAMES = tuple(f.name for f in fields(Joints) if f.name != "spine")


def direction(degrees: float) -> Point:
    radians = math.radians(degrees)
    return Point(math.cos(radians), math.sin(radians))


def _step(start: Point, degrees: float, length: float) -> Point:
    unit = direction(degrees)
    return Point(start.x + unit.x * length, start.y + unit.y * length)


def spine_points(hip: Point, shoulder: Point, bend: float) -> tuple[Point, ...]:
    """A quadratic Bezier from hip to shoulder whose ends leave the chord at `bend`
    degrees, bulging toward the back (left of hip->shoulder) when positive."""
    cx, cy = shoulder.x - hip.x, shoulder.y - hip.y
    length = math.hypot(cx, cy)
    # The back is the chord direction turned a quarter to the left (+90 degrees).
    back = Point(-cy / length, cx / length) if length else Point(0.0, 1.0)
    offset = length / 2 * math.tan(math.radians(bend))
    control = Point(hip.x + cx / 2 + back.x * offset, hip.y + cy / 2 + back.y * offset)
    points = []
    for i in range(SPINE_SAMPLES):
        t = i / (SPINE_SAMPLES - 1)
        a, b, c = (1 - t) ** 2, 2 * (1 - t) * t, t**2
        points.append(
            Point(
                a * hip.x + b * control.x + c * shoulder.x,
                a * hip.y + b * control.y + c * shoulder.y,
            )
        )
    return tuple(points)


def joints(pose: Pose) -> Joints:
    """Forward kinematics: every joint of `pose`, with the hip at (0, 0)."""
    hip = Point(0.0, 0.0)
    shoulder = _step(hip, pose.trunk, TRUNK)
    spine = spine_points(hip, shoulder, pose.spine)
    near_elbow = _step(shoulder, pose.near_arm.upper, UPPER_ARM)
    far_elbow = _step(shoulder, pose.far_arm.upper, UPPER_ARM)
    near_knee = _step(hip, pose.near_leg.thigh, THIGH)
    far_knee = _step(hip, pose.far_leg.thigh, THIGH)
    near_ankle = _step(near_knee, pose.near_leg.shin, SHIN)
    far_ankle = _step(far_knee, pose.far_leg.shin, SHIN)
    return Joints(
        hip=hip,
        shoulder=shoulder,
        head=_step(shoulder, pose.head, NECK + HEAD_RADIUS),
        mid_spine=spine[SPINE_SAMPLES // 2],
        spine=spine,
        near_elbow=near_elbow,
        near_hand=_step(near_elbow, pose.near_arm.lower, LOWER_ARM),
        far_elbow=far_elbow,
        far_hand=_step(far_elbow, pose.far_arm.lower, LOWER_ARM),
        near_knee=near_knee,
        near_ankle=near_ankle,
        near_toe=_step(near_ankle, pose.near_leg.foot, FOOT),
        far_knee=far_knee,
        far_ankle=far_ankle,
        far_toe=_step(far_ankle, pose.far_leg.foot, FOOT),
    )


def grounded(pose: Pose) -> Joints:
    """The joints with the lowest point, thickness included, on the floor (y = 0)."""
    figure = joints(pose)
    return figure.moved(0.0, -figure.lowest())


_LIMB_POINTS = (
    "near_elbow", "near_hand", "far_elbow", "far_hand", "near_knee", "near_ankle",
    "near_toe", "far_knee", "far_ankle", "far_toe",
)  # fmt: skip


def outline(figure: Joints) -> tuple[float, float, float]:
    """The left, right and top edges of everything drawn, thickness included."""
    limbs = [figure.point(name) for name in _LIMB_POINTS]
    left = min(
        min(p.x for p in figure.spine) - TRUNK_WIDTH / 2,
        min(p.x for p in limbs) - LIMB_WIDTH / 2,
        figure.head.x - HEAD_RADIUS,
    )
    right = max(
        max(p.x for p in figure.spine) + TRUNK_WIDTH / 2,
        max(p.x for p in limbs) + LIMB_WIDTH / 2,
        figure.head.x + HEAD_RADIUS,
    )
    top = max(
        max(p.y for p in figure.spine) + TRUNK_WIDTH / 2,
        max(p.y for p in limbs) + LIMB_WIDTH / 2,
        figure.head.y + HEAD_RADIUS,
    )
    return left, right, top


def arrow_shaft(figure: Joints, arrow: Arrow) -> tuple[Point, Point]:
    """The arrow's tail and tip: beside the joint, pointing away (or, `into`, at it)."""
    unit = direction(arrow.direction)
    joint = figure.point(arrow.joint)
    if arrow.joint == "head":
        edge = HEAD_RADIUS
    elif arrow.joint in ("hip", "shoulder", "mid_spine"):
        edge = TRUNK_WIDTH / 2
    else:
        edge = LIMB_WIDTH / 2
    gap = ARROW_GAP + edge
    sign = -1.0 if arrow.into else 1.0
    near = Point(joint.x + sign * unit.x * gap, joint.y + sign * unit.y * gap)
    far = Point(near.x + sign * unit.x * ARROW_LENGTH, near.y + sign * unit.y * ARROW_LENGTH)
    return (far, near) if arrow.into else (near, far)


def anchor_x(motion: Motion) -> float:
    """Where the anchor joint stands on the stage (0 = the middle), for every frame:
    the key positions, anchor on anchor, are centred together."""
    low, high = math.inf, -math.inf
    for position in motion.positions:
        figure = grounded(position.pose)
        left, right, _ = outline(figure)
        x = figure.point(motion.anchor).x
        low, high = min(low, left - x), max(high, right - x)
    return -(low + high) / 2


def misfit(motion: Motion, samples: int = 12) -> str | None:
    """Why the motion would not fit on the stage, at a key position or in a move."""
    where = anchor_x(motion)
    count = len(motion.positions)
    for index, position in enumerate(motion.positions):
        following = motion.positions[(index + 1) % count]
        for step in range(samples):
            pose = between(position.pose, following.pose, step / samples)
            figure = grounded(pose)
            left, right, top = outline(figure)
            if step == 0 and position.arrow is not None:
                shaft = arrow_shaft(figure, position.arrow)
                top = max(top, max(p.y for p in shaft) + ARROW_HEAD * 0.6)
            shift = where - figure.point(motion.anchor).x
            left, right = left + shift, right + shift
            what = (
                f"position {index + 1} ({position.label!r})"
                if step == 0
                else f"the move from position {index + 1} to {(index + 1) % count + 1}"
            )
            if top > STAGE_HEIGHT:
                over = top - STAGE_HEIGHT
                return f"{what} is {over:.2f} body heights too tall for the picture"
            if right - left > STAGE_WIDTH or max(-left, right) > STAGE_WIDTH / 2:
                return f"{what} is too wide for the picture"
    return None


def ease(t: float) -> float:
    """Slow out, slow in: 0 -> 0, 1 -> 1, gentlest at both ends."""
    t = min(1.0, max(0.0, t))
    return 0.5 - 0.5 * math.cos(math.pi * t)


def _angle(a: float, b: float, t: float) -> float:
    """From a toward b the short way round."""
    turn = (b - a + 180.0) % 360.0 - 180.0
    return a + turn * t


def between(a: Pose, b: Pose, t: float) -> Pose:
    """The pose a fraction `t` (0..1, of the time) of the way from a to b, eased."""
    s = ease(t)

    def arm(x: Arm, y: Arm) -> Arm:
        return Arm(_angle(x.upper, y.upper, s), _angle(x.lower, y.lower, s))

    def leg(x: Leg, y: Leg) -> Leg:
        return Leg(
            _angle(x.thigh, y.thigh, s), _angle(x.shin, y.shin, s), _angle(x.foot, y.foot, s)
        )

    return Pose(
        head=_angle(a.head, b.head, s),
        trunk=_angle(a.trunk, b.trunk, s),
        spine=a.spine + (b.spine - a.spine) * s,
        near_arm=arm(a.near_arm, b.near_arm),
        far_arm=arm(a.far_arm, b.far_arm),
        near_leg=leg(a.near_leg, b.near_leg),
        far_leg=leg(a.far_leg, b.far_leg),
    )


def bend(first: float, second: float) -> float:
    """How far a joint is bent (0 = straight), from its two segments' angles."""
    return abs((second - first + 180.0) % 360.0 - 180.0)
