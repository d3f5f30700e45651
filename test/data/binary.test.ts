import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { loadInMemory, openDataset } from "../../src/data/index.js";
import {
  CIFAR_TEST, CIFAR_TRAIN, cifarCoarse, cifarFine, STL_TEST, STL_TRAIN, STL_UNLABELED, stlLabel, temporaryFolder, writeCifar100, writeStl10,
} from "./fixtures.js";

const pixel = (images: Uint8Array, image: number, size: number, y: number, x: number, c: number) => images[image * size * size * 3 + (y * size + x) * 3 + c];

describe("CIFAR-100 binary loader", () => {
  it("reads fine labels and HWC pixels with the marker at row 0, column 1 of red", async () => {
    const dataset = await loadInMemory("cifar100", { root: writeCifar100(temporaryFolder("cifar")) });
    assert.deepEqual(dataset.imageShape, [32, 32, 3]);
    assert.equal(dataset.splits.train.count, CIFAR_TRAIN);
    assert.equal(dataset.splits.test.count, CIFAR_TEST);
    assert.equal(dataset.classNames.length, 100);
    assert.equal(dataset.classNames[41], "fine41");
    const { images, labels } = dataset.splits.train;
    for (let index = 0; index < CIFAR_TRAIN; index++) {
      assert.equal(labels[index], cifarFine(index));
      assert.equal(pixel(images, index, 32, 0, 1, 0), 255);
      assert.equal(pixel(images, index, 32, 1, 0, 0), 0);
      assert.equal(pixel(images, index, 32, 2, 0, 0), index);
      assert.equal(pixel(images, index, 32, 0, 5, 1), 77);
    }
  });

  it("uses the 20 coarse labels and their names on request", async () => {
    const dataset = await loadInMemory("cifar100", { root: writeCifar100(temporaryFolder("cifar")), coarseLabels: true });
    assert.equal(dataset.classNames.length, 20);
    assert.equal(dataset.classNames[3], "coarse3");
    assert.deepEqual(Array.from(dataset.splits.test.labels), [0, 1, 2, 3].map((index) => cifarCoarse(50 + index)));
  });

  it("a truncated train.bin names the file and the offset of the partial record", async () => {
    const root = writeCifar100(temporaryFolder("cifar"));
    const path = join(root, "cifar-100-binary", "train.bin");
    writeFileSync(path, readFileSync(path).subarray(0, 3074 * 2 + 100));
    await assert.rejects(loadInMemory("cifar100", { root }), new RegExp(`${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: at byte 6148: file is truncated`));
  });

  it("CIFAR-10 records are recognised and refused", async () => {
    const root = writeCifar100(temporaryFolder("cifar"));
    writeFileSync(join(root, "cifar-100-binary", "train.bin"), Buffer.alloc(3073 * 4));
    await assert.rejects(loadInMemory("cifar100", { root }), /3,073-byte CIFAR-10 records/);
  });
});

describe("STL-10 binary loader", () => {
  it("reads column-major planes into HWC with 0-based labels", async () => {
    const dataset = await loadInMemory("stl10", { root: writeStl10(temporaryFolder("stl")) });
    assert.deepEqual(dataset.imageShape, [96, 96, 3]);
    assert.equal(dataset.splits.train.count, STL_TRAIN);
    assert.equal(dataset.splits.test.count, STL_TEST);
    assert.equal(dataset.splits.unlabeled, undefined, "unlabeled only on request");
    const { images, labels } = dataset.splits.train;
    for (let index = 0; index < STL_TRAIN; index++) {
      assert.equal(labels[index], stlLabel(index) - 1);
      assert.equal(pixel(images, index, 96, 0, 1, 0), 255, "byte 96 of the plane is row 0, column 1");
      assert.equal(pixel(images, index, 96, 1, 0, 0), 0);
      assert.equal(pixel(images, index, 96, 2, 0, 0), index);
      assert.equal(pixel(images, index, 96, 0, 5, 1), 77);
    }
    assert.equal(dataset.classNames[2], "car");
  });

  it("a fold restricts train to that fold's indices", async () => {
    const dataset = await loadInMemory("stl10", { root: writeStl10(temporaryFolder("stl")), fold: 2 });
    assert.equal(dataset.splits.train.count, 3);
    assert.deepEqual(Array.from(dataset.splits.train.labels), [2, 5, 9].map((index) => stlLabel(index) - 1));
    assert.equal(pixel(dataset.splits.train.images, 1, 96, 2, 0, 0), 5);
  });

  it("the unlabeled split is read by offset with labels -1", async () => {
    const dataset = await openDataset("stl10", { root: writeStl10(temporaryFolder("stl")), unlabeled: true });
    try {
      const unlabeled = dataset.splits.unlabeled;
      assert.equal(unlabeled.count, STL_UNLABELED);
      const batch = await unlabeled.read([2, 0]);
      assert.deepEqual(Array.from(batch.labels), [-1, -1]);
      assert.equal(pixel(batch.images, 0, 96, 2, 0, 0), 202);
      assert.equal(pixel(batch.images, 1, 96, 2, 0, 0), 200);
      assert.equal(pixel(batch.images, 0, 96, 0, 1, 0), 255);
    } finally {
      await dataset.close();
    }
  });

  it("a label outside 1–10 names the label file and its offset", async () => {
    const root = writeStl10(temporaryFolder("stl"));
    const path = join(root, "stl10_binary", "train_y.bin");
    const labels = readFileSync(path);
    labels[4] = 0;
    writeFileSync(path, labels);
    await assert.rejects(loadInMemory("stl10", { root }), /train_y\.bin: at byte 4: label 0 is not 1–10/);
  });
});
