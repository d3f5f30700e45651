import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { augmentBatch, augmentOptionsFromConfig } from "../../src/data/augment.js";
import { adjustHue, flipHorizontal, resizeBilinear, rotate, toUnitFloat } from "../../src/data/augment.js";
import { dataSchema } from "../../src/data/schema.js";
import { Random } from "../../src/random.js";

function randomImages(count: number, size: number, channels: number, seed = 3): Uint8Array {
  const random = new Random(seed);
  return Uint8Array.from({ length: count * size * size * channels }, () => random.integer(256));
}

describe("augmentation", () => {
  it("a horizontal flip twice is the identity and once mirrors columns", () => {
    const image = toUnitFloat(randomImages(1, 5, 3));
    const flipped = flipHorizontal(image, 5, 5, 3);
    assert.deepEqual(flipHorizontal(flipped, 5, 5, 3), image);
    assert.equal(flipped[(2 * 5 + 0) * 3 + 1], image[(2 * 5 + 4) * 3 + 1]);
  });

  it("rotation by 0 is the identity and by 90 degrees moves the top row to the left column", () => {
    const image = toUnitFloat(randomImages(1, 5, 1));
    assert.deepEqual(rotate(image, 5, 5, 1, 0), image);
    const turned = rotate(image, 5, 5, 1, 90);
    for (let x = 0; x < 5; x++) assert.ok(Math.abs(turned[(4 - x) * 5 + 0] - image[x]) < 1e-6, "counter-clockwise: top row → left column, read bottom-up");
    const back = rotate(turned, 5, 5, 1, -90);
    for (let index = 0; index < 25; index++) assert.ok(Math.abs(back[index] - image[index]) < 1e-6);
  });

  it("a bilinear resize to the same size is the identity and of a constant image is constant", () => {
    const image = toUnitFloat(randomImages(1, 6, 3));
    assert.deepEqual(resizeBilinear(image, 6, 6, 3, 6, 6), image);
    const constant = new Float32Array(4 * 4 * 3).fill(0.25);
    assert.ok(resizeBilinear(constant, 4, 4, 3, 9, 7).every((value) => Math.abs(value - 0.25) < 1e-6));
  });

  it("a hue shift of a whole turn changes nothing", () => {
    const image = toUnitFloat(randomImages(1, 4, 3));
    const shifted = image.slice();
    adjustHue(shifted, 1);
    for (let index = 0; index < image.length; index++) assert.ok(Math.abs(shifted[index] - image[index]) < 1e-5);
  });

  it("the same seed gives the same batch, another seed a different one", () => {
    const images = randomImages(4, 16, 3);
    const options = { crop: 12, flip: true, rotation: 15, colorJitter: { brightness: 0.3, contrast: 0.3, saturation: 0.3, hue: 0.1 } };
    const batch = { images, count: 4, shape: [16, 16, 3] as [number, number, number] };
    const a = augmentBatch(batch, options, { training: true, seed: 42 });
    const b = augmentBatch(batch, options, { training: true, seed: 42 });
    const c = augmentBatch(batch, options, { training: true, seed: 43 });
    assert.deepEqual(a.shape, [4, 12, 12, 3]);
    assert.deepEqual(a.data, b.data);
    assert.notDeepEqual(a.data, c.data);
  });

  it("evaluation applies only the resize, a centre crop and normalisation, whatever the seed", () => {
    const images = randomImages(2, 8, 1);
    const batch = { images, count: 2, shape: [8, 8, 1] as [number, number, number] };
    const options = { crop: 4, flip: true, rotation: 30, colorJitter: { brightness: 0.5, contrast: 0, saturation: 0, hue: 0 } };
    const a = augmentBatch(batch, options, { training: false, seed: 1 });
    const b = augmentBatch(batch, options, { training: false, seed: 2 });
    assert.deepEqual(a.data, b.data);
    assert.equal(a.data[0], Math.fround(images[2 * 8 + 2] / 255), "centre crop starts at row 2, column 2");
  });

  it("normalisation with the batch's own mean and std gives mean 0 and std 1 per channel", () => {
    const images = randomImages(8, 6, 3, 9);
    const channel = (c: number) => Array.from(images).filter((_, index) => index % 3 === c).map((value) => value / 255);
    const mean = [0, 1, 2].map((c) => channel(c).reduce((sum, value) => sum + value, 0) / (images.length / 3));
    const std = [0, 1, 2].map((c) => {
      const values = channel(c);
      return Math.sqrt(values.reduce((sum, value) => sum + (value - mean[c]) ** 2, 0) / values.length);
    });
    const { data } = augmentBatch({ images, count: 8, shape: [6, 6, 3] }, { normalize: { mean, std } }, { training: false });
    for (let c = 0; c < 3; c++) {
      const values = Array.from(data.filter((_, index) => index % 3 === c));
      const m = values.reduce((sum, value) => sum + value, 0) / values.length;
      const s = Math.sqrt(values.reduce((sum, value) => sum + (value - m) ** 2, 0) / values.length);
      assert.ok(Math.abs(m) < 1e-5 && Math.abs(s - 1) < 1e-5, `channel ${c}: mean ${m}, std ${s}`);
    }
  });

  it("reads its options from the data config", () => {
    const data = dataSchema.parse({ resize: [32, 32], augment: { crop: 28, flip: true, rotation: 10 }, normalize: { mean: [0.5], std: [0.25] } });
    assert.deepEqual(augmentOptionsFromConfig(data), { resize: [32, 32], crop: 28, flip: true, rotation: 10, normalize: { mean: [0.5], std: [0.25] } });
    assert.equal(augmentOptionsFromConfig(data, { includeNormalize: false }).normalize, undefined);
  });
});
