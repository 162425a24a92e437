"""Reads content/*.yaml and refuses a bad edit with the file, line, entry and reason."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from bot.content.chat import ChatFile
from bot.content.models import Content, ExerciseCatalogue, Messages
from bot.content.poses import PosesFile
from bot.content.triage import TriageFile
from bot.resources import resource_path

Model = TypeVar("Model", bound=BaseModel)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's, where PyYAML has it
Location = tuple[str | int, ...]


class ContentError(Exception):
    """A content file is missing or invalid; the message says where and why."""


def load_content(directory: Path | None = None) -> Content:
    """Load and validate every content file (the shipped ones by default)."""
    folder = directory or resource_path("content")
    catalogue = _load(folder / "exercises.yaml", ExerciseCatalogue)
    # Every exercise has a motion, and every motion an exercise.
    known = {"exercise_ids": [exercise.id for exercise in catalogue.exercises]}
    return Content(
        catalogue=catalogue,
        messages=_load(folder / "messages.yaml", Messages),
        triage=_load(folder / "triage.yaml", TriageFile),
        chat=_load(folder / "chat.yaml", ChatFile),
        motions=_load(folder / "poses.yaml", PosesFile, known).by_exercise(),
    )


def _load(path: Path, model: type[Model], context: dict[str, Any] | None = None) -> Model:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ContentError(f"{path}: cannot be read ({error.strerror})") from None
    try:
        data = yaml.load(text, Loader=_LOADER)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}, line {mark.line + 1}" if mark else str(path)
        raise ContentError(f"{where}: not valid YAML: {getattr(error, 'problem', error)}") from None
    try:
        return model.model_validate(data if data is not None else {}, context=context)
    except ValidationError as error:
        first = error.errors()[0]
        location: Location = tuple(first["loc"])
        root = yaml.compose(text, Loader=yaml.SafeLoader)  # for line numbers, on errors only
        nodes = _index(root) if root is not None else {}
        line = _line_of(nodes, location)
        entry = _entry_of(data, location)
        field = ".".join(str(part) for part in location) or "(top level)"
        message = first["msg"].removeprefix("Value error, ")
        raise ContentError(f"{path}, line {line}{entry}: {field}: {message}") from None


def _index(node: yaml.Node, location: Location = ()) -> dict[Location, int]:
    """Map every key path in the YAML document to its 1-based line number."""
    lines = {location: node.start_mark.line + 1}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = (*location, str(key.value))
            lines.update(_index(value, child))
            lines[child] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for position, item in enumerate(node.value):
            lines.update(_index(item, (*location, position)))
    return lines


def _line_of(lines: dict[Location, int], location: Location) -> int:
    """The line of the deepest part of `location` that exists in the file."""
    for end in range(len(location), -1, -1):
        if location[:end] in lines:
            return lines[location[:end]]
    return 1


def _entry_of(data: Any, location: Location) -> str:
    """Name the list entry an error is in (", entry 'bridge'"), by its id or exercise."""
    node = data
    entry = ""
    for part in location:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(part, int) and isinstance(node, dict):
            key = next((key for key in ("id", "exercise") if key in node), None)  # poses.yaml
            if key is not None:
                entry = f", entry {node[key]!r}"
    return entry
