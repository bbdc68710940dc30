"""The package's public surface against the one table both languages pass.

``tests/api/surface.json`` (built to the lead's DECISIONS for issue 10) lists every public
class with its methods, properties and static methods, every function, constant and the
``capture`` namespace, in snake_case. This walks what ``erasekit.__all__`` really holds and
fails on every name missing or extra, or of another kind, that the table's ``pending``
section does not list. The data types (TypedDicts, aliases) are checked against the core by
``test_core_types.py`` instead.
"""

from __future__ import annotations

import inspect
import json
import os
import typing
from pathlib import Path
from typing import Any

import erasekit

ROOT = Path(__file__).resolve().parents[2]
TABLE: dict[str, Any] = json.loads((ROOT / "tests/api/surface.json").read_text())
HOST = "python"
LISTS = {
    "static": "static",
    "properties": "property",
    "methods": "method",
    "functions": "function",
    "constants": "constant",
}


def _is_type(value: object) -> bool:
    """A data type (TypedDict or a typing alias such as a Union): not runtime API."""
    if isinstance(value, type) and typing.is_typeddict(value):
        return True
    return typing.get_origin(value) is not None


def _members(cls: type) -> dict[str, str]:
    out: dict[str, str] = {}
    for name in dir(cls):
        if name.startswith("_") or name in vars(object):
            continue
        raw = inspect.getattr_static(cls, name)
        kind = type(raw).__name__
        if isinstance(raw, (staticmethod, classmethod)) or kind in (
            "builtin_function_or_method",
            "classmethod_descriptor",
        ):
            out[name] = "static"
        elif isinstance(raw, property) or kind in ("getset_descriptor", "member_descriptor"):
            out[name] = "property"
        else:
            out[name] = "method"
    return out


def walk() -> dict[str, dict[str, Any]]:
    """What the package exports: name -> {kind, members}."""
    out: dict[str, dict[str, Any]] = {}
    for name in erasekit.__all__:
        value = getattr(erasekit, name)
        if _is_type(value):
            continue
        if inspect.isclass(value) and issubclass(value, BaseException):
            out[name] = {"kind": "error", "members": {}}
        elif inspect.isclass(value):
            out[name] = {"kind": "class", "members": _members(value)}
        elif inspect.ismodule(value):
            names = getattr(value, "__all__", [n for n in dir(value) if not n.startswith("_")])
            members = {}
            for n in names:
                member = getattr(value, n)
                if not _is_type(member):
                    members[n] = "function" if callable(member) else "constant"
            out[name] = {"kind": "namespace", "members": members}
        elif callable(value):
            out[name] = {"kind": "function", "members": {}}
        else:
            out[name] = {"kind": "constant", "members": {}}
    return out


def expected() -> dict[str, dict[str, Any]]:
    """The table's expectation for this host: shared rows plus this host's idioms."""
    want: dict[str, dict[str, Any]] = {}
    for rows in (TABLE["exports"], TABLE["idioms"][HOST]):
        for name, row in rows.items():
            if name == "about":
                continue
            members = dict(want.get(name, {}).get("members", {}))
            for list_name, kind in LISTS.items():
                for member in row.get(list_name, []):
                    members[member] = kind
            want[name] = {"kind": row.get("kind", want.get(name, {}).get("kind")), "members": members}
    return want


def deviations(want: dict[str, dict[str, Any]], got: dict[str, dict[str, Any]]) -> list[str]:
    """Every deviation, as ``"<path>: <what>"`` (the keys ``pending`` uses)."""
    out: list[str] = []
    for name, row in want.items():
        have = got.get(name)
        if have is None:
            out.append(f"{name}: missing")
            continue
        if row["kind"] and have["kind"] != row["kind"]:
            out.append(f"{name}: is a {have['kind']}, the table says {row['kind']}")
        for member, kind in row["members"].items():
            if member not in have["members"]:
                out.append(f"{name}.{member}: missing")
            elif have["members"][member] != kind:
                out.append(f"{name}.{member}: is a {have['members'][member]}, the table says {kind}")
        out += [f"{name}.{m}: extra" for m in have["members"] if m not in row["members"]]
    out += [f"{name}: extra" for name in got if name not in want]
    return sorted(out)


FOUND = deviations(expected(), walk())
PENDING: dict[str, str] = TABLE["pending"][HOST]
if os.environ.get("API_SURFACE_DUMP"):
    print(json.dumps(walk()))


def test_the_public_surface_is_the_tables() -> None:
    assert [d for d in FOUND if d not in PENDING] == [], "deviations that `pending` does not list"


def test_every_pending_row_still_differs() -> None:
    holding = [d for d in PENDING if d != "about" and d not in FOUND]
    assert holding == [], "pending rows that now hold: remove them from tests/api/surface.json"


def test_the_comparison_reports_missing_extra_and_rekinded_names() -> None:
    want = {
        "Ledger": {"kind": "class", "members": {"resume": "method", "memory": "static"}},
        "phone": {"kind": "function", "members": {}},
    }
    got = {
        "Ledger": {"kind": "class", "members": {"resume": "property", "import_": "static"}},
        "version": {"kind": "function", "members": {}},
    }
    assert deviations(want, got) == [
        "Ledger.import_: extra",
        "Ledger.memory: missing",
        "Ledger.resume: is a property, the table says method",
        "phone: missing",
        "version: extra",
    ]
