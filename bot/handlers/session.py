"""/today and the guided session's buttons and typed replies.

Thin: find the user's session, turn the button or the words into an event,
and let the coach (bot/coaching/runner.py) apply and render it.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode

from bot.coaching.runner import Coach
from bot.content.templates import label, render
from bot.db.models import GuidedSession, Preferences
from bot.domain.callbacks import SessionButton, rating_action
from bot.domain.exercises import Exercise
from bot.domain.onboarding import AWAITING_CLEARANCE
from bot.domain.session import (
    SWAPPABLE,
    Done,
    Event,
    Outcome,
    Pain,
    Phase,
    Rating,
    Skip,
    Stale,
    Start,
    Stop,
    Swap,
)
from bot.domain.stretch_search import Found, find
from bot.domain.timezones import local_day
from bot.domain.words import parse_rating, session_word
from bot.handlers.accounts import require_account
from bot.handlers.menus import send
from bot.runtime.context import BotContext

EVENTS: dict[str, type[Event]] = {
    "start": Start, "done": Done, "pain": Pain, "skip": Skip, "stop": Stop,
}  # fmt: skip


def coach(context: BotContext) -> Coach:
    services = context.services
    return Coach(
        context.bot, context.repo, context.content, context.now(), services.countdowns,
        services.pictures,
    )  # fmt: skip


async def todays_open_session(
    context: BotContext, preferences: Preferences
) -> GuidedSession | None:
    """The user's open session if it is from today; an older one is closed as incomplete."""
    row = await context.repo.sessions.latest_open(preferences.user_id)
    if row is None:
        return None
    today = local_day(context.now(), preferences.timezone)
    if row.local_date != today:
        await coach(context).close(row, Outcome.INCOMPLETE)
        return None
    return row


async def _still_setting_up(update: Update, context: BotContext, preferences: Preferences) -> bool:
    """Waiting for clearance or still setting up: say so (no exercise), and True."""
    if preferences.onboarding_step is None:
        return False
    texts = context.content.messages.session
    waiting = preferences.onboarding_step in AWAITING_CLEARANCE
    await send(update, texts.not_cleared if waiting else texts.not_set_up)
    return True


async def today_command(update: Update, context: BotContext) -> None:
    """/today: start today's routine, or offer to resume the one already begun."""
    account = await require_account(update, context)
    if account is not None:
        await start_today(update, context, account.preferences)


async def start_today(
    update: Update, context: BotContext, preferences: Preferences, rating: int | None = None
) -> None:
    """Begin today's session, or show the one under way (from /today or a reminder;
    `rating` answers the check-in, given on a check-in reminder)."""
    texts = context.content.messages.session
    if await _still_setting_up(update, context, preferences):
        return
    row = await todays_open_session(context, preferences)
    if row is None:
        today = local_day(context.now(), preferences.timezone)
        if await context.repo.reminders.routine_done(preferences.user_id, today):
            await send(update, texts.again_today)
        await coach(context).begin(preferences.user_id, preferences, rating=rating)
        return
    state = context.repo.sessions.state_of(row)
    if state.phase is Phase.PAUSED:
        exercise = coach(context).view.exercise(state, state.item)
        text = render(texts.resume_offer, name=exercise.name)
        await coach(context).show_where(row, text, resume=True)
    else:  # where they are, and what the live buttons (or typing) expect
        await coach(context).show_where(row, coach(context).view.where_you_are(state))


async def on_button(update: Update, context: BotContext) -> None:
    """A session button: acted on only if it is the owner's, for the state it was made for."""
    query = update.callback_query
    assert query is not None
    assert update.effective_user is not None
    stale = context.content.messages.session.stale
    button = SessionButton.decode(query.data or "")
    row = await context.repo.sessions.get(button.session_id) if button else None
    if button is None or row is None or row.user_id != update.effective_user.id or row.outcome:
        await query.answer(stale)
        return
    preferences = await context.repo.users.preferences(row.user_id)
    assert preferences is not None  # it cascades with the user, like the session
    if await todays_open_session(context, preferences) is not row:  # yesterday's: closed now
        await query.answer(stale)
        return
    version, action = button.version, button.action
    if action == "new":
        if version != context.repo.sessions.state_of(row).version:
            await query.answer(stale)
            return
        await query.answer()
        await coach(context).close(row, Outcome.STOPPED)
        await coach(context).begin(row.user_id, preferences)
        return
    if action == "keep":  # declined a swap: nothing changes
        await query.answer()
        state = context.repo.sessions.state_of(row)
        if state.plan and isinstance(query.message, Message):
            name = coach(context).view.exercise(state, state.item).name
            kept = render(context.content.messages.stretch.kept, name=name)
            await query.message.edit_text(kept, parse_mode=ParseMode.HTML)
        return
    if action.startswith("swap-"):
        if context.content.catalogue.by_id(action.removeprefix("swap-")) is None:
            await query.answer(stale)
            return
        item = await coach(context).item_for(
            row.user_id, action.removeprefix("swap-"), preferences.timezone
        )
        transition = await coach(context).advance(row, Swap(item, version=version))
        await query.answer(stale if any(isinstance(e, Stale) for e in transition.effects) else None)
        return
    event = _button_event(action, version)
    if event is None:
        await query.answer(stale)
        return
    transition = await coach(context).advance(row, event)
    await query.answer(stale if any(isinstance(e, Stale) for e in transition.effects) else None)


async def on_typed(
    update: Update, context: BotContext, preferences: Preferences, text: str
) -> bool:
    """A typed reply during today's session; False if there is none to answer."""
    row = await todays_open_session(context, preferences)
    if row is None:
        return False
    word = session_word(text)
    rating = parse_rating(text)
    if word is not None:
        event: Event = EVENTS[word]()
    elif rating is not None:
        event = Rating(rating)
    else:
        state = context.repo.sessions.state_of(row)
        asked = find(text, context.content.catalogue.exercises)
        current = state.exercise_id if state.plan else None
        swappable = state.phase in SWAPPABLE  # not at the check-in or the last question
        if swappable and isinstance(asked, Found) and asked.exercise_id != current:
            exercise = context.content.catalogue.by_id(asked.exercise_id)
            assert exercise is not None
            await offer_swap(update, context, row, exercise)
        else:
            await coach(context).show_where(row, coach(context).view.hint(state.phase))
        return True
    await coach(context).advance(row, event)
    return True


async def do_now(
    update: Update, context: BotContext, preferences: Preferences, exercise: Exercise
) -> None:
    """ "Do it now": a guided session of this one exercise, or a swap into today's (one
    still at its check-in, nothing begun, simply gives way to this one)."""
    if await _still_setting_up(update, context, preferences):
        return
    row = await todays_open_session(context, preferences)
    if row is not None:
        state = context.repo.sessions.state_of(row)
        same = bool(state.plan) and state.exercise_id == exercise.id
        if state.phase in SWAPPABLE and not same:
            await offer_swap(update, context, row, exercise)
            return
        if same:  # "Do it now" for the exercise under way: that is where they are
            await coach(context).show_where(row, coach(context).view.where_you_are(state))
            return
        if state.phase is not Phase.CHECK_IN:  # a pain question is open: that comes first
            await coach(context).show_where(row, coach(context).view.where_you_are(state))
            return
        await coach(context).close(row, Outcome.STOPPED)
    item = await coach(context).item_for(preferences.user_id, exercise.id, preferences.timezone)
    await coach(context).begin(preferences.user_id, preferences, (item,))


async def offer_swap(
    update: Update, context: BotContext, row: GuidedSession, exercise: Exercise
) -> None:
    """ "Can I do child's pose instead?" in a session: ask before changing course."""
    texts = context.content.messages.stretch
    state = context.repo.sessions.state_of(row)
    view = coach(context).view
    current = view.exercise(state, state.item).name if state.plan else ""
    markup = InlineKeyboardMarkup(
        [[
            InlineKeyboardButton(
                label(texts.swap_button, name=exercise.name),
                callback_data=SessionButton(row.id, state.version, f"swap-{exercise.id}").encode(),
            ),
            InlineKeyboardButton(
                label(texts.keep_button),
                callback_data=SessionButton(row.id, state.version, "keep").encode(),
            ),
        ]]
    )  # fmt: skip
    offer = texts.swap_offer_single if state.single else texts.swap_offer
    await send(update, render(offer, name=exercise.name, current=current), markup)


def _button_event(action: str, version: int) -> Event | None:
    if action in EVENTS:
        return EVENTS[action](version=version)
    rating = rating_action(action)
    return None if rating is None else Rating(rating, version=version)
