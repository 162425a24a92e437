"""/start and onboarding: disclaimer, red-flag screen, baseline pain, time, time zone.

One question at a time. The step is stored after every answer, so a restart
(or a user who wanders off to /help) resumes at the same question. Every
question takes a button or the same answer typed.
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, ReplyKeyboardRemove, Update

from bot.content.phrases import clock_time, local_moment
from bot.content.templates import render, shorten
from bot.db.models import DEFAULT_ZONE, Preferences
from bot.db.safety import SCREEN
from bot.domain import onboarding
from bot.domain.callbacks import OnboardingButton
from bot.domain.onboarding import (
    Accepted,
    Answer,
    Cleared,
    Confirmed,
    Pain,
    RedFlags,
    ReminderAt,
    ScreenAnswer,
    Step,
    Zone,
)
from bot.domain.pain import PainKind, check_in_first
from bot.domain.timezones import zone_choices
from bot.domain.triage import Tier
from bot.domain.words import means_no
from bot.handlers.accounts import register, require_account
from bot.handlers.describe import summary
from bot.handlers.keyboards import location_keyboard, pain_keyboard, time_keyboard, zone_keyboard
from bot.handlers.menus import close_menu, expire, keyboard, live_query, send, send_menu
from bot.reminders.scheduling import reschedule
from bot.runtime.context import BotContext

BUTTON_ANSWERS: dict[str, Answer] = {
    "accept": Accepted(),
    "flags:none": RedFlags(present=False),
    "flags:some": RedFlags(present=True),
    "cleared": Cleared(),
    "confirm:yes": Confirmed(yes=True),
    "confirm:no": Confirmed(yes=False),
    **{f"pain:{rating}": Pain(rating) for rating in range(11)},
}


def _data(answer: str) -> str:
    assert answer in BUTTON_ANSWERS, answer
    return OnboardingButton(answer).encode()


async def start(update: Update, context: BotContext) -> None:
    """Subscribe: greet, then ask the next onboarding question or show the settings."""
    account, created = await register(update, context)
    if account.user.blocked_at is not None:  # coming back with /start lifts a block
        account.user.blocked_at = None
        reschedule(account.preferences, context.now())
    preferences = account.preferences
    texts = context.content.messages
    name = account.user.first_name
    step = preferences.onboarding_step
    if created or step == Step.DISCLAIMER:
        await send_menu(
            update,
            preferences,
            render(texts.start.welcome, name=name),
            keyboard([(texts.onboarding.accept_button, _data("accept"))]),
        )
        return
    greeting = render(texts.start.welcome_back, name=name)
    if step is not None:
        await send(update, f"{greeting} {texts.start.continue_setup}")
        await ask(update, context, preferences, Step(step))
        return
    lines = [greeting]
    if not preferences.reminders_enabled:
        preferences.reminders_enabled = True
        preferences.paused_at = preferences.paused_until = None  # "back on" means on
        lines.append(texts.start.reminders_back_on)
    lines.append(summary(context.content, preferences))
    await send(update, "\n\n".join(lines), ReplyKeyboardRemove())


async def resume(update: Update, context: BotContext, preferences: Preferences) -> None:
    """After /time or /timezone in the middle of setting up: the open question again, with
    its buttons (the command took them off). Not at clearance: that waits for a
    professional, not for a tap."""
    step = preferences.onboarding_step
    if step is not None and step != Step.CLEARANCE:
        await ask(update, context, preferences, Step(step))


async def ask(
    update: Update,
    context: BotContext,
    preferences: Preferences,
    step: Step,
    text: str | None = None,
    *,
    lead: str | None = None,
) -> None:
    """Ask `step`'s question (or `text` instead of it) with its buttons, under `lead`."""
    texts = context.content.messages.onboarding
    markup: InlineKeyboardMarkup | None = None
    match step:
        case Step.DISCLAIMER:
            markup = keyboard([(texts.accept_button, _data("accept"))])
            question = texts.disclaimer_hint
        case Step.RED_FLAGS:
            markup = keyboard(
                [(texts.red_flags_none_button, _data("flags:none"))],
                [(texts.red_flags_some_button, _data("flags:some"))],
            )
            question = texts.red_flags
        case Step.CLEARANCE:
            markup = keyboard([(texts.cleared_button, _data("cleared"))])
            question = context.content.messages.safety.clearance
        case Step.CLEARANCE_CONFIRM:
            safety = context.content.messages.safety
            markup = keyboard(
                [(safety.confirm_yes_button, _data("confirm:yes"))],
                [(safety.confirm_no_button, _data("confirm:no"))],
            )
            question = safety.confirm
        case Step.BASELINE_PAIN:
            markup = pain_keyboard()
            question = texts.baseline_pain
        case Step.REMINDER_TIME:
            markup = time_keyboard()
            question = texts.reminder_time
        case Step.TIMEZONE:
            question = texts.timezone
    body = "\n\n".join(part for part in (lead, text or question) if part)
    if markup is not None:
        await send_menu(update, preferences, body, markup)
        return
    preferences.menu_message_id = None  # a reply keyboard: no inline buttons live
    await send(update, body, location_keyboard(context.content))


def _noted(context: BotContext, answer: Answer) -> str | None:
    """What the next question opens with: the reminder time, said back (a tap or a typed
    "7:30" shows no other sign that it was understood), or a welcome after clearance."""
    if isinstance(answer, Confirmed) and answer.yes:
        return context.content.messages.safety.welcome_back
    if isinstance(answer, Pain) and check_in_first(answer.rating):  # as severe pain anywhere
        return context.content.messages.onboarding.severe_noted
    if not isinstance(answer, ReminderAt):
        return None
    return render(context.content.messages.onboarding.time_noted, time=clock_time(answer.at))


def _question(context: BotContext, answer: Answer) -> str | None:
    """The next question's text, where the answer calls for another than the usual one."""
    texts = context.content.messages
    match answer:
        case RedFlags(present=True):
            return texts.onboarding.red_flags_advice
        case Confirmed(yes=False):
            return texts.safety.not_yet
    return None


async def on_button(update: Update, context: BotContext) -> None:
    """An onboarding button: the answer to the current question, if it still is."""
    account = await require_account(update, context)
    if account is None:
        return
    preferences = account.preferences
    query = live_query(update, preferences)
    button = OnboardingButton.decode(query.data or "") if query else None
    answer = BUTTON_ANSWERS.get(button.answer) if button else None
    step = preferences.onboarding_step
    if query is None or answer is None or step is None or not onboarding.fits(Step(step), answer):
        await expire(update, context)
        return
    await query.answer()
    await close_menu(query, preferences)
    await apply(update, context, preferences, answer)


async def on_typed(
    update: Update, context: BotContext, preferences: Preferences, text: str
) -> None:
    """A typed reply while onboarding: the answer, or a hint and the question again."""
    assert preferences.onboarding_step is not None
    step = Step(preferences.onboarding_step)
    answer = onboarding.interpret(step, text)
    if answer is not None:
        await apply(update, context, preferences, answer)
        return
    if step is Step.TIMEZONE and (choices := zone_choices(text)):  # "IST", "USA": which?
        question = render(context.content.messages.preferences.timezone_choice, text=shorten(text))
        await send_menu(update, preferences, question, zone_keyboard(choices))
        return
    await ask(update, context, preferences, step, hint(context, step, text))


def answered_early(preferences: Preferences) -> frozenset[Step]:
    """Questions answered before their turn (/time, /timezone or a location while setting
    up): not asked again. Someone who chose UTC itself early is asked for a zone once more."""
    early = set()
    if preferences.disclaimer_accepted_at is not None:
        early.add(Step.DISCLAIMER)
    if preferences.red_flags is not None:
        early.add(Step.RED_FLAGS)
    if preferences.reminder_time is not None:
        early.add(Step.REMINDER_TIME)
    if preferences.timezone != DEFAULT_ZONE:
        early.add(Step.TIMEZONE)
    return frozenset(early)


def hint(context: BotContext, step: Step, text: str) -> str:
    """What to say when a typed reply does not answer `step`."""
    texts = context.content.messages
    match step:
        case Step.DISCLAIMER if means_no(text):
            return texts.onboarding.disclaimer_declined
        case Step.DISCLAIMER:
            return texts.onboarding.disclaimer_hint
        case Step.RED_FLAGS:
            return texts.onboarding.red_flags_hint
        case Step.CLEARANCE:
            return texts.onboarding.clearance_hint
        case Step.CLEARANCE_CONFIRM:
            return texts.safety.confirm_hint
        case Step.BASELINE_PAIN:
            return texts.onboarding.pain_hint
        case Step.REMINDER_TIME:
            return render(texts.preferences.time_invalid, text=shorten(text))
        case Step.TIMEZONE:
            return render(texts.preferences.timezone_invalid, text=shorten(text))


async def apply(
    update: Update, context: BotContext, preferences: Preferences, answer: Answer
) -> None:
    """Store an answer, move to the next step, and ask it (or finish)."""
    assert preferences.onboarding_step is not None
    step = Step(preferences.onboarding_step)
    now = context.now()
    match answer:
        case Accepted():
            preferences.disclaimer_accepted_at = now
        case RedFlags(present=present):
            preferences.red_flags = ScreenAnswer.PRESENT if present else ScreenAnswer.NONE
            if present:
                await context.repo.safety.record(preferences.user_id, [(SCREEN, Tier.URGENT)], now)
        case Confirmed(yes=True):
            if (
                preferences.red_flags == ScreenAnswer.PRESENT
            ):  # the set-up screen's "yes": now cleared
                preferences.red_flags = ScreenAnswer.CLEARED
            await context.repo.safety.clear(preferences.user_id, now)
        case Pain(rating=rating):
            await context.repo.pain.record(preferences.user_id, rating, PainKind.BASELINE, now)
        case ReminderAt(at=at):
            preferences.reminder_time = at
        case Zone(name=name):
            preferences.timezone = name
    answered = answered_early(preferences)
    if isinstance(answer, Confirmed) and {Step.REMINDER_TIME, Step.TIMEZONE} <= answered:
        answered |= {Step.BASELINE_PAIN}  # set up before the flag: /today asks the pain
    following = onboarding.next_step(step, answer, answered)
    preferences.onboarding_step = following
    if following is not None:
        await ask(
            update, context, preferences, following, _question(context, answer),
            lead=_noted(context, answer),
        )  # fmt: skip
        return
    preferences.reminders_enabled = True
    texts = context.content.messages
    done = render(texts.onboarding.done, summary=summary(context.content, preferences))
    lead = _noted(context, answer)
    if lead is not None and not isinstance(answer, ReminderAt):
        done = f"{lead}\n\n{done}"
    if isinstance(answer, Zone):  # else the zone was set, and confirmed, earlier
        zone_line = render(
            texts.preferences.timezone_set,
            zone=preferences.timezone,
            local_time=local_moment(context.content, now, preferences.timezone),
        )
        done = f"{zone_line}\n\n{done}"
    await send(update, done, ReplyKeyboardRemove())
