"""The scenario schema and its loader.

A scenario file is YAML: `name`, `description`, optionally `extends:` (another scenario file,
relative to this one) and values that override what it extends. `scenarios/baseline.yaml` holds
the whole world, so it is the one place where values live; every other file is a small diff.

Each field says its unit and meaning, and whether it is a **lever** (what governments choose),
an **uncertainty** (behaviour we do not know) or **structure** (facts about the world); sources
of the values are given beside them in the YAML files. Loading validates everything before
anything is built, and a bad file raises `ScenarioError` with one paragraph naming the file, the
key path, the line and what is valid.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from model.scenario.inputs import InputError, LineMap, read_yaml, validate
from model.scenario.root import POLICY_SECTIONS, Scenario

#: The project's scenario files, which any scenario may extend.
PACKAGED_SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
SCENARIO_SUFFIXES = (".yaml", ".yml")


class ScenarioError(InputError):
    """A scenario that cannot be used. The message is one paragraph for the user."""


def load_scenario(path: str | Path, overrides: Mapping[str, Any] | None = None) -> Scenario:
    """Read a scenario file, resolve `extends`, apply dotted-key overrides and validate.

    `extends` and `before_start` may name only scenario files (.yaml or .yml) in the folder of
    the file loaded (or below it) or among the project's scenarios: a scenario cannot make the
    tool read, or repeat in an error, any other file on the machine."""
    path = Path(path)
    roots = (path.resolve().parent, PACKAGED_SCENARIOS)
    data, lines = _read_resolved(path, chain=(), roots=roots)
    if overrides:
        apply_overrides(data, lines, overrides, str(path))
    _resolve_before_start(data, lines, roots)
    return validate_scenario(data, lines, str(path))


def _check_reachable(target: Path, named: str, where: str, roots: tuple[Path, ...]) -> None:
    """Refuse a referenced file outside the allowed folders or not a scenario file, before it
    is read (the message names the reference, never the file's content)."""
    resolved = target.resolve()
    inside = any(resolved.is_relative_to(root) for root in roots)
    if resolved.suffix.lower() not in SCENARIO_SUFFIXES or not inside:
        raise ScenarioError(
            f"{where}: '{named}' is not allowed; valid: a scenario file (.yaml or .yml) in "
            f"{roots[0]} or below it, or one of the project's scenarios in {roots[1]} "
            "(e.g. ../scenarios/policy_2019.yaml from a folder beside it)."
        )


def _resolve_before_start(data: dict, lines: LineMap, roots: tuple[Path, ...]) -> None:
    """`before_start: FILE` -> the policy sections of that scenario file (relative to the file
    that names it), so that a resolved scenario carries them and loads back on its own."""
    named = data.get("before_start")
    if not isinstance(named, str):
        return
    source, line = lines.get(("before_start",), (None, None))
    here = Path(source) if source and Path(source).is_file() else None
    path = (here.parent / named) if here else Path(named)
    where = f"{source or 'scenario'}, line {line}, key 'before_start'"
    _check_reachable(path, named, where, roots)
    if not path.is_file():
        raise ScenarioError(
            f"{where}: the file '{named}' does not exist (looked for {path.resolve()}); valid: "
            "a scenario file, relative to the file that names it, whose policy is in force "
            "during the spin-up (or leave before_start out for the scenario's own policy)."
        )
    base, base_lines = _read_resolved(path, chain=(), roots=roots)
    data["before_start"] = {name: base.get(name) for name in POLICY_SECTIONS}
    for key, place in base_lines.items():
        if key and key[0] in POLICY_SECTIONS:
            lines[("before_start", *key)] = place


def _read_resolved(
    path: Path, chain: tuple[Path, ...], roots: tuple[Path, ...]
) -> tuple[dict, LineMap]:
    data, lines = read_yaml(path, "Scenario file", ScenarioError, "scenarios/baseline.yaml")
    if "name" not in data:
        raise ScenarioError(
            f"Scenario file {path} has no 'name': every scenario file needs "
            "its own short name (and a one-sentence 'description')."
        )
    parent = data.pop("extends", None)
    if parent is None:
        return data, lines
    where = lines.get(("extends",), (str(path), None))[1]
    if not isinstance(parent, str):
        raise ScenarioError(
            f"Scenario file {path}, line {where}, key 'extends': must be the "
            f"path of another scenario file (relative to this one), got "
            f"{parent!r}."
        )
    parent_path = (path.parent / parent).resolve()
    _check_reachable(
        parent_path, parent, f"Scenario file {path}, line {where}, key 'extends'", roots
    )
    if parent_path in chain or parent_path == path.resolve():
        raise ScenarioError(
            f"Scenario file {path}, line {where}, key 'extends': '{parent}' "
            "extends itself (a cycle through "
            + " -> ".join(str(p) for p in (*chain, parent_path))
            + ")."
        )
    if not parent_path.is_file():
        raise ScenarioError(
            f"Scenario file {path}, line {where}, key 'extends': the file "
            f"'{parent}' does not exist (looked for {parent_path}); valid: a "
            "path to a scenario file relative to this file's folder."
        )
    base, base_lines = _read_resolved(parent_path, chain=(*chain, path.resolve()), roots=roots)
    base.pop("description", None)  # each file describes itself
    return _deep_merge(base, data), {**base_lines, **lines}


def _deep_merge(base: dict, override: dict) -> dict:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def apply_overrides(data: dict, lines: LineMap, overrides: Mapping[str, Any], where: str) -> None:
    for dotted, value in overrides.items():
        keys = dotted.split(".")
        node = data
        for depth, key in enumerate(keys[:-1]):
            if not isinstance(node.get(key), dict):
                raise ScenarioError(
                    f"Override '{dotted}' for {where}: '{'.'.join(keys[: depth + 1])}' is not a "
                    f"section of the scenario. Valid sections here: "
                    f"{', '.join(k for k, v in node.items() if isinstance(v, dict)) or 'none'}."
                )
            node = node[key]
        node[keys[-1]] = value
        lines[tuple(keys)] = (f"override '{dotted}'", None)


def validate_scenario(data: dict, lines: LineMap, source: str) -> Scenario:
    return validate(Scenario, data, lines, source, "Scenario", ScenarioError)
