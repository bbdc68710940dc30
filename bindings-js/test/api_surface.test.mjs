// The package's public surface against the one table both languages pass:
// tests/api/surface.json (built to the lead's DECISIONS for issue 10). Walks what `erasekit`
// really exports (classes with their prototype methods, getters and static members,
// functions, constants, the `capture` namespace), and what its TypeScript declarations
// (js/index.d.ts, read through the TypeScript compiler) declare, in snake_case; fails on every
// name missing or extra, or of another kind, that the table's `pending` section does not list.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { API, SignatureKind, SymbolFlags, TypeFlags } from "typescript/unstable/sync";
import * as erasekit from "erasekit";
import { deviations, expected, pending, snake } from "./api_table.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));

// Not API: the language's plumbing (wasm-bindgen internals start with `__`; TypeScript names
// symbol-keyed members `__@...`).
const hidden = (name) => name.startsWith("__") || ["length", "name", "prototype", "constructor", "caller", "arguments"].includes(name);

/** What the package exports at run time: name -> { kind, members }. */
function walkRuntime() {
  const membersOf = (cls) => {
    const members = {};
    for (const name of Object.getOwnPropertyNames(cls)) if (!hidden(name)) members[snake(name)] = "static";
    for (const name of Object.getOwnPropertyNames(cls.prototype)) {
      if (hidden(name)) continue;
      members[snake(name)] = Object.getOwnPropertyDescriptor(cls.prototype, name).get ? "property" : "method";
    }
    return members;
  };
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

/** What js/index.d.ts declares as values: name -> { kind, members }. */
function walkDeclarations() {
  const api = new API({ cwd: path.join(here, "..") });
  after(() => api.close());
  const snapshot = api.updateSnapshot({ openProjects: [path.join(here, "core_types/tsconfig.json")] });
  const { program, checker } = snapshot.getProjects()[0];
  const index = program.getSourceFile(path.join(here, "..", "js/index.d.ts"));
  const errorType = checker.getDeclaredTypeOfSymbol(checker.resolveName("Error", SymbolFlags.Interface, undefined, false));
  const callable = (t) => checker.getSignaturesOfType(t, SignatureKind.Call).length > 0;
  const out = {};
  for (const exported of checker.getExportsOfModule(checker.getSymbolAtLocation(index))) {
    const symbol = exported.flags & SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    if (!(symbol.flags & SymbolFlags.Value)) continue; // a type only: checked by core_types
    const key = snake(exported.name);
    if (symbol.flags & SymbolFlags.Class) {
      const instance = checker.getDeclaredTypeOfSymbol(symbol);
      if (checker.isTypeAssignableTo(instance, errorType)) {
        out[key] = { kind: "error", members: {} };
        continue;
      }
      const members = {};
      for (const p of checker.getPropertiesOfType(checker.getTypeOfSymbol(symbol))) {
        if (!hidden(p.name)) members[snake(p.name)] = "static";
      }
      for (const p of checker.getPropertiesOfType(instance)) {
        if (hidden(p.name)) continue;
        members[snake(p.name)] = p.flags & SymbolFlags.Method ? "method" : "property";
      }
      out[key] = { kind: "class", members };
    } else if (symbol.flags & SymbolFlags.Function) {
      out[key] = { kind: "function", members: {} };
    } else {
      const type = checker.getTypeOfSymbol(symbol);
      if (type.flags & TypeFlags.Object) {
        const members = {};
        for (const p of checker.getPropertiesOfType(type)) {
          members[snake(p.name)] = callable(checker.getTypeOfSymbol(p)) ? "function" : "constant";
        }
        out[key] = { kind: "namespace", members };
      } else out[key] = { kind: "constant", members: {} };
    }
  }
  return out;
}

const surfaces = {
  "the runtime exports": { found: deviations(expected("js"), walkRuntime()), pending: pending("js") },
  "the TypeScript declarations": {
    found: deviations(expected("js"), walkDeclarations()),
    pending: pending("js", "js_declarations"),
  },
};

for (const [label, { found, pending: rows }] of Object.entries(surfaces)) {
  test(`${label} are the table's (tests/api/surface.json)`, () => {
    assert.deepEqual(found.filter((d) => !(d in rows)), [], "deviations from the table that `pending` does not list");
  });
  test(`every pending row still differs in ${label} (else the lead removes it)`, () => {
    const holding = Object.keys(rows).filter((d) => !found.includes(d));
    assert.deepEqual(holding, [], "pending rows that now hold: remove them from tests/api/surface.json");
  });
}

test("the comparison reports missing, extra and re-kinded names", () => {
  const want = { Ledger: { kind: "class", members: { resume: "method", memory: "static" } }, phone: { kind: "function", members: {} } };
  const got = { Ledger: { kind: "class", members: { resume: "property", import: "static" } }, version: { kind: "function", members: {} } };
  assert.deepEqual(deviations(want, got), [
    "Ledger.import: extra",
    "Ledger.memory: missing",
    "Ledger.resume: is a property, the table says method",
    "phone: missing",
    "version: extra",
  ]);
});
