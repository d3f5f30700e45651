import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { loadInMemory, openDataset } from "../../src/data/index.js";
import { buildManifest } from "../../src/data/loaders/vmmrdb.js";
import { temporaryFolder, writeVmmrdb } from "./fixtures.js";

const SPLIT = { seed: 7, minImagesPerClass: 2, validationFraction: 0.2, testFraction: 0.2 };

describe("VMMRdb loader", () => {
  it("skips and counts junk, drops classes under the minimum, keeps folder names with spaces as labels", async () => {
    const { root } = await writeVmmrdb(temporaryFolder("vmmr"));
    const manifest = await buildManifest(root, SPLIT);
    assert.deepEqual(manifest.classNames, ["acura_tsx_wagon_2011", "alfa romeo_4c_2015"]);
    assert.equal(manifest.droppedClasses, 1, "the one-image class");
    assert.deepEqual(manifest.skipped.byReason, { "macOS sidecar": 1, "hidden file": 1, "not an image name": 1, empty: 1, "not JPEG or PNG data": 1 });
    const total = Object.values(manifest.splits).reduce((sum, list) => sum + list.length, 0);
    assert.equal(total, 5 + 1 + 6, "good images plus the truncated JPEG, whose header looks fine");
    for (const label of [0, 1]) assert.ok(manifest.splits.test.some(([, l]) => l === label), "every class has a test image");
  });

  it("splits identically on every run and differently for another seed", async () => {
    const { root } = await writeVmmrdb(temporaryFolder("vmmr"));
    const first = await buildManifest(root, SPLIT);
    const again = await buildManifest(root, SPLIT);
    assert.deepEqual(again.splits, first.splits);
    const seeds = await Promise.all([1, 2, 3, 4].map((seed) => buildManifest(root, { ...SPLIT, seed })));
    assert.ok(seeds.some((other) => JSON.stringify(other.splits.test) !== JSON.stringify(first.splits.test)));
  });

  it("writes the manifest where asked and reuses it", async () => {
    const { root } = await writeVmmrdb(temporaryFolder("vmmr"));
    const manifestPath = join(temporaryFolder("results"), "split.json");
    const options = { root, splitSeed: 7, minImagesPerClass: 2, validationFraction: 0.2, testFraction: 0.2, manifestPath, resize: [8, 8] as [number, number], cacheDir: temporaryFolder("cache") };
    const dataset = await openDataset("vmmrdb", options);
    await dataset.close();
    const saved = JSON.parse(readFileSync(manifestPath, "utf8"));
    assert.equal(saved.format, "qhybrid-vmmrdb-split");
    const reopened = await openDataset("vmmrdb", { ...options, splitSeed: 99 });
    assert.deepEqual(Array.from(reopened.splits.test.labels), saved.splits.test.map(([, label]: [string, number]) => label), "the saved split wins");
    await reopened.close();
  });

  it("a truncated JPEG is skipped at decode time and counted, never fatal", async () => {
    const { root } = await writeVmmrdb(temporaryFolder("vmmr"));
    const dataset = await loadInMemory("vmmrdb", { root, splitSeed: 7, minImagesPerClass: 2, validationFraction: 0.2, testFraction: 0.2, resize: [8, 8], cacheDir: temporaryFolder("cache"), splits: ["train", "validation", "test"] });
    const read = dataset.splits.train.count + dataset.splits.validation.count + dataset.splits.test.count;
    assert.equal(read, 11);
    const decodeSkips = dataset.notes.find((note) => note.kind === "skipped" && note.message.includes("unreadable image"));
    assert.equal(decodeSkips?.count, 1);
    assert.match(decodeSkips?.files?.[0] ?? "", /truncated\.jpg$/);
    assert.ok(dataset.notes.some((note) => /5 file\(s\) skipped while listing/.test(note.message)));
  });
});
