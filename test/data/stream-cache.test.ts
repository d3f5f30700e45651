import assert from "node:assert/strict";
import { readdirSync, utimesSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import sharp from "sharp";
import { isFileDataset, openDataset, streamBatches } from "../../src/data/index.js";
import { memorySplit } from "../../src/data/memory.js";
import { temporaryFolder, writeJpeg, writeStanfordCarsDevkit } from "./fixtures.js";

function countingSplit(count: number) {
  const images = Uint8Array.from({ length: count }, (_, index) => index);
  const inner = memorySplit("train", images, Int32Array.from({ length: count }, (_, index) => index % 3), [1, 1, 1]);
  let inFlight = 0;
  let maxInFlight = 0;
  return {
    split: {
      ...inner,
      async read(indices: ArrayLike<number>) {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 2));
        inFlight--;
        return inner.read(indices);
      },
    },
    maxInFlight: () => maxInFlight,
  };
}

describe("streaming and the resized-image cache", () => {
  it("a seeded epoch visits every image once, in the same order for the same seed", async () => {
    const { split } = countingSplit(50);
    const seen: number[] = [];
    for await (const batch of streamBatches(split, { batchSize: 8, seed: 11 })) seen.push(...batch.images);
    assert.deepEqual([...seen].sort((a, b) => a - b), Array.from({ length: 50 }, (_, index) => index));
    const again: number[] = [];
    for await (const batch of streamBatches(split, { batchSize: 8, seed: 11 })) again.push(...batch.images);
    assert.deepEqual(again, seen);
    assert.notDeepEqual(seen, Array.from({ length: 50 }, (_, index) => index));
  });

  it("never has more than prefetch + 1 batch reads in flight", async () => {
    const { split, maxInFlight } = countingSplit(100);
    for await (const batch of streamBatches(split, { batchSize: 4, prefetch: 2 })) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      assert.ok(batch.count <= 4);
    }
    assert.ok(maxInFlight() <= 3, `max in flight ${maxInFlight()}`);
    assert.ok(maxInFlight() >= 2, "prefetching happened");
  });

  it("dropLast and limit shape the epoch", async () => {
    const { split } = countingSplit(10);
    const sizes: number[] = [];
    for await (const batch of streamBatches(split, { batchSize: 4, dropLast: true })) sizes.push(batch.count);
    assert.deepEqual(sizes, [4, 4]);
    const limited: number[] = [];
    for await (const batch of streamBatches(split, { batchSize: 4, limit: 5 })) limited.push(batch.count);
    assert.deepEqual(limited, [4, 1]);
  });

  it("the second read comes from the cache, gives the same bytes, and a changed file is decoded again", async () => {
    const root = await writeStanfordCarsDevkit(temporaryFolder("cars"));
    const cacheDir = temporaryFolder("cache");
    const options = { root, resize: [12, 12] as [number, number], cacheDir };
    const first = await openDataset("stanford-cars", options);
    assert.ok(isFileDataset(first));
    const prepared = await first.prepare();
    assert.deepEqual(prepared.map((split) => [split.decoded, split.cached]), [[4, 0], [3, 0]]);
    const decoded = await first.splits.train.read([0, 1, 2, 3]);
    await first.close();
    assert.ok(readdirSync(join(cacheDir, "stanford-cars")).length === 2, "one cache folder per split");

    // Replace image 0 with a different picture (and a new mtime): its slot must be refreshed.
    const replaced = join(root, "cars_train", "00001.jpg");
    await sharp({ create: { width: 30, height: 30, channels: 3, background: { r: 0, g: 200, b: 0 } } }).jpeg().toFile(replaced);
    utimesSync(replaced, new Date(), new Date(Date.now() + 5000));
    const second = await openDataset("stanford-cars", options);
    assert.ok(isFileDataset(second));
    const again = await second.prepare();
    assert.deepEqual(again.map((split) => [split.decoded, split.cached]), [[1, 3], [0, 3]]);
    const cached = await second.splits.train.read([0, 1, 2, 3]);
    await second.close();
    assert.deepEqual(cached.images.subarray(432), decoded.images.subarray(432), "unchanged images identical from the cache");
    assert.ok(cached.images[1] > 150 && cached.images[0] < 60, "the replaced image is the new green one");
  });

  it("without a cache folder nothing is written", async () => {
    const root = temporaryFolder("cars-nocache");
    await writeStanfordCarsDevkit(root);
    await writeJpeg(join(root, "cars_train", "extra.jpg"), 10, 10);
    const dataset = await openDataset("stanford-cars", { root, resize: [8, 8], cacheDir: false });
    const batch = await dataset.splits.train.read([0]);
    assert.equal(batch.images.length, 8 * 8 * 3);
    await dataset.close();
  });
});
