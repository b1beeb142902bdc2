// In-process timing of a peer linter, for bench/run.py.
//
//   node peer_harness.mjs <textlint|zhlint> <prefix> <file> <runs> [budget_ms]
//
// <prefix> is the folder the peers were installed into (npm install --prefix), holding
// node_modules/ and textlintrc.json. Loads the tool once, lints the file's text once to warm
// the JIT up, then <runs> more times in the same process (fewer once budget_ms has been
// spent, but at least one); prints one JSON line:
//   {"load_ms": …, "warmup_ms": …, "times_ms": [...], "messages": N, "bytes": B}
// A warm-up run longer than a second is counted as a measured run (its JIT share is noise).
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const [tool, prefix, file, runsArg, budgetArg] = process.argv.slice(2);
const runs = Math.max(1, parseInt(runsArg || "5", 10));
const budget = parseFloat(budgetArg || "30000");
const require = createRequire(path.join(path.resolve(prefix), "package.json"));
const text = fs.readFileSync(file, "utf8");

const t0 = performance.now();
let lintOnce;
if (tool === "textlint") {
  const textlint = require("textlint");
  const descriptor = await textlint.loadTextlintrc({
    configFilePath: path.join(prefix, "textlintrc.json"),
    node_modulesDir: path.join(prefix, "node_modules"),
  });
  const linter = textlint.createLinter({ descriptor });
  // The extension picks the plugin: .txt → @textlint/textlint-plugin-text, .md → markdown.
  lintOnce = async () => (await linter.lintText(text, file)).messages.length;
} else if (tool === "zhlint") {
  const entry = path.join(path.resolve(prefix), "node_modules", "zhlint", "lib", "index.js");
  const zhlint = await import(pathToFileURL(entry).href);
  // readRc() prints three notes about missing rc files; they are not part of the lint.
  const log = console.log;
  console.log = () => {};
  const config = zhlint.readRc(prefix);
  console.log = log;
  // run(text, {}) enables no rule at all; runWithConfig with the default rc is what the CLI does.
  lintOnce = async () => zhlint.runWithConfig(text, config).validations.length;
} else {
  console.error(`unknown tool ${tool}`);
  process.exit(2);
}
const load_ms = performance.now() - t0;
const times_ms = [];
let t = performance.now();
let messages = await lintOnce();
const warmup_ms = performance.now() - t;
if (warmup_ms > 1000) times_ms.push(warmup_ms);
const start = performance.now();
while (times_ms.length < runs && (times_ms.length === 0 || performance.now() - start < budget)) {
  t = performance.now();
  messages = await lintOnce();
  times_ms.push(performance.now() - t);
}
console.log(JSON.stringify({ load_ms, warmup_ms, times_ms, messages, bytes: Buffer.byteLength(text, "utf8") }));
