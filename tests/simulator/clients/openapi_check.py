"""A small validator for the OpenAPI 3.0 schema subset the 2021 Vonage files use: `$ref`,
`allOf`, `oneOf`/`anyOf`, `type`, `nullable`, `enum`, `required`, `properties`, `items`.

No JSON Schema package is installed here, and these files need little: they never forbid extra
properties, and their `oneOf` branches overlap (an SMS report also fits the generic one), so
`oneOf` is read as "at least one branch fits". Tests that need a precise branch pick it with
`branch()` and compare field names with `property_names()`.
"""

from __future__ import annotations

from typing import Any, Callable, Optional

Schema = dict[str, Any]

_TYPES: dict[str, Callable[[Any], bool]] = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
}


def resolve(doc: dict[str, Any], schema: Schema) -> Schema:
    """Follows `$ref`s inside the same document."""
    while "$ref" in schema:
        ref = schema["$ref"]
        assert ref.startswith("#/"), f"only local references are supported: {ref}"
        node: Any = doc
        for part in ref[2:].split("/"):
            node = node[part]
        schema = node
    return schema


def errors(value: Any, schema: Schema, doc: dict[str, Any], path: str = "$") -> list[str]:
    """Every way `value` breaks `schema` (empty when it fits)."""
    schema = resolve(doc, schema)
    if value is None and schema.get("nullable"):
        return []
    found: list[str] = []
    for part in schema.get("allOf", []):
        found += errors(value, part, doc, path)
    for key in ("oneOf", "anyOf"):
        if key in schema:
            tries = [errors(value, s, doc, path) for s in schema[key]]
            if all(tries):
                best = min(tries, key=len)
                found.append(f"{path}: fits no {key} branch; nearest: {best}")
    kind = schema.get("type")
    if kind is not None:
        if not _TYPES[kind](value):
            return found + [f"{path}: {value!r} is not of type {kind}"]
    if "enum" in schema and value not in schema["enum"]:
        found.append(f"{path}: {value!r} is not one of {schema['enum']}")
    if isinstance(value, dict):
        for name in schema.get("required", []):
            if name not in value:
                found.append(f"{path}: missing required {name}")
        for name, sub in (schema.get("properties") or {}).items():
            if name in value:
                found += errors(value[name], sub, doc, f"{path}.{name}")
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            found += errors(item, schema["items"], doc, f"{path}[{i}]")
    return found


def property_names(doc: dict[str, Any], schema: Schema) -> set[str]:
    """Every property name a schema declares, through `$ref` and `allOf`."""
    schema = resolve(doc, schema)
    names = set((schema.get("properties") or {}).keys())
    for part in schema.get("allOf", []):
        names |= property_names(doc, part)
    return names


def branch(doc: dict[str, Any], schema: Schema, fits: Callable[[Schema], bool]) -> Schema:
    """The one `oneOf`/`anyOf` branch for which `fits` is true."""
    schema = resolve(doc, schema)
    options = schema.get("oneOf") or schema.get("anyOf") or []
    chosen: Optional[Schema] = None
    for option in options:
        if fits(resolve(doc, option)):
            assert chosen is None, "more than one branch fits"
            chosen = resolve(doc, option)
    assert chosen is not None, "no branch fits"
    return chosen


def response_schema(doc: dict[str, Any], path: str, method: str, status: str,
                    media: str = "application/json") -> Schema:
    """The schema of one documented response."""
    response = resolve(doc, doc["paths"][path][method]["responses"][status])
    return response["content"][media]["schema"]
