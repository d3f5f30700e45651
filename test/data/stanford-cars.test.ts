import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loadInMemory } from "../../src/data/index.js";
import { CARS_CLASSES, CARS_TEST, CARS_TRAIN, temporaryFolder, writeStanfordCarsCsv, writeStanfordCarsDevkit } from "./fixtures.js";

const SIZE = 16;
const rgb = (images: Uint8Array, image: number, y: number, x: number) => Array.from(images.subarray((image * SIZE * SIZE + y * SIZE + x) * 3, (image * SIZE * SIZE + y * SIZE + x) * 3 + 3));
// Dominance rather than exact values: a CMYK JPEG goes through colour profiles (blue 0,0,230 comes back near 27,54,135).
const isRed = ([r, g, b]: number[]) => r > g + 60 && r > b + 60;
const isBlue = ([r, g, b]: number[]) => b > r + 60 && b > g + 60;

function checkHalves(images: Uint8Array, count: number, greyscale: Set<number>): void {
  for (let image = 0; image < count; image++) {
    const left = rgb(images, image, 8, 0);
    const right = rgb(images, image, 8, SIZE - 1);
    if (greyscale.has(image)) {
      assert.equal(left[0], left[1], "a greyscale JPEG becomes RGB with equal channels");
      assert.equal(left[1], left[2]);
    } else {
      assert.ok(isRed(left), `image ${image}: left edge red, got ${left}`);
      assert.ok(isBlue(right), `image ${image}: right edge blue, got ${right}`);
      assert.ok(isRed(rgb(images, image, 0, 0)) && isRed(rgb(images, image, SIZE - 1, 0)), "left column red top to bottom (not transposed)");
    }
  }
}

describe("Stanford Cars loader", () => {
  it("reads the devkit .mat layout: 1-based classes, class names, greyscale and CMYK as RGB", async () => {
    const root = await writeStanfordCarsDevkit(temporaryFolder("cars"));
    const dataset = await loadInMemory("stanford-cars", { root, resize: [SIZE, SIZE], cacheDir: false });
    assert.deepEqual(dataset.classNames, CARS_CLASSES);
    assert.deepEqual(dataset.imageShape, [SIZE, SIZE, 3]);
    assert.deepEqual(Array.from(dataset.splits.train.labels), CARS_TRAIN.map((row) => row[4] - 1));
    assert.deepEqual(Array.from(dataset.splits.test.labels), CARS_TEST.map((row) => row[4] - 1));
    checkHalves(dataset.splits.train.images, CARS_TRAIN.length, new Set([1]));
    checkHalves(dataset.splits.test.images, CARS_TEST.length, new Set([2]));
  });

  it("finds the labelled test annotations inside devkit/ too", async () => {
    const root = await writeStanfordCarsDevkit(temporaryFolder("cars"), { testAnnotationsInDevkit: true });
    const dataset = await loadInMemory("stanford-cars", { root, resize: [SIZE, SIZE], cacheDir: false });
    assert.equal(dataset.splits.test.count, CARS_TEST.length);
  });

  it("crops to the bounding box on request (a box over the blue half gives a blue image)", async () => {
    const root = await writeStanfordCarsDevkit(temporaryFolder("cars"));
    const dataset = await loadInMemory("stanford-cars", { root, resize: [SIZE, SIZE], boundingBox: true, cacheDir: false });
    // train 00003 (CMYK, 80×50) has the box x 41–80: the blue half only.
    assert.ok(isBlue(rgb(dataset.splits.train.images, 2, 8, 0)));
    assert.ok(isBlue(rgb(dataset.splits.train.images, 2, 8, SIZE - 1)));
    // test 00003 (greyscale 44×44) box x 1–22: the left half only, uniform grey.
    const [a] = rgb(dataset.splits.test.images, 2, 8, 0);
    const [b] = rgb(dataset.splits.test.images, 2, 8, SIZE - 1);
    assert.ok(Math.abs(a - b) < 12, `uniform after the crop, got ${a} and ${b}`);
  });

  it("reads the Kaggle CSV layout with class folders", async () => {
    const root = await writeStanfordCarsCsv(temporaryFolder("cars-csv"));
    const dataset = await loadInMemory("stanford-cars", { root, resize: [SIZE, SIZE], cacheDir: false });
    assert.deepEqual(dataset.classNames, CARS_CLASSES);
    assert.deepEqual(Array.from(dataset.splits.train.labels), CARS_TRAIN.map((row) => row[4] - 1));
    checkHalves(dataset.splits.train.images, CARS_TRAIN.length, new Set([1]));
  });
});
