"""Telegram's HTML parse mode, as strictly as the real Bot API parses it.

Only the documented tags and entities are accepted; a stray `<` or `&`, an
unknown tag or a tag closed out of order is refused with the same kind of
"can't parse entities" error the real server gives, so a missing escape in
the bot shows up in a test instead of in a user's chat.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

TAGS = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
    "ins": "underline", "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
    "tg-spoiler": "spoiler", "span": "spoiler", "a": "text_link", "code": "code", "pre": "pre",
    "blockquote": "blockquote", "tg-emoji": "custom_emoji",
}  # fmt: skip
NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}

_TAG = re.compile(
    r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)"
    r"((?:\s+[a-zA-Z-]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>\"']+))?)*)\s*>"
)
_ATTRIBUTE = re.compile(r"([a-zA-Z-]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>\"']+)))?")
_ENTITY = re.compile(r"&(?:(lt|gt|amp|quot)|#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6}));")


_PLAIN = re.compile(r"[^<&]+")


class HtmlError(ValueError):
    """The text is not valid Telegram HTML (the message is the API's description)."""


@dataclass
class _Open:
    tag: str
    offset: int
    attributes: dict[str, str]


def utf16_length(text: str) -> int:
    """Telegram measures offsets and lengths in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode())


def _unescape(value: str) -> str:
    return _ENTITY.sub(lambda m: _entity_text(m), value)


def _entity_text(match: re.Match[str]) -> str:
    named, decimal, hexadecimal = match.groups()
    if named:
        return NAMED_ENTITIES[named]
    return chr(int(decimal) if decimal else int(hexadecimal, 16))


def parse_html(text: str) -> tuple[str, list[dict[str, object]]]:
    """Return the plain text and its entities, or raise HtmlError."""
    plain: list[str] = []
    length = 0  # of the plain text so far, in UTF-16 units
    entities: list[dict[str, object]] = []
    stack: list[_Open] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "<":
            match = _TAG.match(text, index)
            if match is None:
                raise HtmlError(
                    'Bad Request: can\'t parse entities: unexpected "<" (escape it as &lt;) '
                    f"at byte offset {_byte_offset(text, index)}"
                )
            closing, name, raw_attributes = match.groups()
            name = name.lower()
            if name not in TAGS:
                raise HtmlError(
                    f'Bad Request: can\'t parse entities: Unsupported start tag "{name}" '
                    f"at byte offset {_byte_offset(text, index)}"
                )
            if closing:
                if not stack or stack[-1].tag != name:
                    expected = f'"</{stack[-1].tag}>"' if stack else "no end tag"
                    raise HtmlError(
                        "Bad Request: can't parse entities: Unmatched end tag at byte offset "
                        f'{_byte_offset(text, index)}, expected {expected}, found "</{name}>"'
                    )
                opened = stack.pop()
                if length > opened.offset:
                    entities.append(_entity(opened, length))
            else:
                attributes = {
                    key.lower(): _unescape(next((v for v in values if v is not None), ""))
                    for key, *values in _ATTRIBUTE.findall(raw_attributes)
                }
                if name == "a" and "href" not in attributes:
                    raise HtmlError("Bad Request: can't parse entities: <a> needs an href")
                if name == "span" and attributes.get("class") != "tg-spoiler":
                    raise HtmlError(
                        'Bad Request: can\'t parse entities: Tag "span" must have class '
                        '"tg-spoiler"'
                    )
                stack.append(_Open(name, length, attributes))
            index = match.end()
            continue
        if char == "&":
            match = _ENTITY.match(text, index)
            if match is None:
                raise HtmlError(
                    'Bad Request: can\'t parse entities: unexpected "&" (escape it as &amp;) '
                    f"at byte offset {_byte_offset(text, index)}"
                )
            piece = _entity_text(match)
            index = match.end()
        else:  # a run of plain text, up to the next tag or entity
            run = _PLAIN.match(text, index)
            assert run is not None  # `char` itself is plain
            piece = run.group()
            index = run.end()
        plain.append(piece)
        length += utf16_length(piece)
    if stack:
        raise HtmlError(
            "Bad Request: can't parse entities: Can't find end tag corresponding to start tag "
            f'"{stack[-1].tag}"'
        )
    entities.sort(key=lambda entity: (entity["offset"], -int(str(entity["length"]))))
    return "".join(plain), entities


def _entity(opened: _Open, end: int) -> dict[str, object]:
    entity: dict[str, object] = {
        "type": TAGS[opened.tag],
        "offset": opened.offset,
        "length": end - opened.offset,
    }
    if opened.tag == "a":
        entity["url"] = opened.attributes["href"]
    if opened.tag == "pre" and "language" in opened.attributes:
        entity["language"] = opened.attributes["language"]
    if opened.tag == "blockquote" and "expandable" in opened.attributes:
        entity["type"] = "expandable_blockquote"
    if opened.tag == "tg-emoji":
        entity["custom_emoji_id"] = opened.attributes.get("emoji-id", "")
    return entity
