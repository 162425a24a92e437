"""Message templates: Telegram-HTML texts with `{placeholders}`.

Checked when content is loaded, so an editor's slip (an unknown tag, a bare
`&`, a placeholder the code never fills) stops the bot at start-up instead of
surfacing as a `400 can't parse entities` in front of a user.
"""

from __future__ import annotations

import html
import re
import string
from dataclasses import dataclass
from typing import Any

from pydantic import GetCoreSchemaHandler
from pydantic_core import core_schema

# The tags Telegram's HTML parse mode accepts (DESIGN.md, "Telegram facts").
ALLOWED_TAGS = frozenset(
    {
        *("b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre"),
        *("tg-spoiler", "span", "blockquote", "tg-emoji"),
    }
)
_TOKEN = re.compile(
    r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s[^<>]*)?)>|&(#\d+|#x[0-9a-fA-F]+|lt|gt|amp|quot);|[<>&]"
)


class Html(str):
    """A fragment that is already safe Telegram HTML; `render` inserts it as is."""

    __slots__ = ()


def check_html(text: str) -> None:
    """Raise ValueError unless `text` is well-formed Telegram HTML."""
    open_tags: list[str] = []
    for match in _TOKEN.finditer(text):
        closing, tag, _attrs, entity = match.groups()
        if tag is None and entity is None:
            raise ValueError(
                f"bare {match.group()!r} at character {match.start()}: write "
                + {"<": "&lt;", ">": "&gt;", "&": "&amp;"}[match.group()]
            )
        if tag is None:
            continue
        tag = tag.lower()
        if tag not in ALLOWED_TAGS:
            raise ValueError(f"tag <{tag}> is not allowed by Telegram")
        if not closing:
            open_tags.append(tag)
        elif not open_tags or open_tags.pop() != tag:
            raise ValueError(f"</{tag}> does not close the tag opened before it")
    if open_tags:
        raise ValueError(f"<{open_tags[-1]}> is never closed")


def placeholders_of(text: str) -> set[str]:
    """The `{names}` a template uses; only plain names are allowed."""
    names = set()
    for _literal, field, spec, conversion in string.Formatter().parse(text):
        if field is None:
            continue
        if not field.isidentifier() or spec or conversion:
            raise ValueError(f"placeholder {{{field}}} must be a plain name like {{name}}")
        names.add(field)
    return names


@dataclass(frozen=True)
class Template:
    """Field marker: `Annotated[str, Template("name")]` is a checked HTML template
    that may use exactly these placeholders."""

    placeholders: tuple[str, ...] = ()

    def __init__(self, *placeholders: str) -> None:
        object.__setattr__(self, "placeholders", placeholders)

    def check(self, text: str) -> str:
        unknown = placeholders_of(text) - set(self.placeholders)
        if unknown:
            allowed = ", ".join(f"{{{p}}}" for p in self.placeholders) or "none"
            raise ValueError(f"unknown placeholder {{{sorted(unknown)[0]}}} (allowed: {allowed})")
        if not text.strip():
            raise ValueError("text is empty")
        self.check_markup(text.replace("{{", "").replace("}}", ""))
        return text

    def check_markup(self, text: str) -> None:
        check_html(text)

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(self.check, handler(source))


class Label(Template):
    """Field marker for a button label: plain text (no HTML), at most 64 characters."""

    def check_markup(self, text: str) -> None:
        if len(text) > 64:
            raise ValueError("a button label must be at most 64 characters")


def label(template: str, **values: object) -> str:
    """Fill a button label (plain text: nothing to escape)."""
    return template.format(**values)


def shorten(text: str, limit: int = 40) -> str:
    """A user's words, cut short enough to quote back in a reply."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "\N{HORIZONTAL ELLIPSIS}"


def render(template: str, **values: object) -> str:
    """Fill a template, escaping every value unless it is already `Html`."""
    safe = {
        key: value if isinstance(value, Html) else html.escape(str(value), quote=False)
        for key, value in values.items()
    }
    return template.format(**safe)
