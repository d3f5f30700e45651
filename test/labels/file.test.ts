// SPDX-License-Identifier: MIT
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { checkLabelsFile, LABELS_FORMAT, readLabelsFile, sampleOrderChecksum, writeLabelsFile, type LabelsFile } from "../../src/labels/file.js";
import { UsageError, UserError } from "../../src/errors.js";

function sample(): LabelsFile {
  const images = Uint8Array.from({ length: 3 * 4 }, (_, i) => i * 7);
  const labels = Int32Array.from([0, 2, 1]);
  return {
    header: {
      format: LABELS_FORMAT,
      dataset: "mnist",
      split: "train",
      count: 3,
      classes: 3,
      classNames: ["a", "b", "c"],
      orderChecksum: sampleOrderChecksum(images, labels),
      configHash: "0123456789abcdef",
      mapping: "first 3 basis states renormalised",
      labeller: { kind: "born" },
      createdAt: "2026-11-24T00:00:00.000Z",
    },
    distributions: Float32Array.from([0.7, 0.2, 0.1, 0.1, 0.1, 0.8, 1 / 3, 1 / 3, 1 / 3]),
  };
}

const identity = (file: LabelsFile) => ({ dataset: "mnist", split: "train", count: 3, classes: 3, orderChecksum: file.header.orderChecksum });

describe("labels file", () => {
  it("round-trips its header and every float32 value", () => {
    const path = join(mkdtempSync(join(tmpdir(), "qhybrid-labels-")), "labels.bin");
    const original = sample();
    writeLabelsFile(path, original);
    const read = readLabelsFile(path);
    assert.deepEqual(read.header, original.header);
    assert.deepEqual(read.distributions, original.distributions);
    assert.doesNotThrow(() => checkLabelsFile(path, read, identity(read)));
  });

  it("is refused for another dataset, count, sample order or labeller config, in one line", () => {
    const file = sample();
    const cases: [Partial<ReturnType<typeof identity>> & { configHash?: string }, RegExp][] = [
      [{ dataset: "fashion-mnist" }, /made for dataset mnist, not fashion-mnist/],
      [{ count: 4 }, /holds 3 samples, the train split has 4/],
      [{ orderChecksum: "ffffffffffffffff" }, /sample-order checksum/],
      [{ configHash: "fedcba9876543210" }, /labeller config hash/],
    ];
    for (const [change, message] of cases) {
      assert.throws(() => checkLabelsFile("x.bin", file, { ...identity(file), ...change }), (error: Error) => error instanceof UsageError && message.test(error.message) && !error.message.includes("\n"));
    }
  });

  it("changes its sample-order checksum when two samples swap", () => {
    const images = Uint8Array.from([1, 2, 3, 4]);
    assert.notEqual(sampleOrderChecksum(images, Int32Array.from([0, 1])), sampleOrderChecksum(Uint8Array.from([3, 4, 1, 2]), Int32Array.from([1, 0])));
  });

  it("rejects a truncated file with a clear error", () => {
    const dir = mkdtempSync(join(tmpdir(), "qhybrid-labels-"));
    writeLabelsFile(join(dir, "a.bin"), sample());
    const bytes = readFileSync(join(dir, "a.bin"));
    writeFileSync(join(dir, "b.bin"), bytes.subarray(0, bytes.length - 4));
    assert.throws(() => readLabelsFile(join(dir, "b.bin")), (error: Error) => error instanceof UserError && /expected 9 float32 values/.test(error.message));
    writeFileSync(join(dir, "c.bin"), "not labels");
    assert.throws(() => readLabelsFile(join(dir, "c.bin")), /not a qhybrid labels file/);
  });
});
