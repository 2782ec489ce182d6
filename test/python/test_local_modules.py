"""The notebook's own TypeScript files imported from cells (issue 18, part 3), and every global
of the executor named in a cell, through Debian's jupyter_client."""
import json
import os
import pathlib
import re
import shutil
import time
import unittest

from kernel_client import Kernel

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "test-output", "local-modules"))

HELPER = '''import { basename } from "node:path";
import { scale } from "./util";

export function describe(p: string): string {
  return `${basename(p)} x${scale(2)}`;
}

export function boom(): never {
  throw new RangeError("inside helper");
}
'''
UTIL = "export const factor: number = 10;\nexport function scale(n: number): number {\n  return n * factor;\n}\n"


def write(name, text):
    path = os.path.join(ROOT, name)
    before = os.stat(path).st_mtime_ns if os.path.exists(path) else 0
    with open(path, "w") as f:
        f.write(text)
    # a new mtime even on a file system with coarse timestamps
    if os.stat(path).st_mtime_ns == before:
        os.utime(path, ns=(before + 10_000_000, before + 10_000_000))


class LocalModules(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        os.environ.pop("JPY_SESSION_NAME", None)  # __filename is then <notebook> in the kernel's folder
        shutil.rmtree(ROOT, ignore_errors=True)
        os.makedirs(ROOT)
        write("helper.ts", HELPER)
        write("util.ts", UTIL)
        write("plain.js", "exports.answer = () => 42;\n")
        cls.k = Kernel(cwd=ROOT)

    @classmethod
    def tearDownClass(cls):
        cls.k.close()

    def run_ok(self, code):
        reply, msgs = self.k.run(code)
        self.assertEqual(reply["content"]["status"], "ok", "\n".join(reply["content"].get("traceback", [])))
        return self.k.text(msgs)

    def assert_module_error(self, cell, ename, where, traceback_line):
        """The cell fails with `ename`, naming the module's file and line (`where`) and, in its traceback, `traceback_line`."""
        c = self.k.run(cell)[0]["content"]
        self.assertEqual(c["status"], "error")
        self.assertEqual(c["ename"], ename)
        self.assertIn(f"({where})", c["evalue"])
        self.assertIn(traceback_line, "\n".join(c["traceback"]))

    def test_a_local_module_with_its_own_imports_runs_and_an_edit_is_picked_up_on_rerun(self):
        cell = 'import { describe } from "./helper"\ndescribe("/data/b.txt")'
        self.assertEqual(self.run_ok(cell), "'b.txt x20'")
        write("util.ts", UTIL.replace("n * factor", "n * factor + 1"))  # a module helper.ts imports
        self.assertEqual(self.run_ok(cell), "'b.txt x21'")
        write("util.ts", UTIL)
        self.assertEqual(self.run_ok(cell), "'b.txt x20'")

    def test_a_throw_inside_a_local_module_names_its_file_and_line(self):
        reply, _ = self.k.run('import { boom } from "./helper"\nboom()')
        c = reply["content"]
        self.assertEqual((c["ename"], c["evalue"]), ("RangeError", "inside helper"))
        tb = "\n".join(c["traceback"])
        line = HELPER.split("\n").index('  throw new RangeError("inside helper");') + 1
        self.assertIn(f"at boom (helper.ts:{line}:", tb)
        self.assertIn(f"File helper.ts, line {line}", tb)

    def test_a_type_error_in_a_local_module_is_reported_on_the_importing_cell(self):
        write("broken.ts", 'export const n: number = "text";\n')
        self.assert_module_error('import { n } from "./broken"\nn', "TS2322", "broken.ts:1", "File broken.ts, line 1")
        write("broken.ts", "export const n: number = 3;\n")
        self.assertEqual(self.run_ok('import { n } from "./broken"\nn'), "3")

    def test_local_javascript_imports_and_is_reloaded_after_an_edit(self):
        self.assertEqual(self.run_ok('// @ts-ignore\nimport { answer } from "./plain.js"\nanswer()'), "42")
        write("plain.js", "exports.answer = () => 43;\n")
        self.assertEqual(self.run_ok('// @ts-ignore\nimport { answer } from "./plain.js"\nanswer()'), "43")

    def test_every_global_of_the_executor_can_be_named_in_a_cell(self):
        names = json.loads(self.run_ok("console.log(JSON.stringify(Object.getOwnPropertyNames(globalThis)))"))
        # names with the kernel's reserved prefix (the import hook, the magics' runtime, the
        # debugger's helpers: kernel/compiler/transform-names.ts) are the kernel's, not the user's
        names = [n for n in names if re.fullmatch(r"[A-Za-z_$][\w$]*", n) and not n.startswith("__lazylab_")]
        self.assertGreater(len(names), 100)
        reply, _ = self.k.run("\n".join(f"typeof {n};" for n in names))
        tb = "\n".join(reply["content"].get("traceback", []))
        self.assertEqual(sorted(set(re.findall(r"Cannot find name '([^']+)'", tb))), [])
        self.assertEqual(reply["content"]["status"], "ok", tb[:2000])

    def test_every_global_the_checker_accepts_exists_at_run_time(self):
        # the other direction: what completion offers as a global value (Node's types declare
        # require, __dirname, WebSocket, ...) must be there when the cell runs
        self.k.kc.complete("", 0)
        reply = self.k.kc.get_shell_msg(timeout=60)
        items = reply["content"]["metadata"]["_jupyter_types_experimental"]
        names = sorted({i["text"] for i in items if i.get("type") != "keyword" and re.fullmatch(r"[A-Za-z_$][\w$]*", i["text"])})
        for n in ("require", "__dirname", "Array", "np", "WebSocket"):
            self.assertIn(n, names)
        missing = json.loads(self.run_ok(f"console.log(JSON.stringify({json.dumps(names)}.filter((n) => !(n in globalThis))))"))
        self.assertEqual(missing, [])

    def test_dynamic_import_resolves_as_a_static_import_does(self):
        write("data.json", '{"a": 5}')
        self.assertEqual(self.run_ok('const m = await import("node:path");\nm.basename("/a/b.txt")'), "'b.txt'")
        self.assertEqual(self.run_ok('(await import("./helper")).describe("/data/c.txt")'), "'c.txt x20'")
        self.assertEqual(self.run_ok('(await import("lazylab")).np === np'), "true")
        self.assertEqual(self.run_ok('// @ts-ignore\n(await import("./plain.js")).answer()'), str(self.run_ok('require("./plain.js").answer()')))
        self.assertEqual(self.run_ok('(await import("./data.json", { with: { type: "json" } })).default.a'), "5")
        # import() in a function a cell defines, called by a later cell
        self.run_ok("async function loadByName(p: string) { return import(p); }")
        self.assertEqual(self.run_ok('(await loadByName("node:os")).EOL === "\\n"'), "true")
        reply, _ = self.k.run('const missing = "./nope";\nawait import(missing)')
        self.assertEqual((reply["content"]["ename"], reply["content"]["evalue"].split(" (")[0]), ("ModuleNotFound", f"cannot find module './nope' from {ROOT}"))
        # a .ts file of the notebook no cell has named with a literal path: not compiled, and said so
        write("computed.ts", "export const c = 1;\n")
        reply, _ = self.k.run('const which = "./computed";\nawait import(which)')
        self.assertEqual(reply["content"]["ename"], "LocalModuleNotCompiled")
        self.assertIn("computed.ts was not compiled", reply["content"]["evalue"])

    def test_a_local_module_has_its_own_import_meta_and_import(self):
        # compiled to CommonJS, a module with import.meta was taken for an ES module by Node and
        # the import gave an empty module, silently
        write("meta.ts", 'export const here: string = import.meta.url;\nexport const dir: string = import.meta.dirname;\n'
              'export async function sep(): Promise<string> { return (await import("node:path")).sep; }\n')
        got = json.loads(self.run_ok('import { here, dir, sep } from "./meta"\nconsole.log(JSON.stringify([here, dir, await sep()]))'))
        self.assertEqual(got, [pathlib.Path(ROOT, "meta.ts").as_uri(), ROOT, "/"])

    def test_top_level_await_in_a_local_module_is_an_error_naming_its_line(self):
        # CommonJS keeps the await: Node refused the file without naming the line or the reason
        write("tla.ts", "export const ready: boolean = true;\nexport const v: number = await Promise.resolve(7);\n")
        self.assert_module_error('import { v } from "./tla"\nv', "LocalModuleAwait", "tla.ts:2", "File tla.ts, line 2, column 26")
        write("tla.ts", "export const v: number = 7;\nexport async function later(): Promise<number> { return await Promise.resolve(v); }\n")
        self.assertEqual(self.run_ok('import { later } from "./tla"\nawait later()'), "7")

    def test_require_module_and_the_notebook_paths_are_the_notebook_folders(self):
        self.assertEqual(self.run_ok('require("node:path").join("a", "b")'), "'a/b'")
        self.assertEqual(self.run_ok('require("lazylab").np === np'), "true")
        self.assertEqual(self.run_ok('require("./plain.js").answer() > 40'), "true")
        paths = json.loads(self.run_ok("console.log(JSON.stringify([__dirname, __filename, module.paths[0], exports === module.exports, typeof require.resolve]))"))
        self.assertEqual(paths, [ROOT, os.path.join(ROOT, "<notebook>"), os.path.join(ROOT, "node_modules"), True, "function"])
        # import.meta, a SyntaxError in a script, is the notebook file's (an ES module's in Node)
        meta = json.loads(self.run_ok('console.log(JSON.stringify([import.meta.url, import.meta.filename, import.meta.dirname, import.meta.resolve("./plain.js"), import.meta.resolve("fs")]))'))
        self.assertEqual(meta, [pathlib.Path(ROOT, "<notebook>").as_uri(), os.path.join(ROOT, "<notebook>"), ROOT, pathlib.Path(ROOT, "plain.js").as_uri(), "node:fs"])

    def test_webassembly_memory_type_checks_and_runs(self):
        self.assertEqual(self.run_ok("new WebAssembly.Memory({ initial: 1 }).buffer.byteLength"), "65536")


if __name__ == "__main__":
    unittest.main()
