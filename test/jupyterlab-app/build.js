#!/usr/bin/env node
/**
 * Bundles the test's JupyterLab (index.js + the packages in extensions.js) with esbuild into
 * .cache/jupyterlab-app/<hash>/, laid out as jupyterlab_server's LabServerApp serves it:
 *   static/   bundle.js, bundle.css and the fonts and images they use
 *   schemas/  each extension's settings schemas (+ package.json.orig, whose version the
 *             settings API reports)
 *   themes/   the light theme's CSS, which the theme manager loads by URL
 * The hash covers package-lock.json and this folder's sources, so an unchanged tree reuses the
 * bundle (esbuild rather than @jupyterlab/builder's webpack: seconds, not minutes, on 2 cores).
 * Prints the output folder (and removes older ones); `--force` rebuilds.
 */
const { createHash } = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");

const HERE = __dirname;
const ROOT = path.resolve(HERE, "..", "..");
const { extensions, mimeExtensions, theme } = require("./extensions.js");

function sourceHash() {
  const h = createHash("sha256");
  h.update(fs.readFileSync(path.join(ROOT, "package-lock.json")));
  for (const f of fs.readdirSync(HERE, { recursive: true }).sort()) {
    const p = path.join(HERE, String(f));
    if (fs.statSync(p).isFile() && !p.endsWith(".pyc")) h.update(String(f)).update(fs.readFileSync(p));
  }
  return h.digest("hex").slice(0, 16);
}

function pkgDir(name) {
  return path.dirname(require.resolve(`${name}/package.json`, { paths: [ROOT] }));
}

/** The entry's two virtual modules: the plugin packages, and each one's style/index.js. */
function virtualModules() {
  const all = [...extensions, ...mimeExtensions];
  const contents = {
    "lazylab:plugins": [
      ...all.map((name, i) => `import * as m${i} from ${JSON.stringify(name)};`),
      `export const extensions = [${extensions.map((_, i) => `m${i}`).join(", ")}];`,
      `export const mimeExtensions = [${mimeExtensions.map((_, i) => `m${i + extensions.length}`).join(", ")}];`,
    ].join("\n"),
    // The theme's CSS is loaded at run time by the theme manager, not bundled.
    "lazylab:styles": all.filter((n) => n !== theme && fs.existsSync(path.join(pkgDir(n), "style", "index.js")))
      .map((n) => `import ${JSON.stringify(`${n}/style/index.js`)};`).join("\n"),
  };
  return {
    name: "lazylab-virtual",
    setup(build) {
      build.onResolve({ filter: /^lazylab:/ }, (a) => ({ path: a.path, namespace: "lazylab" }));
      build.onLoad({ filter: /.*/, namespace: "lazylab" }, (a) => ({ contents: contents[a.path], loader: "js", resolveDir: HERE }));
    },
  };
}

/** webpack's css-loader reads `~pkg/file` as a module path; some JupyterLab CSS still says so. */
const tildeImports = {
  name: "tilde-imports",
  setup(build) {
    build.onResolve({ filter: /^~/ }, (a) => build.resolve(a.path.slice(1), { kind: a.kind, resolveDir: a.resolveDir }));
  },
};

/**
 * JupyterLab's icons import their SVG as markup (webpack's asset/source), while CSS url()s of
 * the same files want a file: the importer's kind tells which.
 */
const svgAsText = {
  name: "svg-as-text",
  setup(build) {
    build.onResolve({ filter: /\.svg$/ }, async (a) => {
      if (a.kind === "url-token" || a.pluginData === "svg") return undefined;
      const r = await build.resolve(a.path, { kind: a.kind, resolveDir: a.resolveDir, pluginData: "svg" });
      return { path: r.path, namespace: "svg-text" };
    });
    build.onLoad({ filter: /.*/, namespace: "svg-text" }, (a) => ({ contents: fs.readFileSync(a.path, "utf8"), loader: "text" }));
  },
};

const ASSET_LOADERS = { ".svg": "file", ".png": "file", ".gif": "file", ".woff": "file", ".woff2": "file", ".ttf": "file", ".eot": "file", ".otf": "file" };

async function bundle(out) {
  const esbuild = require("esbuild");
  const common = {
    bundle: true, minify: true, logLevel: "warning", loader: { ...ASSET_LOADERS, ".md": "text" },
    // Some packages read these Node globals; the browser has neither.
    define: { "process.env.NODE_ENV": '"production"', global: "globalThis" },
  };
  await esbuild.build({
    ...common, entryPoints: { bundle: path.join(HERE, "index.js") }, outdir: path.join(out, "static"),
    format: "iife", target: "es2022", plugins: [virtualModules(), tildeImports, svgAsText], assetNames: "assets/[name]-[hash]",
  });
  await esbuild.build({
    ...common, entryPoints: { index: path.join(pkgDir(theme), "style", "theme.css") },
    outdir: path.join(out, "themes", theme), assetNames: "[name]-[hash]", plugins: [tildeImports],
  });
  for (const name of [...extensions, ...mimeExtensions]) {
    const dir = pkgDir(name);
    const schema = path.join(dir, "schema");
    if (!fs.existsSync(schema)) continue;
    const to = path.join(out, "schemas", name);
    fs.cpSync(schema, to, { recursive: true });
    fs.copyFileSync(path.join(dir, "package.json"), path.join(to, "package.json.orig"));
  }
}

async function main() {
  const out = path.join(ROOT, ".cache", "jupyterlab-app", sourceHash());
  if (process.argv.includes("--force") || !fs.existsSync(path.join(out, "complete"))) {
    const started = Date.now();
    fs.rmSync(out, { recursive: true, force: true });
    await bundle(out);
    fs.writeFileSync(path.join(out, "complete"), `${Date.now() - started} ms\n`);
    // Bundles of earlier sources are never used again.
    for (const old of fs.readdirSync(path.dirname(out))) {
      if (old !== path.basename(out)) fs.rmSync(path.join(path.dirname(out), old), { recursive: true, force: true });
    }
    process.stderr.write(`jupyterlab-app: bundled in ${Date.now() - started} ms\n`);
  }
  process.stdout.write(`${out}\n`);
}

main().catch((e) => { process.stderr.write(`${e.stack ?? e}\n`); process.exit(1); });
