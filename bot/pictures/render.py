"""Draws an exercise's key positions and its animation, always in one style.

The geometry comes from bot/domain/figure.py (poses from content/poses.yaml);
this module only paints it: a friendly line figure on a mat, a short label per
position and, where the content gives one, a small arrow for the motion.

Everything is drawn at SCALE times the size and downsampled (LANCZOS) for soft
edges, then mapped onto one fixed palette (the style's colours and their blends,
no dithering), so the same motion always gives the same bytes and a small GIF.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import itertools
import json
import math
from collections.abc import Iterator, Sequence
from functools import cache, lru_cache

from PIL import Image, ImageDraw, ImageFont

from bot.domain.figure import (
    ARROW_HEAD,
    HEAD_RADIUS,
    LIMB_WIDTH,
    TRUNK_WIDTH,
    Arrow,
    KeyPosition,
    Motion,
    Point,
    Pose,
    anchor_x,
    arrow_shaft,
    between,
    grounded,
    outline,
)

STYLE = "2"  # bump whenever the drawing changes: cached uploads are keyed on it
WIDTH, HEIGHT = 640, 400
SCALE = 3  # drawn this many times larger, then downsampled
BODY = 390.0  # pixels per body height (at 1x): the stage (figure.py) is 616 x 296 px
FLOOR = 358.0  # the top of the mat, y in pixels from the top (at 1x)
MAT_DEPTH = 12.0
MARGIN = 24.0
LABEL_BAND = 56  # the label's rows at the top (1x); the figure stays below them
LABEL_TOP = 18.0
LABEL_SIZE = 22
ARROW_WIDTH = 0.016  # body heights
HALO = 2.5  # pixels (1x) of background around a near limb
ALONG = 20.0  # degrees: a limb segment this close to the back's line gets no halo
MOVE_FRAME_MS = 80  # 12.5 frames a second while moving
Colour = tuple[int, int, int]

BACKGROUND = (246, 243, 236)
MAT = (184, 212, 200)
NEAR = (44, 70, 89)  # head, trunk and the limbs toward the viewer
FAR = (151, 172, 188)  # the limbs behind, lighter
ARROW = (226, 124, 64)
TEXT = NEAR
_BLEND_STEPS = 8
_BLENDS = (
    (NEAR, BACKGROUND), (FAR, BACKGROUND), (MAT, BACKGROUND), (ARROW, BACKGROUND),
    (NEAR, FAR), (NEAR, MAT), (FAR, MAT), (ARROW, NEAR), (ARROW, FAR), (ARROW, MAT),
)  # fmt: skip


def fingerprint(motion: Motion) -> str:
    """Changes exactly when the pictures would: the motion's every field, and STYLE."""
    data = json.dumps(dataclasses.asdict(motion), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(f"{STYLE}\n{data}".encode()).hexdigest()


def animation_seconds(motion: Motion) -> float:
    """One loop: every hold and every move (back to the first position too)."""
    moves = len(motion.positions) * (_move_frames(motion) - 1) * MOVE_FRAME_MS
    holds = sum(_hold_ms(position) for position in motion.positions)
    return (holds + moves) / 1000


def key_frames(motion: Motion) -> list[bytes]:
    """One PNG per key position, in order, each with its label and arrow."""
    placing = _Placing(motion.anchor, anchor_x(motion))
    pictures = []
    for position in motion.positions:
        image = _frame(position.pose, position.label, position.arrow, placing)
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", optimize=True)
        pictures.append(buffer.getvalue())
    return pictures


def animation(motion: Motion) -> bytes:
    """A looping GIF: each position held for its time, eased moves between them."""
    placing = _Placing(motion.anchor, anchor_x(motion))
    images: list[Image.Image] = []
    durations: list[int] = []
    for image, milliseconds in _frames(motion, placing):
        images.append(image)
        durations.append(milliseconds)
    buffer = io.BytesIO()
    images[0].save(
        buffer,
        format="GIF",
        save_all=True,
        append_images=images[1:],
        duration=durations,
        loop=0,
        disposal=1,
        optimize=True,
    )
    return buffer.getvalue()


def _hold_ms(position: KeyPosition) -> int:
    return max(MOVE_FRAME_MS, round(position.hold_seconds * 1000))


def _move_frames(motion: Motion) -> int:
    return max(2, round(motion.seconds_per_move * 1000 / MOVE_FRAME_MS))


def _frames(motion: Motion, placing: _Placing) -> Iterator[tuple[Image.Image, int]]:
    positions = motion.positions
    steps = _move_frames(motion)
    for index, position in enumerate(positions):
        yield _frame(position.pose, position.label, position.arrow, placing), _hold_ms(position)
        following = positions[(index + 1) % len(positions)]
        for step in range(1, steps):
            pose = between(position.pose, following.pose, step / steps)
            yield _frame(pose, following.label, None, placing), MOVE_FRAME_MS


@dataclasses.dataclass(frozen=True)
class _Placing:
    """The anchor joint's x on the stage (body heights, 0 = the middle), every frame."""

    anchor: str
    x: float


def _frame(pose: Pose, label: str, arrow: Arrow | None, placing: _Placing) -> Image.Image:
    """One picture: the label's band (drawn once per label) over the figure's band."""
    figure = grounded(pose)
    dx = placing.x - figure.point(placing.anchor).x
    shaft = arrow_shaft(figure, arrow) if arrow is not None else None
    # Only the rows the figure reaches are drawn large: the rest is plain background.
    # Content that would leave the stage is refused when loaded (figure.misfit); a
    # figure that still reached the label would be cut rather than fail.
    _, _, highest = outline(figure)
    if shaft is not None:
        highest = max(highest, shaft[0].y, shaft[1].y) + ARROW_HEAD * 0.6  # as misfit()
    top = max(LABEL_BAND, math.floor(FLOOR - highest * BODY - 6))
    top -= top % 2  # so the band's pixels line up with _smaller's 2x2 boxes, frame to frame
    s = SCALE

    def at(p: Point) -> tuple[float, float]:
        return ((WIDTH / 2 + (p.x + dx) * BODY) * s, (FLOOR - top - p.y * BODY) * s)

    band = Image.new("RGB", (WIDTH * s, (HEIGHT - top) * s), BACKGROUND)
    draw = ImageDraw.Draw(band)
    limb = LIMB_WIDTH * BODY * s
    f = figure
    far = ((f.hip, f.far_knee, f.far_ankle, f.far_toe), (f.shoulder, f.far_elbow, f.far_hand))
    for chain in far:
        _polyline(draw, [at(p) for p in chain], limb, FAR)
    _band(draw, [at(p) for p in f.spine], TRUNK_WIDTH * BODY * s, NEAR)
    _polyline(draw, [at(f.shoulder), at(f.head)], limb, NEAR)
    _disc(draw, at(f.head), HEAD_RADIUS * BODY * s, NEAR)
    near = ((f.hip, f.near_knee, f.near_ankle, f.near_toe), (f.shoulder, f.near_elbow, f.near_hand))
    for root, joint, *rest in near:
        # A thin gap of background keeps a near limb readable where it crosses the body.
        # It starts halfway along the limb, so the shoulder and hip stay solid, and comes
        # before the mat, so the mat is never cut. Not where the limb lies along the back
        # (an arm by the side of someone lying down): there it would cut a seam in it.
        start = Point((root.x + joint.x) / 2, (root.y + joint.y) / 2)
        points = (start, joint, *rest)
        for a, b in itertools.pairwise(points):
            if not _along(a, b, f.hip, f.shoulder):
                _polyline(draw, [at(a), at(b)], limb + 2 * HALO * s, BACKGROUND)
    # Grounding puts the lowest point on the mat's top edge: the mat covers no figure.
    mat_top = (FLOOR - top) * s
    draw.rounded_rectangle(
        (MARGIN * s, mat_top, (WIDTH - MARGIN) * s, mat_top + MAT_DEPTH * s),
        radius=MAT_DEPTH / 2 * s,
        fill=MAT,
    )
    for chain in near:
        _polyline(draw, [at(p) for p in chain], limb, NEAR)
    if shaft is not None:
        _draw_arrow(draw, at(shaft[0]), at(shaft[1]))
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    image.paste(_label_band(label), (0, 0))
    image.paste(_smaller(band), (0, top))
    return image.quantize(palette=_palette(), dither=Image.Dither.NONE)


def _along(a: Point, b: Point, hip: Point, shoulder: Point) -> bool:
    """Segment a-b runs within ALONG degrees of the line from hip to shoulder."""
    seg = (b.x - a.x, b.y - a.y)
    back = (shoulder.x - hip.x, shoulder.y - hip.y)
    lengths = math.hypot(*seg) * math.hypot(*back)
    if lengths == 0:
        return True
    cross = abs(seg[0] * back[1] - seg[1] * back[0])
    return cross / lengths < math.sin(math.radians(ALONG))


def _smaller(image: Image.Image) -> Image.Image:
    """SCALE times smaller: a box filter halves it, LANCZOS does the rest (much faster
    than LANCZOS all the way, and as sharp). A band cut at an even row (1x) gives the
    same pixels as the whole picture would there, so still parts never shimmer."""
    size = (image.width // SCALE, image.height // SCALE)
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=1.5)


@lru_cache(maxsize=16)
def _label_band(text: str) -> Image.Image:
    band = Image.new("RGB", (WIDTH * SCALE, LABEL_BAND * SCALE), BACKGROUND)
    draw = ImageDraw.Draw(band)
    size = LABEL_SIZE
    font = _font(size)
    left, top, right, _ = draw.textbbox((0, 0), text, font=font)
    while right - left > (WIDTH - 2 * MARGIN) * SCALE and size > 12:
        size -= 1  # content keeps labels short; an unusually wide one is drawn smaller
        font = _font(size)
        left, top, right, _ = draw.textbbox((0, 0), text, font=font)
    x = (WIDTH * SCALE - (right - left)) / 2 - left
    draw.text((x, LABEL_TOP * SCALE - top), text, font=font, fill=TEXT)
    return _smaller(band)


def _draw_arrow(
    draw: ImageDraw.ImageDraw, tail: tuple[float, float], tip: tuple[float, float]
) -> None:
    length = math.hypot(tip[0] - tail[0], tip[1] - tail[1])
    ux, uy = (tip[0] - tail[0]) / length, (tip[1] - tail[1]) / length
    head = ARROW_HEAD * BODY * SCALE
    base = (tip[0] - ux * head, tip[1] - uy * head)
    _polyline(draw, [tail, base], ARROW_WIDTH * BODY * SCALE, ARROW)
    side = (-uy * head * 0.55, ux * head * 0.55)
    draw.polygon(
        [tip, (base[0] + side[0], base[1] + side[1]), (base[0] - side[0], base[1] - side[1])],
        fill=ARROW,
    )


def _polyline(
    draw: ImageDraw.ImageDraw, points: Sequence[tuple[float, float]], width: float, colour: Colour
) -> None:
    """A stroke with rounded joints and ends."""
    draw.line(list(points), fill=colour, width=round(width), joint="curve")
    for point in (points[0], points[-1]):
        _disc(draw, point, width / 2, colour)


def _band(
    draw: ImageDraw.ImageDraw, points: Sequence[tuple[float, float]], width: float, colour: Colour
) -> None:
    """A thick curved stroke as one outline (a wide polyline's segment corners would
    show as bumps along a bend), with rounded ends."""
    half = width / 2
    left, right = [], []
    for index, (x, y) in enumerate(points):
        before = points[max(0, index - 1)]
        after = points[min(len(points) - 1, index + 1)]
        dx, dy = after[0] - before[0], after[1] - before[1]
        length = math.hypot(dx, dy) or 1.0
        nx, ny = -dy / length * half, dx / length * half
        left.append((x + nx, y + ny))
        right.append((x - nx, y - ny))
    draw.polygon([*left, *reversed(right)], fill=colour)
    for point in (points[0], points[-1]):
        _disc(draw, point, half, colour)


def _disc(
    draw: ImageDraw.ImageDraw, centre: tuple[float, float], radius: float, colour: Colour
) -> None:
    x, y = centre
    draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=colour)


@cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size * SCALE)


@cache
def _palette() -> Image.Image:
    colours = [BACKGROUND, MAT, NEAR, FAR, ARROW]
    for front, back in _BLENDS:
        for step in range(1, _BLEND_STEPS):
            t = step / _BLEND_STEPS
            colours.append(
                (
                    round(front[0] * t + back[0] * (1 - t)),
                    round(front[1] * t + back[1] * (1 - t)),
                    round(front[2] * t + back[2] * (1 - t)),
                )
            )
    unique = list(dict.fromkeys(colours))
    palette = Image.new("P", (1, 1))
    palette.putpalette([channel for colour in unique for channel in colour])
    return palette
