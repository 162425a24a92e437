"""The exercise pictures: each pose's geometry says what the seed says, and the drawings
are small, valid and the same bytes every time."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import math
import os
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path

import PIL
import pytest
from PIL import Image, ImageSequence

from bot.content import ContentError, load_content
from bot.domain.figure import (
    LIMB_WIDTH,
    TRUNK_WIDTH,
    Arm,
    Joints,
    KeyPosition,
    Motion,
    Point,
    Pose,
    bend,
    between,
    joints,
    misfit,
)
from bot.pictures import render
from bot.resources import resource_path

CONTENT = load_content()
MOTIONS = CONTENT.motions
IDS = [exercise.id for exercise in CONTENT.catalogue.exercises]
REPO = Path(__file__).resolve().parents[1]


def grounded(pose: Pose) -> Joints:
    """The joints with the floor at y = 0 (as the renderer places them)."""
    figure = joints(pose)
    return figure.moved(0.0, -figure.lowest())


def position(exercise_id: str, words: str) -> KeyPosition:
    """The key position whose label contains `words`."""
    found = [p for p in MOTIONS[exercise_id].positions if words.casefold() in p.label.casefold()]
    assert len(found) == 1, [p.label for p in MOTIONS[exercise_id].positions]
    return found[0]


def figure_at(exercise_id: str, words: str) -> Joints:
    return grounded(position(exercise_id, words).pose)


def on_floor(point: Point) -> bool:
    """A limb point touching the mat: its stroke's lower edge is at the floor."""
    return point.y - LIMB_WIDTH / 2 < 0.02


def height_over_chord(figure: Joints) -> float:
    """How far the middle of the back is above the straight hip-shoulder line."""
    middle = Point((figure.hip.x + figure.shoulder.x) / 2, (figure.hip.y + figure.shoulder.y) / 2)
    return figure.mid_spine.y - middle.y


def distance(a: Point, b: Point) -> float:
    return math.hypot(a.x - b.x, a.y - b.y)


# --- the drawings --------------------------------------------------------------------------


@cache
def drawn(exercise_id: str) -> tuple[bytes, tuple[bytes, ...]]:
    motion = MOTIONS[exercise_id]
    return render.animation(motion), tuple(render.key_frames(motion))


def durations(gif: bytes) -> list[int]:
    """Each frame's display time in milliseconds."""
    return [
        int(frame.info["duration"]) for frame in ImageSequence.Iterator(Image.open(io.BytesIO(gif)))
    ]


def digests() -> dict[str, str]:
    return {
        exercise_id: hashlib.sha256(gif + b"".join(pngs)).hexdigest()
        for exercise_id in IDS
        for gif, pngs in [drawn(exercise_id)]
    }


def test_every_exercise_has_a_motion_of_two_to_four_positions() -> None:
    assert sorted(MOTIONS) == sorted(IDS)
    for exercise_id, motion in MOTIONS.items():
        assert isinstance(motion, Motion)
        assert motion.exercise_id == exercise_id
        assert 2 <= len(motion.positions) <= 4


@pytest.mark.parametrize("exercise_id", IDS)
def test_the_animation_is_a_small_looping_gif_and_the_key_frames_pngs(exercise_id: str) -> None:
    gif, pngs = drawn(exercise_id)
    assert len(gif) < 300 * 1024
    image = Image.open(io.BytesIO(gif))
    assert image.format == "GIF"
    assert image.size == (render.WIDTH, render.HEIGHT) == (640, 400)
    assert image.info["loop"] == 0  # forever
    assert len(durations(gif)) > 1
    assert sum(durations(gif)) == pytest.approx(
        render.animation_seconds(MOTIONS[exercise_id]) * 1000
    )
    assert len(pngs) == len(MOTIONS[exercise_id].positions)
    for png in pngs:
        still = Image.open(io.BytesIO(png))
        assert (still.format, still.size) == ("PNG", (640, 400))


def test_the_holds_are_frame_durations_not_repeated_frames() -> None:
    shown = durations(drawn("childs_pose")[0])
    holds = [round(p.hold_seconds * 1000) for p in MOTIONS["childs_pose"].positions]
    assert [d for d in shown if d != render.MOVE_FRAME_MS] == holds


def test_the_same_motion_gives_the_same_bytes_here_and_in_a_fresh_process() -> None:
    first = digests()
    drawn.cache_clear()
    assert digests() == first
    script = (
        "import hashlib; from bot.content import load_content; from bot.pictures import render\n"
        "for i, m in load_content().motions.items():\n"
        "    data = render.animation(m) + b''.join(render.key_frames(m))\n"
        "    print(i, hashlib.sha256(data).hexdigest())\n"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    shown = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert shown.returncode == 0, shown.stderr
    assert dict(line.split() for line in shown.stdout.splitlines()) == first


# What the shipped poses draw, pinned: the bytes of every GIF and PNG, in exercise order.
# Telegram file_ids and the drawn files are kept by fingerprint (poses + STYLE), so a
# drawing that changes without a new STYLE would leave old pictures in use. If this fails
# after a change to render.py, bump render.STYLE and pin the new digest; after a Pillow
# upgrade, pin it for that version.
PINNED = {"style": "2", "pillow": "13.0.0",
          "sha256": "12875ec67a552e20d600f1d33947844e6c5429ff0cb3eba9feb401e40d3070f2"}  # fmt: skip


def test_the_drawings_are_pinned_to_the_style() -> None:
    if PIL.__version__ != PINNED["pillow"]:
        pytest.skip(f"pinned under Pillow {PINNED['pillow']}, this is {PIL.__version__}")
    everything = hashlib.sha256()
    for exercise_id in sorted(IDS):
        gif, pngs = drawn(exercise_id)
        for data in (gif, *pngs):
            everything.update(data)
    assert (render.STYLE, everything.hexdigest()) == (PINNED["style"], PINNED["sha256"])


def test_the_fingerprint_changes_exactly_when_the_picture_would() -> None:
    motion = MOTIONS["bridge"]
    assert render.fingerprint(motion) == render.fingerprint(dataclasses.replace(motion))
    top = motion.positions[1]
    lower = dataclasses.replace(top, pose=dataclasses.replace(top.pose, trunk=top.pose.trunk - 1))
    bent = dataclasses.replace(motion, positions=(motion.positions[0], lower))
    assert render.fingerprint(bent) != render.fingerprint(motion)
    relabelled = dataclasses.replace(
        motion, positions=(motion.positions[0], dataclasses.replace(top, label="Up"))
    )
    assert render.fingerprint(relabelled) != render.fingerprint(motion)
    assert len({render.fingerprint(m) for m in MOTIONS.values()}) == len(MOTIONS)


def test_the_fingerprint_includes_the_style(monkeypatch: pytest.MonkeyPatch) -> None:
    before = render.fingerprint(MOTIONS["bridge"])
    monkeypatch.setattr(render, "STYLE", render.STYLE + "-next")
    assert render.fingerprint(MOTIONS["bridge"]) != before


def test_every_motion_fits_the_stage_and_a_long_label_is_drawn_smaller() -> None:
    for motion in MOTIONS.values():
        assert misfit(motion) is None
        for key in motion.positions:
            assert len(key.label) <= 40
    wide = dataclasses.replace(MOTIONS["bridge"].positions[0], label="W" * 40)
    (png,) = render.key_frames(dataclasses.replace(MOTIONS["bridge"], positions=(wide,)))
    assert Image.open(io.BytesIO(png)).size == (640, 400)


def test_a_pose_that_leaves_the_picture_is_refused_at_load(content_copy: Path) -> None:
    path = content_copy / "poses.yaml"
    _edit(
        path, "          arms: {upper: -80, lower: -70}", "          arms: {upper: 90, lower: 90}"
    )
    with pytest.raises(ContentError) as error:
        load_content(content_copy)
    assert str(error.value).startswith(
        f"{path}, line {_line_of(path, '- exercise: childs_pose')}, entry 'childs_pose': "
        "motions.1: position 1 ('Kneel, knees apart') is 0."
    )
    assert str(error.value).endswith("body heights too tall for the picture: change its angles")


def test_a_move_that_sweeps_out_of_the_picture_is_refused() -> None:
    kneel = MOTIONS["childs_pose"].positions[0]

    def arms(angle: float) -> KeyPosition:
        straight = Arm(upper=angle, lower=angle)
        return dataclasses.replace(
            kneel, pose=dataclasses.replace(kneel.pose, near_arm=straight, far_arm=straight)
        )

    # Arms forward, then back: each position fits, but the arms swing up past the label.
    motion = dataclasses.replace(MOTIONS["childs_pose"], positions=(arms(10), arms(170)))
    problem = misfit(motion)
    assert problem is not None
    assert problem.startswith("the move from position 1 to 2 is 0.")
    assert problem.endswith("body heights too tall for the picture")
    assert misfit(dataclasses.replace(motion, positions=(arms(10), arms(-10)))) is None


def test_a_move_eases_between_the_positions() -> None:
    cow, cat = (p.pose for p in MOTIONS["cat_cow"].positions)
    assert between(cow, cat, 0) == cow
    assert between(cow, cat, 1) == cat
    assert between(cow, cat, 0.5).spine == pytest.approx((cow.spine + cat.spine) / 2)
    assert between(cow, cat, 0.1).spine - cow.spine < (cat.spine - cow.spine) * 0.1  # slow start
    # Angles take the short way round: 170 to -170 passes 180, not 0.
    turned = dataclasses.replace(cow, trunk=170)
    assert between(turned, dataclasses.replace(cow, trunk=-170), 0.5).trunk == pytest.approx(180)


def test_the_anchor_joint_stays_put_while_the_frame_is_grounded() -> None:
    for motion in MOTIONS.values():
        for key in motion.positions:
            figure = grounded(key.pose)
            assert figure.lowest() == pytest.approx(0.0)
            for part in (*figure.spine, figure.head):
                assert part.y > -1e-9  # nothing below the floor


# --- each picture against the seed's steps ------------------------------------------------


def test_cat_cow_starts_on_hands_and_knees_and_cow_arches_cat_rounds() -> None:
    cow, cat = figure_at("cat_cow", "Cow"), figure_at("cat_cow", "Cat")
    for figure in (cow, cat):
        # Wrists under the shoulders, knees under the hips, both on the floor.
        assert abs(figure.near_hand.x - figure.shoulder.x) < 0.03
        assert abs(figure.near_knee.x - figure.hip.x) < 0.03
        assert on_floor(figure.near_hand)
        assert on_floor(figure.near_knee)
    assert height_over_chord(cow) < -0.02  # the back sags: spine below the chord
    assert height_over_chord(cat) > 0.02  # the back rounds up
    assert cow.head.y > cow.shoulder.y  # head lifted
    assert cat.head.y < cat.shoulder.y  # chin tucked
    assert "breathe in" in position("cat_cow", "Cow").label
    assert "breathe out" in position("cat_cow", "Cat").label


def test_childs_pose_sits_back_on_the_heels_with_the_arms_forward() -> None:
    kneel = figure_at("childs_pose", "Kneel")
    rest = figure_at("childs_pose", "chest down")
    assert kneel.hip.y > 0.2
    assert on_floor(kneel.near_knee)
    assert distance(rest.hip, rest.near_ankle) < 0.16  # hips close to the heels
    assert rest.near_hand.x > rest.head.x
    assert rest.far_hand.x > rest.head.x
    assert on_floor(rest.near_hand)
    assert rest.shoulder.y < rest.hip.y  # chest lowered toward the ground
    assert rest.head.y < 0.1


def test_bridge_lifts_the_hips_above_the_shoulder_knee_line() -> None:
    def above_line(figure: Joints) -> float:
        s, k = figure.shoulder, figure.near_knee
        line = s.y + (k.y - s.y) * (figure.hip.x - s.x) / (k.x - s.x)
        return figure.hip.y - line

    start, top = figure_at("bridge", "Lie back"), figure_at("bridge", "Lift")
    assert above_line(start) < -0.05
    assert above_line(top) > 0
    assert top.hip.y > 0.1
    assert start.hip.y < TRUNK_WIDTH
    for figure in (start, top):  # shoulders, head and feet stay on the floor
        assert figure.shoulder.y < TRUNK_WIDTH
        assert on_floor(figure.near_ankle)
        assert on_floor(figure.near_toe)
        assert bend(*_leg_angles(figure)) > 60  # knees bent
    # The feet stay where they are (the anchor) and so do the shoulders, near enough.
    assert abs((top.shoulder.x - top.near_ankle.x) - (start.shoulder.x - start.near_ankle.x)) < 0.02


def _leg_angles(figure: Joints) -> tuple[float, float]:
    thigh = math.degrees(
        math.atan2(figure.near_knee.y - figure.hip.y, figure.near_knee.x - figure.hip.x)
    )
    shin = math.degrees(
        math.atan2(
            figure.near_ankle.y - figure.near_knee.y, figure.near_ankle.x - figure.near_knee.x
        )
    )
    return thigh, shin


@pytest.mark.parametrize(
    ("words", "arm", "leg"), [("Right arm", "near", "far"), ("Left arm", "far", "near")]
)
def test_bird_dog_extends_the_opposite_arm_and_leg_level(words: str, arm: str, leg: str) -> None:
    pose = position("bird_dog", words).pose
    reaching, kicking = getattr(pose, f"{arm}_arm"), getattr(pose, f"{leg}_leg")
    assert bend(reaching.upper, reaching.lower) < 10  # straight at the elbow
    assert abs(reaching.upper) < 15  # forward, roughly level ("reach out, not up")
    assert bend(kicking.thigh, kicking.shin) < 10  # straight at the knee
    assert bend(kicking.thigh, 180) < 15  # back, roughly level
    figure = grounded(pose)
    other_arm, other_leg = ("far", "near") if arm == "near" else ("near", "far")
    assert on_floor(figure.point(f"{other_arm}_hand"))  # the others still hold the body up
    assert on_floor(figure.point(f"{other_leg}_knee"))
    assert figure.point(f"{arm}_hand").x > figure.head.x  # reaching ahead
    assert figure.point(f"{leg}_toe").x < figure.hip.x - 0.4  # and back


def test_two_sided_exercises_name_the_side_in_the_label() -> None:
    labels = [p.label for p in MOTIONS["bird_dog"].positions]
    assert any("Right arm and left leg" in label for label in labels)
    assert any("Left arm and right leg" in label for label in labels)
    labels = [p.label for p in MOTIONS["knee_to_chest"].positions]
    assert any(label.startswith("Right knee") for label in labels)
    assert any(label.startswith("Left knee") for label in labels)


@pytest.mark.parametrize(
    ("words", "side", "other"), [("Right knee", "near", "far"), ("Left knee", "far", "near")]
)
def test_knee_to_chest_pulls_one_knee_in_and_keeps_the_other_foot_down(
    words: str, side: str, other: str
) -> None:
    figure = figure_at("knee_to_chest", words)
    chest = figure.mid_spine
    pulled, resting = figure.point(f"{side}_knee"), figure.point(f"{other}_knee")
    assert distance(pulled, chest) < distance(resting, chest) - 0.05
    assert distance(figure.near_hand, pulled) < 0.08  # holding it with both hands
    assert distance(figure.far_hand, pulled) < 0.08
    assert on_floor(figure.point(f"{other}_ankle"))
    assert on_floor(figure.point(f"{other}_toe"))
    assert not on_floor(figure.point(f"{side}_ankle"))
    start = figure_at("knee_to_chest", "Lie back")
    assert on_floor(start.near_toe)
    assert on_floor(start.far_toe)


def test_pelvic_tilts_lie_on_the_back_and_the_tilt_flattens_the_lower_back() -> None:
    rest, tilt = MOTIONS["pelvic_tilts"].positions
    assert rest.pose.spine < 0 <= tilt.pose.spine  # arched, then flat
    for key in (rest, tilt):
        figure = grounded(key.pose)
        assert figure.shoulder.y < TRUNK_WIDTH
        assert figure.hip.y < TRUNK_WIDTH
        assert figure.head.x < figure.hip.x  # on the back, head to the left
        assert bend(*_leg_angles(figure)) > 60  # knees bent
        assert on_floor(figure.near_ankle)
        assert on_floor(figure.near_toe)
    # The lower back lifts off the floor at rest and is pressed down in the tilt.
    assert height_over_chord(grounded(rest.pose)) > 0.02
    assert height_over_chord(grounded(tilt.pose)) == pytest.approx(0, abs=0.005)
    assert tilt.arrow is not None
    assert tilt.arrow.joint == "mid_spine"
    assert tilt.arrow.into


def test_seated_forward_bend_leans_the_trunk_over_straight_legs() -> None:
    sit, reach = (p.pose for p in MOTIONS["seated_forward_bend"].positions)
    for pose in (sit, reach):
        figure = grounded(pose)
        for leg in (pose.near_leg, pose.far_leg):
            assert bend(leg.thigh, leg.shin) < 8  # straight legs
        assert on_floor(figure.near_knee)
        assert on_floor(figure.near_ankle)
        assert figure.near_ankle.x > figure.hip.x + 0.4  # extended in front
    assert 80 <= sit.trunk <= 100  # sitting tall
    assert 20 <= reach.trunk <= 60  # tilted forward over the legs
    assert abs(reach.spine) <= 10  # the back stays fairly straight
    figure = grounded(reach)
    assert figure.shoulder.x > figure.hip.x + 0.15
    assert figure.near_hand.x > figure.near_knee.x  # reaching toward the toes
    assert distance(figure.near_hand, figure.near_toe) < 0.12


# --- a bad edit of content/poses.yaml -------------------------------------------------------


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    shutil.copytree(resource_path("content"), folder)
    return folder


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(path: Path, needle: str) -> int:
    lines = path.read_text("utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if needle in line)


@pytest.mark.parametrize(
    ("old", "new", "reason", "entry"),
    [
        ("          head: 35\n", "          head: 400\n", "less than or equal to 360", "cat_cow"),
        ("          trunk: 205\n", "          trunk: 205\n          elbow: 3\n",
         "Extra inputs are not permitted", "bridge"),
        ("anchor: near_ankle", "anchor: near_heel", "'near_heel' is not a joint", "bridge"),
        ("- label: \"Lift your hips, squeeze\"",
         "- label: \"Lift your hips as high as is comfortable and squeeze\"",
         "at most 40 characters", "bridge"),
        ("exercise: pelvic_tilts", "exercise: pelvic_tilt",
         "'pelvic_tilt' is not an exercise in exercises.yaml", "pelvic_tilt"),
        ("        arrow: {from: hip, direction: 90}", "        arrow: {direction: 90}",
         "exactly one of `from` and `to`", "bridge"),
    ],
)  # fmt: skip
def test_a_bad_pose_edit_names_file_line_entry_and_reason(
    content_copy: Path, old: str, new: str, reason: str, entry: str
) -> None:
    path = content_copy / "poses.yaml"
    _edit(path, old, new)
    with pytest.raises(ContentError) as error:
        load_content(content_copy)
    message = str(error.value)
    assert message.startswith(f"{path}, line {_line_of(path, new.splitlines()[-1].strip())}")
    assert f"entry {entry!r}" in message
    assert reason in message


def test_an_exercise_without_a_motion_is_refused(content_copy: Path) -> None:
    path = content_copy / "poses.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  - exercise: pelvic_tilts")
    end = text.index("  - exercise: seated_forward_bend")
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    with pytest.raises(ContentError) as error:
        load_content(content_copy)
    assert str(error.value) == f"{path}, line 34: (top level): no motion for pelvic_tilts"
    assert _line_of(path, "motions:") == 34


def test_a_missing_poses_file_is_refused(content_copy: Path) -> None:
    (content_copy / "poses.yaml").unlink()
    with pytest.raises(ContentError, match=r"poses\.yaml: cannot be read"):
        load_content(content_copy)
