"""The Python data types against the core's serde types.

Every type of ``tests/types/core_types.json`` (generated from the core by
``core/tests/core_types.rs``) must be in ``erasekit.types`` under its name: a TypedDict with
the same keys, the same of them required (``__required_keys__``/``__optional_keys__``), a
Union of such with the same variants, or a ``Literal`` with the same strings. Naming rules and
the rows that do not hold yet: ``tests/types/hosts.json``.
"""

from __future__ import annotations

import json
import typing
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints

import pytest

import erasekit.types

ROOT = Path(__file__).resolve().parents[2]
CORE: dict[str, Any] = json.loads((ROOT / "tests/types/core_types.json").read_text())["types"]
HOSTS: dict[str, Any] = json.loads((ROOT / "tests/types/hosts.json").read_text())
RULES: dict[str, Any] = HOSTS["python"]


def _is_typeddict(value: object) -> bool:
    return isinstance(value, type) and typing.is_typeddict(value)


def _fields(td: Any) -> dict[str, str]:
    required = {k: "required" for k in td.__required_keys__}
    return {**required, **{k: "optional" for k in td.__optional_keys__}}


def _literals(value: object) -> list[str] | None:
    """The strings of a ``Literal`` (or a Union of them), else None."""
    if get_origin(value) is Literal:
        args = get_args(value)
        return [a for a in args] if all(isinstance(a, str) for a in args) else None
    if get_origin(value) is Union:
        out: list[str] = []
        for arg in get_args(value):
            strings = _literals(arg)
            if strings is None:
                return None
            out.extend(strings)
        return out
    return None


def _compare(label: str, want: dict[str, str], got: dict[str, str], problems: list[str]) -> None:
    for key, how in want.items():
        if key not in got:
            problems.append(f"{label}: missing key {key} ({how} in the core)")
        elif got[key] != how:
            problems.append(f"{label}: {key} is {got[key]}, {how} in the core")
    problems.extend(f"{label}: key {key} is not in the core" for key in got if key not in want)


def _deviations(spec: dict[str, Any], host_name: str) -> list[str]:
    """What differs between the core's type and ``erasekit.types.<host_name>`` (empty: none)."""
    value = getattr(erasekit.types, host_name, None)
    if value is None:
        return [f"{host_name}: not in erasekit.types"]
    problems: list[str] = []
    if "values" in spec:
        strings = _literals(value)
        if strings is None:
            return [f"{host_name}: not a Literal of strings"]
        want = set(spec["values"])
        problems += [f'{host_name}: missing "{v}"' for v in sorted(want - set(strings))]
        problems += [f'{host_name}: "{v}" is not in the core' for v in sorted(set(strings) - want)]
        return problems
    if "fields" in spec:
        if not _is_typeddict(value):
            return [f"{host_name}: not a TypedDict"]
        _compare(host_name, spec["fields"], _fields(value), problems)
        return problems
    # A tagged union: a Union of TypedDicts, or one TypedDict with every variant's keys.
    if _is_typeddict(value):
        _compare(host_name, spec["collapsed"], _fields(value), problems)
        return problems
    if get_origin(value) is not Union or not all(_is_typeddict(a) for a in get_args(value)):
        return [f"{host_name}: neither a TypedDict nor a Union of TypedDicts"]
    tag, variants = spec["tag"], spec["variants"]
    seen = set()
    for member in get_args(value):
        tags = _literals(get_type_hints(member).get(tag))
        if tags is None or len(tags) != 1:
            problems.append(f'{host_name}: variant {member.__name__} has no single Literal "{tag}"')
            continue
        seen.add(tags[0])
        if tags[0] not in variants:
            problems.append(f'{host_name}: variant {tag}="{tags[0]}" is not in the core')
        else:
            _compare(f"{host_name}[{tags[0]}]", variants[tags[0]], _fields(member), problems)
    problems += [f'{host_name}: missing variant {tag}="{v}"' for v in variants if v not in seen]
    return problems


@pytest.mark.parametrize("name", sorted(CORE))
def test_core_type_matches(name: str) -> None:
    if name in RULES["not_declared"]:
        pytest.skip(RULES["not_declared"][name])
    host_name = HOSTS["data_forms"]["names"].get(name, name)
    problems = _deviations(CORE[name], host_name)
    if name in RULES["pending"]:
        assert problems, f"{name} now matches the core: remove it from pending in tests/types/hosts.json"
        return
    assert problems == [], f"{name} differs from the core (tests/types/core_types.json)"


def test_every_pending_or_excused_row_names_a_core_type() -> None:
    for key in [*RULES["pending"], *RULES["not_declared"]]:
        assert key == "about" or key in CORE, f"tests/types/hosts.json names {key}, not a core type"


def test_the_check_fails_when_the_core_gains_a_field_a_variant_or_a_value() -> None:
    tombstone = json.loads(json.dumps(CORE["Tombstone"]))
    tombstone["fields"]["restored_at"] = "optional"
    tombstone["fields"]["receipt_id"] = "optional"
    assert _deviations(tombstone, "Tombstone") == [
        "Tombstone: receipt_id is required, optional in the core",
        "Tombstone: missing key restored_at (optional in the core)",
    ]
    event = json.loads(json.dumps(CORE["JobEvent"]))
    event["variants"]["paused"] = {"event": "required", "at": "required"}
    assert 'JobEvent: missing variant event="paused"' in _deviations(event, "JobEvent")
    terminal = {"values": [*CORE["Terminal"]["values"], "paused"]}
    assert _deviations(terminal, "Terminal") == ['Terminal: missing "paused"']
    assert _deviations(CORE["Counts"], "NoSuchType") == ["NoSuchType: not in erasekit.types"]
