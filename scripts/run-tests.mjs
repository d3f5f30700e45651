// Runs the whole test suite with node:test (through tsx for TypeScript), TAP output whose
// closing "# tests / # pass / # fail" lines CI reads. Node 20 does not
// expand globs or discover .ts files, so the files are listed here. Extra arguments are
// path filters: `npm test -- quantum` runs only test files whose path contains "quantum".
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

function listTests(dir) {
  const found = [];
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) found.push(...listTests(path));
    else if (entry.endsWith(".test.ts")) found.push(path);
  }
  return found;
}

const filters = process.argv.slice(2);
const files = listTests("test").filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)));
if (files.length === 0) {
  process.stderr.write(`no test files match ${filters.join(", ")}\n`);
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ["--import", "tsx", "--test", "--test-concurrency=2", ...files],
  { stdio: "inherit", env: { ...process.env, QHYBRID_TEST: "1" } },
);
process.exit(result.status ?? 1);
