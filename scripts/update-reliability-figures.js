#!/usr/bin/env node
// Puts the figures the last test run measured (test-output/figures/NAME.md, written by
// test/python/figures.py after a passing test) into docs/reliability.md, between its
// <!-- figures:NAME --> and <!-- /figures:NAME --> markers; a block without markers in the doc
// is appended. Tests never touch the doc themselves. `npm run docs:figures` runs the tests that
// measure (fuzz, faults, storms, the 3-minute soak) and then this; after a full `npm test`,
// `node scripts/update-reliability-figures.js` alone takes that run's figures.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const root = path.join(__dirname, "..");
const dir = process.env.LAZYLAB_FIGURES_DIR || path.join(root, "test-output", "figures");
const doc = path.join(root, "docs", "reliability.md");

let names = [];
try {
  names = fs.readdirSync(dir).filter((f) => /^[\w-]+\.md$/.test(f)).sort();
} catch {
  /* no test run yet */
}
if (!names.length) {
  console.error(`update-reliability-figures: no figures in ${path.relative(root, dir) || dir}; run the tests first (npm run docs:figures runs those that measure).`);
  process.exit(1);
}
let text = fs.readFileSync(doc, "utf8");
for (const file of names) {
  const name = file.slice(0, -3);
  const block = fs.readFileSync(path.join(dir, file), "utf8").trimEnd();
  const begin = `<!-- figures:${name} -->`;
  const end = `<!-- /figures:${name} -->`;
  if (!block.startsWith(begin) || !block.endsWith(end)) {
    console.error(`update-reliability-figures: ${file} is not a figures block (it must start with ${begin} and end with ${end})`);
    process.exit(1);
  }
  const from = text.indexOf(begin);
  const to = text.indexOf(end, from);
  text = from >= 0 && to >= 0 ? text.slice(0, from) + block + text.slice(to + end.length) : `${text.trimEnd()}\n\n${block}\n`;
  console.log(`update-reliability-figures: docs/reliability.md ← ${path.relative(root, path.join(dir, file))}`);
}
fs.writeFileSync(doc, text);
