"""The published Bot API as data: the methods, their parameters and the types they take.

The emulator checks each request against it, when given one (the tests give it
tests/data/botapi/api-10.1.json; the demo runs without). The real API ignores a
misspelled optional parameter, so a typo there would pass every test and then
silently do nothing in production; here it is a refusal. The file's format is
the one scraped by telegram-bot-api-spec: {"methods": {name: {"fields": [...]}},
"types": {name: {"fields": [...]} or {"subtypes": [...]}}}, each field with its
"name", "types" (such as "Integer", "Array of Array of KeyboardButton") and
"required".

Values arrive as python-telegram-bot sends them: as form text (numbers and
booleans as text, objects and lists as JSON text) or as a JSON body, and files
as multipart parts named after the parameter or referred to as attach://<name>.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ARRAY = "Array of "
INTEGER = re.compile(r"[+-]?\d+")
BOOLEAN_TEXTS = {"true", "false", "1", "0"}  # as the real API reads form text
CALLBACK_DATA_BYTES = range(1, 65)
# InlineKeyboardButton: "Exactly one of the fields other than text, icon_custom_emoji_id,
# and style must be used to specify the type of the button."
BUTTON_LOOKS = {"text", "icon_custom_emoji_id", "style"}
# KeyboardButton: "For simple text buttons, String can be used instead of this object."
TEXT_WILL_DO = {"KeyboardButton"}


@dataclass(frozen=True)
class Field:
    """One parameter of a method, or one field of a type."""

    types: tuple[str, ...]
    required: bool


Fields = dict[str, Field]


def _fields(entry: Mapping[str, Any]) -> Fields:
    return {
        field["name"]: Field(tuple(field["types"]), bool(field["required"]))
        for field in entry.get("fields", [])
    }


class BotApiSpec:
    """What the published Bot API accepts; `request_problems` says what a request gets wrong."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.version = str(data.get("version", ""))
        self._names = {name.lower(): name for name in data["methods"]}
        self._methods = {name.lower(): _fields(entry) for name, entry in data["methods"].items()}
        self._types = {name: _fields(entry) for name, entry in data["types"].items()}
        self._subtypes: dict[str, tuple[str, ...]] = {
            name: tuple(entry["subtypes"])
            for name, entry in data["types"].items()
            if entry.get("subtypes")
        }

    @classmethod
    def load(cls, path: Path) -> BotApiSpec:
        return cls(json.loads(path.read_text(encoding="utf-8")))

    def has_method(self, method: str) -> bool:
        """Method names are case-insensitive, as in the real API."""
        return method.lower() in self._methods

    def request_problems(
        self, method: str, parameters: Mapping[str, Any], files: Collection[str]
    ) -> list[str]:
        """Everything wrong with a call of `method`: [] if the published API allows it.

        `parameters` are as received (form text or JSON values); `files` names the
        multipart parts that carried a file.
        """
        fields = self._methods.get(method.lower())
        if fields is None:
            return [f"unknown method {method}{_hint(method, self._names.values())}"]
        return [
            *_unknown_parameters(parameters, files, fields),
            *_missing_parameters({*parameters, *files}, fields),
            *self._file_problems(files, fields),
            *self._parameter_problems(parameters, files, fields),
        ]

    def _file_problems(self, files: Collection[str], fields: Fields) -> list[str]:
        return [
            f"{name} cannot be a file upload (it takes {_either(fields[name].types)})"
            for name in files
            if name in fields and "InputFile" not in fields[name].types
        ]

    def _parameter_problems(
        self, parameters: Mapping[str, Any], files: Collection[str], fields: Fields
    ) -> list[str]:
        problems: list[str] = []
        for name, value in parameters.items():
            if name in fields and name not in files:
                problems += self._value_problems(value, fields[name].types, name, top=True)
        return problems

    def _value_problems(
        self, value: Any, types: Sequence[str], where: str, top: bool = False
    ) -> list[str]:
        """What is wrong with `value` as any one of `types`: the closest type's problems,
        or a single "must be" if the value is not even of a fitting kind. The closest
        type is the one whose own fields fit best, then the one with fewest problems."""
        attempts = [self._type_problems(value, kind, where, top) for kind in types]
        fitting = [problems for problems in attempts if problems is not None]
        if not fitting:
            return [f"{where} must be {_either(types)}, not {_shown(value)}"]
        own = f"{where} ("  # how the problems with the object's own fields begin
        return min(fitting, key=lambda found: (sum(p.startswith(own) for p in found), len(found)))

    def _type_problems(self, value: Any, kind: str, where: str, top: bool) -> list[str] | None:
        """None if `value` is not of the kind at all, else the problems inside it."""
        if top and isinstance(value, str):
            return self._form_text_problems(value, kind, where)
        if kind.startswith(ARRAY):
            return self._array_problems(value, kind.removeprefix(ARRAY), where)
        if isinstance(value, str) and kind in TEXT_WILL_DO:
            return []
        if not isinstance(value, dict):
            return [] if _is_json_scalar(value, kind) else None
        if kind in self._subtypes:
            return self._value_problems(value, self._subtypes[kind], where)
        if kind in self._types:
            return self._object_problems(value, kind, where)
        return None

    def _form_text_problems(self, text: str, kind: str, where: str) -> list[str] | None:
        """A parameter sent as form text: a number, a boolean, a string or JSON."""
        if _is_scalar(kind):
            return _text_problems(text, kind)
        try:
            value = json.loads(text)
        except ValueError:
            return None
        return self._type_problems(value, kind, where, top=False)

    def _array_problems(self, value: Any, item: str, where: str) -> list[str] | None:
        if not isinstance(value, list):
            return None
        problems: list[str] = []
        for index, element in enumerate(value):
            problems += self._value_problems(element, [item], f"{where}[{index}]")
        return problems

    def _object_problems(self, value: dict[str, Any], kind: str, where: str) -> list[str]:
        fields = self._types[kind]
        problems = [
            f"{where} ({kind}) has unknown field {name}{_hint(name, fields)}"
            for name in value
            if name not in fields
        ]
        problems += [
            f"{where} ({kind}) lacks required field {name}"
            for name, field in fields.items()
            if field.required and name not in value
        ]
        for name, element in value.items():
            if name in fields:
                problems += self._value_problems(element, fields[name].types, f"{where}.{name}")
        if kind == "InlineKeyboardButton":
            problems += _button_problems(value, where, fields)
        return problems


def _unknown_parameters(
    parameters: Mapping[str, Any], files: Collection[str], fields: Fields
) -> list[str]:
    texts = json.dumps(list(parameters.values()), default=str)
    attached = {name for name in files if f"attach://{name}" in texts}
    return [
        f"unknown parameter {name}{_hint(name, fields)}"
        for name in [*parameters, *files]
        if name not in fields and name not in attached
    ]


def _missing_parameters(present: Collection[str], fields: Fields) -> list[str]:
    return [
        f"parameter {name} is required"
        for name, field in fields.items()
        if field.required and name not in present
    ]


def _button_problems(button: dict[str, Any], where: str, fields: Fields) -> list[str]:
    problems: list[str] = []
    data = button.get("callback_data")
    if isinstance(data, str) and len(data.encode()) not in CALLBACK_DATA_BYTES:
        problems.append(
            f"{where}.callback_data is {len(data.encode())} bytes, not 1-64: BUTTON_DATA_INVALID"
        )
    if len(set(button) & set(fields) - BUTTON_LOOKS) != 1:
        problems.append(
            f"{where} needs exactly one action besides its text (url, callback_data...)"
        )
    return problems


def _is_scalar(kind: str) -> bool:
    return kind in {"String", "Integer", "Float", "Boolean", "InputFile"}


def _text_problems(text: str, kind: str) -> list[str] | None:
    """A form text as a scalar: what PTB sends for numbers and booleans is their JSON."""
    fits = {
        "String": True,
        "Integer": INTEGER.fullmatch(text) is not None,
        "Float": _is_float(text),
        "Boolean": text.lower() in BOOLEAN_TEXTS,
        "InputFile": False,  # files come as multipart parts, not as text
    }[kind]
    return [] if fits else None


def _is_float(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _is_json_scalar(value: Any, kind: str) -> bool:
    if isinstance(value, bool):
        return kind == "Boolean"
    if isinstance(value, int):
        return kind in {"Integer", "Float"}
    if isinstance(value, float):
        return kind == "Float"
    return isinstance(value, str) and kind == "String"


def _either(types: Iterable[str]) -> str:
    return " or ".join(types)


def _shown(value: Any) -> str:
    shown = json.dumps(value, ensure_ascii=False, default=str)
    return shown if len(shown) <= 60 else shown[:57] + "..."


def _hint(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1)
    return f" (did you mean {close[0]}?)" if close else ""
