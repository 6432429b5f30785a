"""Reading user input files (scenarios, experiments) and explaining what is wrong with them.

Every problem becomes one paragraph naming the file, the key path, the line and what is valid;
`InputError` subclasses carry it to the command line, which prints it and exits 2.
"""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

#: Where each key path of a file was written: (file, line or None).
LineMap = dict[tuple, tuple[str, int | None]]


class InputError(Exception):
    """A user's input that cannot be used. The message is one paragraph for the user."""


#: Limits of an input file: scenario and experiment files are a few kilobytes, a few levels deep.
MAX_INPUT_BYTES = 1_000_000
MAX_INPUT_DEPTH = 32


def _read_text(path: Path, what: str, error: type[InputError]) -> str:
    """The file as UTF-8 text, refused cleanly if it is too large, binary, not UTF-8, or YAML
    that would blow up when loaded (aliases, which expand without bound; deep nesting)."""
    size = path.stat().st_size
    if size > MAX_INPUT_BYTES:
        raise error(
            f"{what} {path} is {size:,} bytes; an input file is text of at most "
            f"{MAX_INPUT_BYTES:,} bytes. Check that the path names the file you meant."
        )
    data = path.read_bytes()
    if b"\x00" in data:
        raise error(f"{what} {path} is a binary file, not YAML text; valid: a UTF-8 text file.")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise error(
            f"{what} {path}, line {line}: not UTF-8 text (byte {err.start}); save the file as "
            "UTF-8 (Chinese text included)."
        ) from None
    depth = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                line = event.start_mark.line + 1
                raise error(
                    f"{what} {path}, line {line}: YAML anchors and aliases (&name, *name) are "
                    "not accepted in input files; write the values out."
                )
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_INPUT_DEPTH:
                    raise error(
                        f"{what} {path}, line {event.start_mark.line + 1}: nested more than "
                        f"{MAX_INPUT_DEPTH} levels deep; an input file is a few levels deep."
                    )
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.MarkedYAMLError:
        pass  # reported with its line by the loader below
    return text


def read_yaml(path: Path, what: str, error: type[InputError], example: str) -> tuple[dict, LineMap]:
    """A YAML mapping and the line of every key in it; `what` names the kind of file."""
    if not path.is_file():
        raise error(
            f"{what} {path} does not exist or is not a file (looked in "
            f"{path.resolve()}). Valid: a path to a YAML file such as {example}."
        )
    text = _read_text(path, what, error)
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = f", line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise error(
            f"{what} {path}{line}: not valid YAML ({err.problem}). Check indentation "
            "and that every 'key: value' has a space after the colon."
        ) from None
    if not isinstance(data, dict):
        raise error(
            f"{what} {path}: the file must be a YAML mapping of keys, not {type(data).__name__}."
        )
    lines: LineMap = {}
    _collect_lines(node, (), lines, path, what, error)
    return data, lines


def _collect_lines(
    node: yaml.Node, prefix: tuple, lines: LineMap, path: Path, what: str, error: type[InputError]
) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = key_node.value
            if key in seen:
                raise error(
                    f"{what} {path}, line {key_node.start_mark.line + 1}, key "
                    f"'{'.'.join(map(str, (*prefix, key)))}': given twice; each key may "
                    "appear once."
                )
            seen.add(key)
            lines[(*prefix, key)] = (str(path), key_node.start_mark.line + 1)
            _collect_lines(value_node, (*prefix, key), lines, path, what, error)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            lines[(*prefix, i)] = (str(path), item.start_mark.line + 1)
            _collect_lines(item, (*prefix, i), lines, path, what, error)


def validate(
    schema: type[BaseModel],
    data: Mapping[str, Any],
    lines: LineMap,
    source: str,
    what: str,
    error: type[InputError],
) -> Any:
    """`schema.model_validate(data)`, or `error` with every problem described."""
    try:
        return schema.model_validate(data)
    except ValidationError as err:
        problems = [describe(e, lines, source, schema) for e in err.errors()]
        raise error(f"{what} {source} is not valid: " + "; ".join(problems) + ".") from None


def describe(error: Mapping[str, Any], lines: LineMap, source: str, schema: type[BaseModel]) -> str:
    """One pydantic error as 'file, line, key: what is wrong; what is valid'."""
    loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and p.startswith("function-")))
    key = ".".join(map(str, loc)) or "(top level)"
    file, line = where(loc, lines, source)
    place = f"{file}" + (f", line {line}" if line else "") + f", key '{key}'"
    kind = error["type"]
    if kind == "extra_forbidden":
        valid = valid_keys(schema, loc[:-1])
        hint = difflib.get_close_matches(str(loc[-1]), valid, n=1)
        guess = f" (did you mean '{hint[0]}'?)" if hint else ""
        return f"{place}: unknown key{guess}; valid keys here: {', '.join(valid)}"
    info = field_info(schema, loc)
    meaning = f" — {info.description}" if info is not None and info.description else ""
    if kind == "missing":
        return f"{place}: required but missing{meaning}"
    got = error.get("input")
    shown = "" if isinstance(got, dict | list) else f", got {got!r}"
    return f"{place}: {error['msg'].removeprefix('Value error, ')}{shown}{meaning}"


def where(loc: tuple, lines: LineMap, source: str) -> tuple[str, int | None]:
    """The file and line that wrote `loc`, or its nearest written parent."""
    for n in range(len(loc), 0, -1):
        if loc[:n] in lines:
            return lines[loc[:n]]
    return source, None


def model_at(schema: type[BaseModel], loc: tuple) -> type[BaseModel] | None:
    """The schema model that the key path `loc` points into (None past a leaf)."""
    current: Any = schema
    for part in loc:
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        field = current.model_fields.get(str(part))
        if field is None:
            return None
        current = _unwrap(field.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            if isinstance(arg, type) and issubclass(arg, BaseModel):
                return arg
    return annotation


def valid_keys(schema: type[BaseModel], loc: tuple) -> list[str]:
    model = model_at(schema, loc)
    return list(model.model_fields) if model is not None else []


def field_info(schema: type[BaseModel], loc: tuple) -> Any:
    """The pydantic FieldInfo at key path `loc`, or None."""
    if not loc:
        return None
    parent = model_at(schema, loc[:-1])
    return parent.model_fields.get(str(loc[-1])) if parent is not None else None
