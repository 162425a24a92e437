"""The stretch matcher, phrasing by phrasing: what people type and what they mean."""

from __future__ import annotations

import pytest

from bot.content import load_content
from bot.domain.stretch_search import Ambiguous, Found, NotFound, find

EXERCISES = load_content().catalogue.exercises
AMBIGUOUS = "ambiguous"
NONE = "none"

PHRASINGS = [
    # names and aliases, in any case, with punctuation and extra words
    ("bridge", "bridge"), ("Bridge Exercise", "bridge"), ("BRIDGE", "bridge"),
    ("how do I do the bridge?", "bridge"), ("glute bridges please", "bridge"),
    ("show me cat cow", "cat_cow"), ("Cat-Cow Stretch", "cat_cow"), ("CAT-COW", "cat_cow"),
    ("🐈 cat cow please", "cat_cow"), ("cat and cow", "cat_cow"),
    ("childs pose", "childs_pose"), ("Child’s Pose", "childs_pose"),
    ("child's pose", "childs_pose"), ("can I do child's pose instead?", "childs_pose"),
    ("balasana", "childs_pose"),
    ("knee to chest stretch", "knee_to_chest"), ("knees to chest", "knee_to_chest"),
    ("knee hug", "knee_to_chest"), ("Knee-to-Chest", "knee_to_chest"),
    ("bird dog", "bird_dog"), ("bird dogs", "bird_dog"), ("Bird-Dog Exercise", "bird_dog"),
    ("pelvic tilt", "pelvic_tilts"), ("PELVIC TILTS!!", "pelvic_tilts"),
    ("forward fold", "seated_forward_bend"), ("toe touch", "seated_forward_bend"),
    ("seated forward bend", "seated_forward_bend"),
    # typos
    ("brdge", "bridge"), ("bridg", "bridge"), ("birdog", "bird_dog"),
    ("kneee to chest", "knee_to_chest"), ("forwrd bend", "seated_forward_bend"),
    ("chlds pose", "childs_pose"), ("pelvc tilts", "pelvic_tilts"),
    # body areas and plain words
    ("something for tight hamstrings", "seated_forward_bend"),
    ("my lower back is stiff", "cat_cow"), ("balance", "bird_dog"),
    ("my hips", AMBIGUOUS), ("glutes", AMBIGUOUS), ("core", AMBIGUOUS),
    ("pose", AMBIGUOUS), ("tension", AMBIGUOUS), ("something for my back", AMBIGUOUS),
    # not an exercise
    ("hello", NONE), ("thanks", NONE), ("banana", NONE), ("stretch", NONE),
    ("what's up", NONE), ("7:30", NONE), ("", NONE), ("🙂", NONE),
]  # fmt: skip


@pytest.mark.parametrize(("typed", "expected"), PHRASINGS)
def test_phrasings(typed: str, expected: str) -> None:
    match = find(typed, EXERCISES)
    if expected == AMBIGUOUS:
        assert isinstance(match, Ambiguous)
        assert 2 <= len(match.exercise_ids) <= 3
    elif expected == NONE:
        assert isinstance(match, NotFound)
    else:
        assert match == Found(expected)


def test_the_table_is_long_enough_and_covers_every_exercise() -> None:
    assert len(PHRASINGS) >= 40
    assert {e.id for e in EXERCISES} <= {expected for _, expected in PHRASINGS}


def test_an_ambiguous_request_offers_the_exercises_that_fit() -> None:
    match = find("glutes", EXERCISES)
    assert isinstance(match, Ambiguous)
    assert set(match.exercise_ids) == {"bridge", "knee_to_chest"}
    assert match.by_area
    by_name = find("pose", EXERCISES)
    assert isinstance(by_name, Ambiguous)
    assert not by_name.by_area
