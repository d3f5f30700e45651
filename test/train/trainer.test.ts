import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Random } from "../../src/random.js";
import { classBalancedOrder } from "../../src/train/trainer.js";

describe("class-balanced sampling", () => {
  it("draws every class about equally often however skewed the labels are", () => {
    const labels = Int32Array.from({ length: 10000 }, (_, index) => (index < 9000 ? 0 : index < 9900 ? 1 : 2));
    const order = classBalancedOrder(labels, 3, new Random(5));
    const counts = [0, 0, 0];
    for (const index of order) counts[labels[index]]++;
    assert.equal(order.length, labels.length);
    // Each class expects 10000/3 draws; 5 standard deviations of a binomial is about 235.
    for (const count of counts) assert.ok(Math.abs(count - 10000 / 3) < 235, `counts ${counts}`);
  });
});
