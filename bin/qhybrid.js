#!/usr/bin/env node
// The `qhybrid` command: runs the compiled CLI from dist/ (built by `npm install` through
// the `prepare` script). Kept as plain JavaScript so it needs no loader.
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";

const entry = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));
if (!existsSync(entry)) {
  process.stderr.write(
    "qhybrid: error: the compiled CLI is missing (dist/cli/main.js); run `npm install` or `npm run build` in the qhybrid folder\n",
  );
  process.exitCode = 1;
} else {
  await import(pathToFileURL(entry).href);
}
