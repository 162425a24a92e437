"""The content matches the seed text, and a bad edit is refused with file and line."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bot.content import ContentError, load_content
from bot.content.models import Tip
from bot.domain.exercises import Dosage, Range
from bot.resources import resource_path

CONTENT = resource_path("content")
SEED = CONTENT / "source" / "back-pain-exercises.txt"
SHARED_SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / SEED.name


@dataclass
class SeedExercise:
    title: str
    purpose: str = ""
    steps: list[str] = field(default_factory=list)


def parse_seed(text: str) -> tuple[list[SeedExercise], dict[str, list[str]]]:
    """The seed's numbered exercises and its bulleted lists, by heading."""
    exercises: list[SeedExercise] = []
    bullets: dict[str, list[str]] = {}
    heading = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if title := re.fullmatch(r"(\d)\. (.+)", raw):  # titles start the line, steps are indented
            exercises.append(SeedExercise(title.group(2)))
        elif step := re.fullmatch(r"\d+\. (.+)", line):
            exercises[-1].steps.append(step.group(1))
        elif line.startswith("•"):
            bullets.setdefault(heading, []).append(line.lstrip("• "))
        elif exercises and not exercises[-1].purpose and line != "How to Do It:":
            exercises[-1].purpose = line
        if not line.startswith("•"):
            heading = line
    return exercises, bullets


def dosage_stated_in(steps: list[str]) -> Dosage:
    """Read the numbers and phrases the seed uses into a Dosage."""
    text = " ".join(steps)

    def span(unit: str) -> Range | None:
        found = re.search(rf"(\d+)-(\d+) {unit}", text)
        return Range(min=int(found[1]), max=int(found[2])) if found else None

    per_side = re.search(r"per (side|leg)|switch (legs|sides)", text)
    # "Extend your right arm forward and left leg back": a side is an arm and the other leg.
    reach = re.search(r"your (right|left) arm \w+ and (left|right) leg", text)
    side_names = (
        {
            reach[1]: f"{reach[1]} arm and {reach[2]} leg",
            reach[2]: f"{reach[2]} arm and {reach[1]} leg",
        }
        if reach
        else None
    )
    return Dosage(
        reps=span("repetitions"),
        sets=span("sets"),
        hold_seconds=span("seconds"),
        repeats=span("times per leg"),
        per_side=("leg" if "leg" in per_side[0] else "side") if per_side else None,
        brief_hold="for a few seconds" in text,
        repeat_as_needed="Repeat as needed" in text,
        side_names=side_names,
    )


SEED_EXERCISES, SEED_BULLETS = parse_seed(SEED.read_text(encoding="utf-8"))
CATALOGUE = load_content().catalogue


def test_seed_has_seven_exercises_and_content_has_the_same_ones_in_order() -> None:
    assert [e.title for e in SEED_EXERCISES] == [e.name for e in CATALOGUE.exercises]
    assert len(CATALOGUE.exercises) == 7


@pytest.mark.parametrize("index", range(7), ids=[e.title for e in SEED_EXERCISES])
def test_every_step_purpose_and_number_of_the_seed_is_in_the_content(index: int) -> None:
    seed, exercise = SEED_EXERCISES[index], CATALOGUE.exercises[index]
    assert exercise.steps == seed.steps
    assert exercise.purpose == seed.purpose
    # Both ways: every number the seed states is structured, and none is invented.
    stated = dosage_stated_in(seed.steps)
    assert exercise.dosage == stated
    assert list(exercise.dosage.side_names or {}) == list(stated.side_names or {})  # the order


def test_benefits_and_safety_tips_are_the_seeds() -> None:
    def as_bullets(tips: list[Tip]) -> list[str]:
        return [f"{tip.title}: {tip.text}" for tip in tips]

    assert (
        as_bullets(CATALOGUE.benefits)
        == SEED_BULLETS["Engaging in the right exercises can provide several benefits:"]
    )
    assert (
        as_bullets(CATALOGUE.safety_tips)
        == SEED_BULLETS[
            "When performing these exercises, keep the following tips in mind to ensure "
            "safety and effectiveness:"
        ]
    )


def test_the_seed_copy_in_the_repo_is_the_shared_seed() -> None:
    if not SHARED_SEED.exists():
        pytest.skip("no ../shared/seed beside this checkout")
    assert SEED.read_bytes() == SHARED_SEED.read_bytes()


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    shutil.copytree(CONTENT, folder)
    return folder


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    return next(
        n for n, line in enumerate(path.read_text("utf-8").splitlines(), 1) if needle in line
    )


@pytest.mark.parametrize(
    ("old", "new", "reason"),
    [
        (
            "reps: {min: 10, max: 15}\n      sets: {min: 2",
            "reps: {min: 15, max: 10}\n      sets: {min: 2",
            "min (15) is greater than max (10)",
        ),
        (
            "reps: {min: 10, max: 15}\n      sets: {min: 2",
            "reps: {min: ten, max: 15}\n      sets: {min: 2",
            "valid integer",
        ),
        ("kind: strengthening", "kind: cardio", "'stretch' or 'strengthening'"),
        ("    aliases: [bridge,", "    aliasses: [bridge,", "Extra inputs are not permitted"),
        ("hip bridge,", "cat cow,", "'cat cow' names both cat_cow and bridge"),
    ],
)
def test_a_bad_exercise_edit_names_file_line_entry_and_reason(
    content_copy: Path, old: str, new: str, reason: str
) -> None:
    path = content_copy / "exercises.yaml"
    edit(path, old, new)
    with pytest.raises(ContentError) as error:
        load_content(content_copy)
    message = str(error.value)
    assert message.startswith(f"{path}, line ")
    assert reason in message
    if "names both" not in reason:  # a cross-entry check points at the list
        assert f"line {line_of(path, new.splitlines()[0].strip())}" in message
        assert "entry 'bridge'" in message


@pytest.mark.parametrize(
    ("old", "new", "reason"),
    [
        ("Hi {name}!", "Hi {nme}!", "unknown placeholder {nme} (allowed: {name})"),
        ("<b>Back Care Bot</b>, your", "<b>Back Care Bot, your", "<b> is never closed"),
        ("<i>General", "<marquee>General", "tag <marquee> is not allowed"),
        ("Welcome back, {name}!", "Welcome back & {name}!", "bare '&'"),
        ("  help: What I can do", "  Help!: What I can do", "command 'Help!' must be"),
    ],
)
def test_a_bad_message_edit_names_file_line_and_reason(
    content_copy: Path, old: str, new: str, reason: str
) -> None:
    path = content_copy / "messages.yaml"
    edit(path, old, new)
    with pytest.raises(ContentError) as error:
        load_content(content_copy)
    assert reason in str(error.value)
    assert str(error.value).startswith(f"{path}, line ")


def test_broken_yaml_and_a_missing_file_are_refused(content_copy: Path) -> None:
    path = content_copy / "messages.yaml"
    edit(path, "start:\n", "start: [\n")
    with pytest.raises(ContentError, match=r"messages\.yaml, line \d+: not valid YAML"):
        load_content(content_copy)
    path.unlink()
    with pytest.raises(ContentError, match=r"messages\.yaml: cannot be read"):
        load_content(content_copy)


def test_side_names_must_name_both_sides(content_copy: Path) -> None:
    path = content_copy / "exercises.yaml"
    edit(path, "left: left arm and right leg}", "lft: left arm and right leg}")
    with pytest.raises(ContentError, match="side_names needs per_side and a name for left"):
        load_content(content_copy)


@pytest.mark.parametrize(
    ("old", "new", "reason"),
    [
        ("      - [$numb, $saddle]", "      - [$numb, $sadle]", "'$sadle' is not a lexicon entry"),
        ("    tier: emergency", "    tier: dire", "tier: Input should be"),
        ("  - id: both_legs", "  - id: saddle_numbness", "listed twice"),
        ("pins and needles,", "pins & needles,", "'pins & needles' is not a term"),
    ],
)
def test_a_bad_triage_rule_is_refused_with_the_reason(
    content_copy: Path, old: str, new: str, reason: str
) -> None:
    path = content_copy / "triage.yaml"
    edit(path, old, new)
    with pytest.raises(ContentError) as error:
        load_content(content_copy)
    assert str(error.value).startswith(f"{path}, line ")
    assert reason in str(error.value)
