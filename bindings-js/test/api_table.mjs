// The API table (tests/api/surface.json) and how a walked surface is compared with it; shared
// by the walk of the package's runtime exports and of its TypeScript declarations
// (api_surface.test.mjs).
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const table = JSON.parse(readFileSync(path.join(root, "tests/api/surface.json"), "utf8"));

/** camelCase -> snake_case; the plain-data method `toJSON` is Python's `to_dict` (DECISIONS 6). */
export function snake(name) {
  if (name === "toJSON") return "to_dict";
  if (/^[A-Z]/.test(name)) return name; // classes and CONSTANTS
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

// The table's lists, by the kind of member they hold.
const LISTS = { static: "static", properties: "property", methods: "method", functions: "function", constants: "constant" };

/** The table's expectation for `host`: the shared rows plus that host's idioms. */
export function expected(host) {
  const want = {};
  for (const rows of [table.exports, table.idioms[host]]) {
    for (const [name, row] of Object.entries(rows)) {
      if (name === "about") continue;
      const members = { ...(want[name]?.members ?? {}) };
      for (const [list, kind] of Object.entries(LISTS)) for (const m of row[list] ?? []) members[m] = kind;
      want[name] = { kind: row.kind ?? want[name]?.kind, members };
    }
  }
  return want;
}

/** Every deviation of a walked surface (name -> {kind, members}), as "<path>: <what>". */
export function deviations(want, got) {
  const out = [];
  for (const [name, row] of Object.entries(want)) {
    const have = got[name];
    if (!have) {
      out.push(`${name}: missing`);
      continue;
    }
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

/** The pending rows of `sections` (e.g. "js", "js_declarations"), without their notes. */
export function pending(...sections) {
  const rows = {};
  for (const section of sections) Object.assign(rows, table.pending[section] ?? {});
  delete rows.about;
  return rows;
}
