"""/stretch, /exercises and asking for an exercise in plain words; "Do it now"."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.coaching.view import SessionView
from bot.content.templates import Html, label, render, shorten
from bot.domain import routine
from bot.domain.callbacks import StretchButton
from bot.domain.exercises import Exercise
from bot.domain.onboarding import AWAITING_CLEARANCE
from bot.domain.stretch_search import Ambiguous, Found, Match, find
from bot.handlers import session
from bot.handlers.accounts import find_account, require_account
from bot.handlers.menus import send
from bot.runtime.context import BotContext
from bot.runtime.transport import Lane

ALL = StretchButton("all").encode()  # the catalogue


def _button(text: str, action: str, exercise_id: str = "") -> InlineKeyboardButton:
    return InlineKeyboardButton(
        label(text), callback_data=StretchButton(action, exercise_id).encode()
    )


def card(context: BotContext, exercise: Exercise) -> str:
    """Name, what it helps, the numbered steps, the dosage, one safety line."""
    texts = context.content.messages
    steps = "\n".join(
        render(texts.session.step_line, number=number, text=step)
        for number, step in enumerate(exercise.steps, start=1)
    )
    dose = SessionView(context.content).dose(exercise, routine.dose_for(exercise.dosage, 0))
    return render(
        texts.stretch.card, name=exercise.name, purpose=exercise.purpose, steps=Html(steps),
        dose=Html(dose), safety=exercise.safety,
    )  # fmt: skip


async def send_card(update: Update, context: BotContext, exercise: Exercise) -> None:
    """The card with Do it now, under the exercise's animation unless the user turned
    pictures off; while a red flag waits for a professional, no card."""
    account = await find_account(update, context)
    if account is not None and account.preferences.onboarding_step in AWAITING_CLEARANCE:
        await send(update, context.content.messages.session.not_cleared)
        return
    texts = context.content.messages.stretch
    if account is None or account.preferences.pictures:
        assert update.effective_chat is not None
        caption = render(texts.picture_caption, name=exercise.name)
        await context.services.pictures.show(
            context.bot, update.effective_chat.id, exercise.id, caption, now=context.now(),
            lane=Lane.PICTURE,
        )  # fmt: skip
    markup = InlineKeyboardMarkup(
        [[_button(texts.do_button, "do", exercise.id), _button(texts.all_button, "all")]]
    )
    await send(update, card(context, exercise), markup)


async def send_catalogue(update: Update, context: BotContext, text: str) -> None:
    """Every exercise as a button: stretches first, then strengthening."""
    texts = context.content.messages.stretch
    rows = []
    for kind, template in (
        ("stretch", texts.stretch_label),
        ("strengthening", texts.strength_label),
    ):
        group = [e for e in context.content.catalogue.exercises if e.kind == kind]
        buttons = [_button(label(template, name=e.name), "card", e.id) for e in group]
        rows += [buttons[start : start + 2] for start in range(0, len(buttons), 2)]
    await send(update, text, InlineKeyboardMarkup(rows))


async def answer(update: Update, context: BotContext, match: Match, text: str) -> bool:
    """Reply to a search: the card, the few choices, or (False) nothing found."""
    catalogue = context.content.catalogue
    if isinstance(match, Found):
        exercise = catalogue.by_id(match.exercise_id)
        assert exercise is not None
        await send_card(update, context, exercise)
        return True
    if isinstance(match, Ambiguous):
        choices = [catalogue.by_id(i) for i in match.exercise_ids]
        markup = InlineKeyboardMarkup(
            [[_button(e.name, "card", e.id)] for e in choices if e is not None]
        )
        texts = context.content.messages.stretch
        await send(update, texts.for_area if match.by_area else texts.ambiguous, markup)
        return True
    return False


async def stretch_command(update: Update, context: BotContext) -> None:
    """/stretch NAME: that exercise's card; without a name, the catalogue."""
    texts = context.content.messages.stretch
    text = " ".join(context.args or [])
    if not text:
        await send_catalogue(update, context, texts.usage)
        return
    match = find(text, context.content.catalogue.exercises)
    if not await answer(update, context, match, text):
        await send_catalogue(update, context, render(texts.not_found, text=shorten(text)))


async def exercises_command(update: Update, context: BotContext) -> None:
    """/exercises: the catalogue as buttons."""
    await send_catalogue(update, context, context.content.messages.stretch.catalogue)


async def on_typed(update: Update, context: BotContext, text: str) -> bool:
    """Free text outside a session that asks for an exercise; False if it does not."""
    return await answer(update, context, find(text, context.content.catalogue.exercises), text)


async def on_button(update: Update, context: BotContext) -> None:
    """A card, the catalogue, or "Do it now"."""
    query = update.callback_query
    assert query is not None
    button = StretchButton.decode(query.data or "")
    kind = button.action if button else ""
    exercise = context.content.catalogue.by_id(button.exercise_id) if button else None
    if kind == "all":
        await query.answer()
        await send_catalogue(update, context, context.content.messages.stretch.catalogue)
    elif kind == "card" and exercise is not None:
        await query.answer()
        await send_card(update, context, exercise)
    elif kind == "do" and exercise is not None:
        account = await require_account(update, context)  # answers the query if unknown
        if account is None:
            return
        await query.answer()
        await session.do_now(update, context, account.preferences, exercise)
    else:
        await query.answer(context.content.messages.menus.expired)
