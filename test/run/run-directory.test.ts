import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { writeFileAtomic } from "../../src/run/atomic-write.js";
import { newRunId, RunDirectory, RUN_FILES } from "../../src/run/run-directory.js";

const scratch = (): string => mkdtempSync(join(tmpdir(), "qhybrid-run-"));

describe("run directories", () => {
  it("run ids sort in the order the runs started", () => {
    const earlier = newRunId(new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6)));
    const later = newRunId(new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 7)));
    assert.match(earlier, /^20260102-030405-006-[0-9a-f]{4}$/);
    assert.ok(earlier < later);
  });

  it("many runs created at once each get their own directory", () => {
    const root = scratch();
    const runs = Array.from({ length: 50 }, () => RunDirectory.create(root, "exp"));
    assert.equal(new Set(runs.map((run) => run.path)).size, 50);
    assert.equal(readdirSync(join(root, "exp")).length, 50);
    for (const run of runs) assert.ok(existsSync(run.checkpointsPath));
  });

  it("metrics.jsonl gains one line per epoch and reads back", () => {
    const run = RunDirectory.create(scratch(), "exp");
    run.appendMetrics({ epoch: 1, loss: 0.5 });
    run.appendMetrics({ epoch: 2, loss: 0.25 });
    const text = readFileSync(run.file(RUN_FILES.metrics), "utf8");
    assert.equal(text.split("\n").filter(Boolean).length, 2);
    assert.deepEqual(run.readMetrics(), [
      { epoch: 1, loss: 0.5 },
      { epoch: 2, loss: 0.25 },
    ]);
  });

  it("opening a folder that is not a run is refused with its path", () => {
    const root = scratch();
    assert.throws(() => RunDirectory.open(root), (error: Error) => error.message.includes(root));
  });
});

describe("atomic writes", () => {
  it("replace the file whole and leave no temporary file behind", () => {
    const root = scratch();
    const path = join(root, "summary.json");
    writeFileAtomic(path, "first");
    writeFileAtomic(path, "second");
    assert.equal(readFileSync(path, "utf8"), "second");
    assert.deepEqual(readdirSync(root), ["summary.json"]);
  });

  it("a failed write keeps the previous content", () => {
    const root = scratch();
    const path = join(root, "summary.json");
    writeFileAtomic(path, "kept");
    assert.throws(() => writeFileAtomic(join(root, "missing-folder", "x.json"), "lost"));
    assert.equal(readFileSync(path, "utf8"), "kept");
    assert.deepEqual(readdirSync(root), ["summary.json"]);
  });
});
