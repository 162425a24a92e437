"""Triage and chat intents, pure: the labelled corpora's scores, and the matching rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.triage import CORPUS, corpus, read, score
from bot.content import load_content
from bot.domain.chat import Intent
from bot.domain.triage import Tier

CONTENT = load_content()
TRIAGE = CONTENT.triage.compiled
CHAT = CONTENT.chat.compiled
HOLDOUT = CORPUS.with_name("triage_holdout.tsv")
HOLDOUT2 = CORPUS.with_name("triage_holdout2.tsv")


def test_the_corpus_is_large_and_covers_every_rule_and_intent() -> None:
    examples = corpus()
    assert len(examples) >= 400
    labels = {example.label for example in examples}
    for rule in TRIAGE.rules:
        wordings = [e for e in examples if e.label == f"{rule.tier}:{rule.id}"]
        assert len(wordings) >= 8, rule.id
    for intent in Intent:
        assert f"chat:{intent}" in labels
    for group in ("stretch", "benign", "junk"):
        assert sum(e.label == group for e in examples) >= 30


@pytest.mark.parametrize("path", [CORPUS, HOLDOUT, HOLDOUT2], ids=["corpus", "holdout", "holdout2"])
def test_every_emergency_and_urgent_message_is_caught_and_benign_ones_are_left_alone(
    path: Path,
) -> None:
    scores = score([read(example, TRIAGE, CHAT) for example in corpus(path)])
    assert scores.recall[Tier.EMERGENCY] == 1.0, scores.misses
    assert scores.recall[Tier.URGENT] == 1.0, scores.misses
    assert scores.recall[Tier.CAUTION] >= 0.95, scores.misses
    assert scores.false_alarms <= 0.02, scores.misses
    assert scores.chat_right >= 0.90, scores.misses


@pytest.mark.parametrize(
    ("text", "tier", "rule"),
    [
        ("chest pain", Tier.EMERGENCY, "chest_pain"),
        ("my leg is numb", Tier.CAUTION, "sciatica"),
        ("pain shooting down my leg", Tier.CAUTION, "sciatica"),
        ("I fell down the stairs and my back hurts", Tier.EMERGENCY, "trauma"),
        ("I have a fever and back pain", Tier.URGENT, "fever_unwell"),
        ("I had cancer and now my back hurts at night", Tier.URGENT, "cancer"),
        ("I had back surgery last week", Tier.CAUTION, "recent_surgery"),
        ("I can't control my bladder", Tier.EMERGENCY, "bladder_bowel"),
        ("numbness in my groin", Tier.EMERGENCY, "saddle_numbness"),
        ("both my legs are getting weaker", Tier.EMERGENCY, "both_legs"),
        ("my neck hurts", Tier.CAUTION, "other_body_part"),
        # typos, slang, and a negation that belongs to the symptom
        ("i think i have a feaver", Tier.URGENT, "fever_unwell"),
        ("peed myself this morning", Tier.EMERGENCY, "bladder_bowel"),
        ("pins and needles in my bum", Tier.EMERGENCY, "saddle_numbness"),
        ("jelly legs since yesterday", Tier.EMERGENCY, "both_legs"),
        ("I have no control over my bladder", Tier.EMERGENCY, "bladder_bowel"),
        ("not sure but my bum feels numb", Tier.EMERGENCY, "saddle_numbness"),
        # a denial ends with its clause, or where a new subject starts
        ("no fever, but my bum is numb", Tier.EMERGENCY, "saddle_numbness"),
        ("no my legs are numb", Tier.EMERGENCY, "both_legs"),
        ("never mind my chest hurts", Tier.EMERGENCY, "chest_pain"),
        ("dont laugh I wet myself", Tier.EMERGENCY, "bladder_bowel"),
        ("no seriously I can't breathe", Tier.EMERGENCY, "breathing"),
        # found by review
        ("I've got a slipped disc", Tier.CAUTION, "sciatica"),
        ("my trousers are falling off me", Tier.URGENT, "weight_loss"),
        ("can't get an erection since my back went", Tier.EMERGENCY, "saddle_numbness"),
        ("sweating at night", Tier.URGENT, "fever_unwell"),
        ("my feet are numb", Tier.EMERGENCY, "both_legs"),
        ("dragging my left foot", Tier.EMERGENCY, "worsening_leg_weakness"),
        ("my face is drooping on one side", Tier.EMERGENCY, "stroke"),
        ("this pain makes me want to kill myself", Tier.EMERGENCY, "self_harm"),
        # breathlessness after exercise may be nothing, but is never waved through
        ("gasping for air after the stretches", Tier.EMERGENCY, "breathing"),
    ],
)
def test_red_flags_in_the_words_people_use(text: str, tier: Tier, rule: str) -> None:
    flag = TRIAGE.check(text)
    assert flag is not None
    assert flag.tier is tier
    assert rule in [r.id for r in flag.rules]


@pytest.mark.parametrize(
    "text",
    [
        "no numbness, just stiff",
        "I don't have a fever",
        "no fever or chills or night sweats",
        "how do I do the knee to chest stretch?",
        "I fell asleep on the sofa and my back is stiff",
        "I want to lose some weight",
        "my knees are fine but my back hurts",
        "lowering my chest to the floor is hard",
        "take a break between sets?",
        "breathe out slowly during cat",
        "never had cancer",
        "child's pose felt amazing",
        "I never stretch enough",
        "it does not wake me at night",
        "I havent had any numbness in my groin",
        "sorry I've fallen behind on my exercises",
        "I nearly fell over doing the bird dog",
        "my computer crashed",
        "the bed is lumpy",
        "my dad had cancer",
        "my friend broke his leg",
        "I broke my wrist years ago skiing",
        "my wife is pregnant",
        "I used to get numbness in my groin",
        "no fever, no weight loss, no cancer, all good",
    ],
)
def test_everyday_words_and_denials_are_not_flags(text: str) -> None:
    assert TRIAGE.check(text) is None


def test_several_symptoms_are_all_named_and_the_highest_tier_decides() -> None:
    flag = TRIAGE.check("I'm pregnant, I've had a fever since Monday and my chest hurts")
    assert flag is not None
    assert flag.tier is Tier.EMERGENCY
    assert {r.id for r in flag.rules} == {"pregnancy", "fever_unwell", "chest_pain"}
    assert [r.id for r in flag.deciding] == ["chest_pain"]


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("help", Intent.HELP),
        ("hlep", Intent.HELP),
        ("hiii", Intent.GREETING),
        ("Good morning!", Intent.GREETING),
        ("thanks!", Intent.THANKS),
        ("cheers mate", Intent.THANKS),
        ("what should I do today?", Intent.TODAY),
        ("lets go", Intent.TODAY),
        ("next", Intent.TODAY),
        ("pause", Intent.PAUSE),
        ("I'm on holiday next week", Intent.PAUSE),
        ("cancel", Intent.CANCEL),
        ("never mind", Intent.CANCEL),
        ("stop", Intent.STOP),
        ("I want to stop", Intent.STOP),
    ],
)
def test_everyday_chat_is_understood(text: str, intent: Intent) -> None:
    assert CHAT.intent_of(text) is intent


@pytest.mark.parametrize("text", ["how do I do the bridge?", "than ever", "asdfgh", "cobra"])
def test_other_text_is_no_chat_intent(text: str) -> None:
    assert CHAT.intent_of(text) is None
