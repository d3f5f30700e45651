import assert from "node:assert/strict";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { REPOSITORY_ROOT, runCli } from "./run-cli.js";

describe("the qhybrid command", () => {
  it("--help lists the commands and the exit codes", () => {
    const result = runCli(["--help"]);
    assert.equal(result.status, 0);
    assert.match(result.stdout, /Usage: qhybrid/);
    assert.match(result.stdout, /info/);
    assert.match(result.stdout, /config/);
    assert.match(result.stdout, /Exit codes: 0 success/);
  });

  it("an unknown command exits 2 with a usage message on stderr", () => {
    const result = runCli(["frobnicate"]);
    assert.equal(result.status, 2);
    assert.equal(result.stdout, "");
    assert.match(result.stderr, /unknown command 'frobnicate'/);
  });

  it("info --json reports the wasm backend on a machine without tfjs-node", () => {
    const result = runCli(["info", "--json"]);
    assert.equal(result.status, 0, result.stderr);
    const info = JSON.parse(result.stdout);
    assert.equal(info.backend.name, "wasm");
    assert.equal(info.wasm.simd, true);
    assert.equal(info.nodeVersion, process.versions.node);
    assert.match(info.tfjsVersion, /^\d+\.\d+\.\d+$/);
  });

  it("naming a backend that is not installed fails with one line saying how to install it", () => {
    const result = runCli(["info", "--backend", "tensorflow-gpu"]);
    assert.equal(result.status, 1);
    assert.equal(result.stderr.trim().split("\n").length, 1);
    assert.match(result.stderr, /backend tensorflow-gpu cannot load .*npm install @tensorflow\/tfjs-node-gpu/);
  });

  it("config check prints the resolved config with overrides applied", () => {
    const path = join(mkdtempSync(join(tmpdir(), "qhybrid-cli-")), "c.yaml");
    writeFileSync(path, "name: demo\n");
    const result = runCli(["config", "check", path, "--set", "training.epochs=4", "--json"]);
    assert.equal(result.status, 0, result.stderr);
    const config = JSON.parse(result.stdout);
    assert.equal(config.name, "demo");
    assert.equal(config.training.epochs, 4);
  });

  it("config check on a typo exits 2 with the located one-line error", () => {
    const path = join(mkdtempSync(join(tmpdir(), "qhybrid-cli-")), "c.yaml");
    writeFileSync(path, "name: demo\nmodel:\n  knd: cnn\n");
    const result = runCli(["config", "check", path]);
    assert.equal(result.status, 2);
    assert.equal(result.stdout, "");
    assert.equal(result.stderr, `qhybrid: error: ${path}:3:3: model.knd: unknown key (did you mean "kind"?)\n`);
  });

  it("the installed bin shim runs the compiled CLI", { skip: !existsSync(join(REPOSITORY_ROOT, "dist/cli/main.js")) && "dist/ not built (npm install builds it)" }, () => {
    const result = spawnSync(process.execPath, [join(REPOSITORY_ROOT, "bin/qhybrid.js"), "--version"], { encoding: "utf8" });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^\d+\.\d+\.\d+\n$/);
  });
});
