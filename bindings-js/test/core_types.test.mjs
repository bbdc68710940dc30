// The TypeScript data types against the core's serde types: every type of
// tests/types/core_types.json (generated from the core by core/tests/core_types.rs) must be
// exported by the package's declarations (js/index.d.ts, read through the TypeScript compiler)
// under its name, with the same fields, the same of them optional, and the same variants.
// Naming rules and the rows that do not hold yet: tests/types/hosts.json.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { API, SymbolFlags, TypeFlags } from "typescript/unstable/sync";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, "..", "..");
const core = JSON.parse(readFileSync(path.join(root, "tests/types/core_types.json"), "utf8")).types;
const hosts = JSON.parse(readFileSync(path.join(root, "tests/types/hosts.json"), "utf8"));
const rules = hosts.js;

const api = new API({ cwd: path.join(here, "..") });
after(() => api.close());
const snapshot = api.updateSnapshot({ openProjects: [path.join(here, "core_types/tsconfig.json")] });
const { program, checker } = snapshot.getProjects()[0];
const index = program.getSourceFile(path.join(here, "..", "js/index.d.ts"));
const exported = new Map(
  checker.getExportsOfModule(checker.getSymbolAtLocation(index)).map((s) => [s.name, s]),
);

const camel = (name) => name.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());

/** The declared type of an exported type name, or undefined. */
function declared(name) {
  let symbol = exported.get(name);
  if (!symbol) return undefined;
  if (symbol.flags & SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
  if (!(symbol.flags & (SymbolFlags.Interface | SymbolFlags.TypeAlias | SymbolFlags.Class))) return undefined;
  return checker.getDeclaredTypeOfSymbol(symbol);
}

const isString = (t) => (t.flags & TypeFlags.StringLiteral) !== 0;

/** Field name -> "required" | "optional" of an object type. */
function fieldsOf(type) {
  const out = {};
  for (const p of checker.getPropertiesOfType(type)) {
    out[p.name] = p.flags & SymbolFlags.Optional ? "optional" : "required";
  }
  return out;
}

/** The literal value of property `tag` of an object type, or undefined. */
function tagValue(type, tag) {
  const p = checker.getPropertyOfType(type, tag);
  const t = p && checker.getTypeOfSymbol(p);
  return t && isString(t) ? String(t.value) : undefined;
}

function compareFields(label, want, got, toHost, problems) {
  const expected = Object.fromEntries(Object.entries(want).map(([k, v]) => [toHost(k), v]));
  for (const [k, v] of Object.entries(expected)) {
    if (!(k in got)) problems.push(`${label}: missing field ${k} (${v} in the core)`);
    else if (got[k] !== v) problems.push(`${label}: ${k} is ${got[k]}, ${v} in the core`);
  }
  for (const k of Object.keys(got)) {
    if (!(k in expected)) problems.push(`${label}: field ${k} is not in the core`);
  }
}

/** What differs between the core's type and the host's declaration (empty: they agree). */
function deviations(coreName, spec, hostName) {
  const type = declared(hostName);
  if (!type) return [`${hostName}: not exported as a type by js/index.d.ts`];
  const toHost = rules.camel_case.types.includes(coreName) ? camel : (k) => k;
  const members = type.flags & TypeFlags.Union ? type.getTypes() : [type];
  const problems = [];
  if (spec.values) {
    if (!members.every(isString)) return [`${hostName}: not a union of string literals`];
    const got = members.map((t) => String(t.value)).sort();
    const want = [...spec.values].sort();
    for (const v of want) if (!got.includes(v)) problems.push(`${hostName}: missing "${v}"`);
    for (const v of got) if (!want.includes(v)) problems.push(`${hostName}: "${v}" is not in the core`);
    return problems;
  }
  if (spec.fields) {
    if (members.length !== 1) return [`${hostName}: a union, the core has one object`];
    compareFields(hostName, spec.fields, fieldsOf(type), toHost, problems);
    return problems;
  }
  // A tagged union: variants one by one, or one object with every variant's fields.
  if (members.length === 1) {
    compareFields(hostName, spec.collapsed, fieldsOf(type), toHost, problems);
    return problems;
  }
  const seen = new Set();
  for (const member of members) {
    const value = tagValue(member, spec.tag);
    if (value === undefined) {
      problems.push(`${hostName}: a variant without a literal "${spec.tag}"`);
      continue;
    }
    seen.add(value);
    const want = spec.variants[value];
    if (!want) problems.push(`${hostName}: variant ${spec.tag}="${value}" is not in the core`);
    else compareFields(`${hostName}[${value}]`, want, fieldsOf(member), toHost, problems);
  }
  for (const value of Object.keys(spec.variants)) {
    if (!seen.has(value)) problems.push(`${hostName}: missing variant ${spec.tag}="${value}"`);
  }
  return problems;
}

for (const [name, spec] of Object.entries(core)) {
  const hostName = hosts.data_forms.names[name] ?? name;
  const excused = rules.not_declared[name];
  test(`core type ${name} as TypeScript ${hostName}`, { skip: excused }, () => {
    const problems = deviations(name, spec, hostName);
    const pending = rules.pending[name];
    if (pending) {
      assert.notDeepEqual(problems, [], `${name} now matches the core: remove it from "pending" in tests/types/hosts.json`);
      return;
    }
    assert.deepEqual(problems, [], `${name} differs from the core (tests/types/core_types.json)`);
  });
}

test("every pending or excused row names a core type", () => {
  for (const key of [...Object.keys(rules.pending), ...Object.keys(rules.not_declared)]) {
    if (key === "about") continue;
    assert.ok(key in core, `tests/types/hosts.json names ${key}, which is not a core type`);
  }
});

test("the check fails when the core gains a field, a variant or a value a host lacks", () => {
  const tombstone = structuredClone(core.Tombstone);
  tombstone.fields.restored_at = "optional";
  tombstone.fields.receipt_id = "optional";
  assert.deepEqual(deviations("Tombstone", tombstone, "Tombstone"), [
    "Tombstone: receipt_id is required, optional in the core",
    "Tombstone: missing field restored_at (optional in the core)",
  ]);
  const event = structuredClone(core.JobEvent);
  event.variants.paused = { event: "required", at: "required" };
  assert.ok(deviations("JobEvent", event, "JobEvent").includes('JobEvent: missing variant event="paused"'));
  const product = { values: [...core.Product.values, "fax"] };
  assert.deepEqual(deviations("Product", product, "Product"), ['Product: missing "fax"']);
  assert.deepEqual(deviations("Counts", core.Counts, "NoSuchType"), ["NoSuchType: not exported as a type by js/index.d.ts"]);
});
