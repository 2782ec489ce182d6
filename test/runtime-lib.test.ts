/**
 * The ECMAScript library cells are checked against is what this Node has
 * (kernel/compiler/runtime-lib.ts): each later component TypeScript ships is included exactly
 * when everything it declares exists here. What "everything" is comes from the component's own
 * file, read here with TypeScript's parser, so a probe that checks too little (the checker then
 * accepts what fails at run time) or too much (it refuses what runs) fails this test, on
 * whichever Node runs it.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { LATER_LIBS, runtimeLib, runtimeTarget } from "../kernel/compiler/runtime-lib";

const LIB_DIR = path.dirname(ts.getDefaultLibFilePath({}));
const g = globalThis as unknown as Record<string, unknown>;

const isObject = (o: unknown): o is object => (typeof o === "object" || typeof o === "function") && o !== null;
const nameOf = (m: ts.TypeElement): string | undefined => (m.name && (ts.isIdentifier(m.name) || ts.isStringLiteral(m.name)) ? m.name.text : undefined);

/**
 * What a component declares that is missing here. `interface XConstructor` members are looked
 * for on the global X; `interface X` methods on X.prototype when X is a constructor, members on X
 * itself when it is an object (Atomics, Math); `declare var X` and `declare namespace X` need
 * the global X; the same inside `declare namespace Intl`. Interfaces with no object of their
 * name at run time (Disposable, PromiseWithResolvers) declare only types. Properties of
 * prototypes are not looked for: an instance may own them (SuppressedError's `error`).
 */
function missing(lib: string): string[] {
  const sf = ts.createSourceFile(lib, readFileSync(path.join(LIB_DIR, lib), "utf8"), ts.ScriptTarget.Latest, false);
  const out: string[] = [];
  const scan = (statements: readonly ts.Statement[], scope: Record<string, unknown> | undefined, prefix: string) => {
    for (const s of statements) {
      if (ts.isVariableStatement(s)) {
        for (const d of s.declarationList.declarations) if (ts.isIdentifier(d.name) && !(scope && d.name.text in scope)) out.push(prefix + d.name.text);
      } else if (ts.isModuleDeclaration(s) && ts.isIdentifier(s.name)) {
        const inner = scope?.[s.name.text];
        if (!isObject(inner)) out.push(prefix + s.name.text);
        else if (s.body && ts.isModuleBlock(s.body)) scan(s.body.statements, inner as Record<string, unknown>, `${prefix}${s.name.text}.`);
      } else if (ts.isInterfaceDeclaration(s)) {
        const name = s.name.text;
        const ctor = name.endsWith("Constructor") ? scope?.[name.slice(0, -"Constructor".length)] : undefined;
        const own = scope?.[name];
        const target = isObject(ctor) ? ctor : typeof own === "function" ? (own as { prototype: object }).prototype : isObject(own) ? own : undefined;
        if (!target) continue;
        const methodsOnly = typeof own === "function" && !isObject(ctor);
        for (const m of s.members) {
          const n = nameOf(m);
          if (n === undefined || (methodsOnly && !ts.isMethodSignature(m))) continue;
          if (!(n in target)) out.push(`${prefix}${isObject(ctor) ? name.slice(0, -"Constructor".length) : methodsOnly ? `${name}.prototype` : name}.${n}`);
        }
      }
    }
  };
  scan(sf.statements, g, "");
  return out;
}

test("every ES component TypeScript ships after ES2023 has a probe, and it agrees with the component's own declarations on this Node", (t) => {
  const shipped = readdirSync(LIB_DIR).filter((f) => /^lib\.(es202[4-9]|esnext)\.[a-z0-9]+\.d\.ts$/.test(f) && !f.endsWith(".full.d.ts"));
  assert.ok(shipped.length >= 20, `components found in ${LIB_DIR}: ${shipped.join(", ")}`);
  assert.deepEqual(Object.keys(LATER_LIBS).sort(), shipped.sort(), "a component TypeScript ships has no probe (or a probe names none it ships)");
  const libs = runtimeLib();
  for (const lib of shipped) {
    const gone = missing(lib);
    t.diagnostic(`${lib}: ${libs.includes(lib) ? "included" : "not included"}${gone.length ? `; missing here: ${gone.slice(0, 4).join(", ")}` : ""}`);
    assert.equal(LATER_LIBS[lib](), gone.length === 0, `${lib}: the probe says ${LATER_LIBS[lib]()}, while missing here: [${gone.join(", ")}]`);
  }
  assert.equal(libs[0], "lib.es2023.d.ts");
});

test("the syntax target takes the regular expressions this Node parses and refuses those it does not", () => {
  const target = runtimeTarget();
  const check = (source: string) => {
    const host = ts.createCompilerHost({ target, noLib: true });
    const sf = ts.createSourceFile("re.ts", source, target, true);
    const program = ts.createProgram({ rootNames: ["re.ts"], options: { target, noLib: true, types: [] }, host: { ...host, getSourceFile: (f) => (f === "re.ts" ? sf : undefined) } });
    return program.getSyntacticDiagnostics(sf).length + (program.getSemanticDiagnostics(sf).filter((d) => d.code === 1501 || d.code === 1503).length) === 0;
  };
  for (const [source, flags] of [["a", "v"], ["(?i:a)", ""]] as const) {
    let runs = true;
    try {
      new RegExp(source, flags);
    } catch {
      runs = false;
    }
    if (runs) assert.ok(check(`/${source}/${flags};`), `/${source}/${flags} runs here, and the target ${ts.ScriptTarget[target]} refuses it`);
  }
  // The v flag (Node 20 has it) was refused under the former fixed ES2022.
  assert.ok(target >= ts.ScriptTarget.ES2024 || !check("/a/v;"));
});
