// The package's public surface against the one table both languages pass:
// tests/api/surface.json (built to the lead's DECISIONS for issue 10). Walks what `erasekit`
// really exports (classes with their prototype methods, getters and static members,
// functions, constants, the `capture` namespace), in snake_case, and fails on every name
// missing or extra, or of another kind, that the table's `pending` section does not list.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as erasekit from "erasekit";

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const table = JSON.parse(readFileSync(path.join(root, "tests/api/surface.json"), "utf8"));
const HOST = "js";

/** camelCase -> snake_case; the plain-data method `toJSON` is Python's `to_dict` (DECISIONS 6). */
function snake(name) {
  if (name === "toJSON") return "to_dict";
  if (/^[A-Z0-9_]+$/.test(name)) return name; // constants
  if (/^[A-Z]/.test(name)) return name; // classes
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

// Not API: the host language's plumbing (wasm-bindgen internals start with `__`).
const hidden = (name) => name.startsWith("__") || ["length", "name", "prototype", "constructor", "caller", "arguments"].includes(name);

function membersOf(cls) {
  const members = {};
  for (const name of Object.getOwnPropertyNames(cls)) {
    if (!hidden(name)) members[snake(name)] = "static";
  }
  for (const name of Object.getOwnPropertyNames(cls.prototype)) {
    if (hidden(name)) continue;
    const d = Object.getOwnPropertyDescriptor(cls.prototype, name);
    members[snake(name)] = d.get ? "property" : "method";
  }
  return members;
}

/** What the package exports: name -> { kind, members }. */
function walk() {
  const out = {};
  for (const [name, value] of Object.entries(erasekit)) {
    const key = snake(name);
    if (typeof value === "function" && value.prototype instanceof Error) out[key] = { kind: "error", members: {} };
    else if (typeof value === "function" && /^[A-Z]/.test(name)) out[key] = { kind: "class", members: membersOf(value) };
    else if (typeof value === "function") out[key] = { kind: "function", members: {} };
    else if (value && typeof value === "object") {
      const members = {};
      for (const [k, v] of Object.entries(value)) members[snake(k)] = typeof v === "function" ? "function" : "constant";
      out[key] = { kind: "namespace", members };
    } else out[key] = { kind: "constant", members: {} };
  }
  return out;
}

// The table's lists, by the kind of member they hold.
const LISTS = { static: "static", properties: "property", methods: "method", functions: "function", constants: "constant" };

/** The table's expectation for this host: shared rows plus this host's idioms. */
function expected() {
  const want = {};
  for (const rows of [table.exports, table.idioms[HOST]]) {
    for (const [name, row] of Object.entries(rows)) {
      if (name === "about" || name.startsWith("//")) continue;
      const members = { ...(want[name]?.members ?? {}) };
      for (const [list, kind] of Object.entries(LISTS)) for (const m of row[list] ?? []) members[m] = kind;
      want[name] = { kind: row.kind ?? want[name]?.kind, members };
    }
  }
  return want;
}

/** Every deviation, as "<path>: <what>" (the keys `pending` uses). */
function deviations(want, got) {
  const out = [];
  for (const [name, row] of Object.entries(want)) {
    const have = got[name];
    if (!have) { out.push(`${name}: missing`); continue; }
    if (row.kind && have.kind !== row.kind) out.push(`${name}: is a ${have.kind}, the table says ${row.kind}`);
    for (const [m, kind] of Object.entries(row.members)) {
      if (!(m in have.members)) out.push(`${name}.${m}: missing`);
      else if (have.members[m] !== kind) out.push(`${name}.${m}: is a ${have.members[m]}, the table says ${kind}`);
    }
    for (const m of Object.keys(have.members)) if (!(m in row.members)) out.push(`${name}.${m}: extra`);
  }
  for (const name of Object.keys(got)) if (!(name in want)) out.push(`${name}: extra`);
  return out.sort();
}

const found = deviations(expected(), walk());
if (process.env.API_SURFACE_DUMP) console.log(JSON.stringify(walk()));
const pending = table.pending[HOST];

test("the public surface is the table's (tests/api/surface.json)", () => {
  const unexpected = found.filter((d) => !(d in pending));
  assert.deepEqual(unexpected, [], "deviations from the table that `pending` does not list");
});

test("every pending row still differs (else the lead removes it)", () => {
  const holding = Object.keys(pending).filter((d) => d !== "about" && !found.includes(d));
  assert.deepEqual(holding, [], "pending rows that now hold: remove them from tests/api/surface.json");
});
