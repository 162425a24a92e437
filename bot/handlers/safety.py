"""A red flag in anything typed: advice for its tier, and never an exercise.

Triage (bot/domain/triage.py, rules in content/triage.yaml) reads every typed
text first: `on_message` runs before every other handler (bot/app.py), for
messages, commands' words, captions and edits. On a flag this module answers.
Emergency and urgent flags stop an open session, are stored (rule, tier and
date, never the words), and hold the routine and reminders until the person
confirms, in two steps, that a professional has checked them (the clearance
steps of onboarding). A caution only stops an open session and says to ask a
professional first.
"""

from __future__ import annotations

from telegram import ReplyKeyboardRemove, Update
from telegram.ext import ApplicationHandlerStop

from bot.content.templates import label, render
from bot.db.models import Preferences
from bot.domain.onboarding import AWAITING_CLEARANCE, Step
from bot.domain.session import Outcome
from bot.domain.triage import Flag, Tier
from bot.handlers import session
from bot.handlers.accounts import find_account, register
from bot.handlers.menus import retire_live_menu, send
from bot.runtime.context import BotContext

OTHER_PART = "other_body_part"  # the caution that says what the bot does not cover
CRISIS = "self_harm"  # thoughts of suicide: crisis support, not back advice


async def on_message(update: Update, context: BotContext) -> None:
    """Triage, before every other handler: a red flag stops the update here."""
    message = update.effective_message
    text = (message.text or message.caption) if message is not None else None
    flag = context.content.triage.compiled.check(text) if text else None
    if flag is not None:
        await on_flag(update, context, flag)
        raise ApplicationHandlerStop


async def on_flag(update: Update, context: BotContext, flag: Flag) -> None:
    """Say what to do for the flag's tier; stop the session; hold what must wait."""
    texts = context.content.messages.safety
    account = await find_account(update, context)
    crisis = any(rule.id == CRISIS for rule in flag.deciding)
    holds = flag.tier.holds and not crisis  # crisis support is not about exercise
    if account is None and holds:  # before /start: remembered all the same
        account, _ = await register(update, context)
    parts = [advice(context, flag)]
    if account is not None:
        stopped = await _stop_session(context, account.preferences)
        if holds:
            setting_up = account.preferences.onboarding_step not in (None, *AWAITING_CLEARANCE)
            await _hold(context, account.preferences, flag)
            if setting_up:
                parts.append(texts.held_setup)
            else:
                parts.append(texts.held if stopped else texts.held_no_session)
    await send(update, "\n\n".join(parts), ReplyKeyboardRemove())


def advice(context: BotContext, flag: Flag) -> str:
    """The tier's advice, naming what the person said."""
    texts = context.content.messages.safety
    said = _names([rule.said for rule in flag.deciding], texts.said_and)
    number = context.services.settings.emergency_number or texts.emergency_number_unset
    if any(rule.id == CRISIS for rule in flag.deciding):  # thoughts of suicide come first
        return render(texts.crisis, number=number)
    match flag.tier:
        case Tier.EMERGENCY:
            return render(texts.emergency, said=said, number=number)
        case Tier.URGENT:
            return render(texts.urgent, said=said, number=number)
        case Tier.CAUTION:
            other_only = all(rule.id == OTHER_PART for rule in flag.deciding)
            return render(texts.other_part if other_only else texts.caution, said=said)
    raise AssertionError(flag.tier)


def _names(said: list[str], joined: str) -> str:
    """ "a", "a and b", "a, b and c" (each once)."""
    unique = list(dict.fromkeys(said))
    if len(unique) == 1:
        return unique[0]
    return label(joined, first=", ".join(unique[:-1]), second=unique[-1])


async def _stop_session(context: BotContext, preferences: Preferences) -> bool:
    """Stop an open session for safety; whether there was one."""
    row = await context.repo.sessions.latest_open(preferences.user_id)
    if row is not None:
        await session.coach(context).close(row, Outcome.SAFETY)
    return row is not None


async def _hold(context: BotContext, preferences: Preferences, flag: Flag) -> None:
    """Store the flags; no routine and no reminders until a professional clears them."""
    held = [(rule.id, rule.tier) for rule in flag.rules if rule.tier.holds]
    await context.repo.safety.record(preferences.user_id, held, context.now())
    await retire_live_menu(context, preferences)  # no button of an earlier question stays live
    preferences.awaiting = None  # (red_flags keeps the set-up screen's own answer)
    preferences.onboarding_step = Step.CLEARANCE
