import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { FIVE } from "./fixtures.js";
import { accuracy, argmaxRows, classificationMetrics, confusionMatrix, perClassAccuracy, topKAccuracy } from "../../src/eval/metrics.js";


describe("classification metrics", () => {
  it("top-1 accuracy of the five-sample case is 3/5", () => {
    assert.equal(accuracy(FIVE.probabilities, FIVE.labels), 0.6);
  });

  it("top-2 accuracy counts the two misses whose true class came second", () => {
    assert.equal(topKAccuracy(FIVE.probabilities, FIVE.labels, 2), 1);
  });

  it("top-5 on seven classes counts a true class ranked 5th and misses one ranked 6th", () => {
    const scores = new Float32Array([
      // true class 4 ranked 5th (classes 0..3 score higher)
      0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3,
      // true class 5 ranked 6th (classes 0..4 score higher)
      0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3,
      // true class 6 ranked 1st
      0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.4,
    ]);
    const labels = new Int32Array([4, 5, 6]);
    assert.equal(topKAccuracy(scores, labels, 5), 2 / 3);
    assert.equal(topKAccuracy(scores, labels, 6), 1);
    assert.equal(topKAccuracy(scores, labels, 1), 1 / 3);
  });

  it("a tie goes to the smaller class index, as argmax does", () => {
    const scores = new Float32Array([0.5, 0.5, 0.5, 0.5]);
    assert.deepEqual(Array.from(argmaxRows(scores, 2)), [0, 0]);
    assert.equal(accuracy(scores, new Int32Array([0, 1])), 0.5);
  });

  it("the confusion matrix has true classes as rows and predictions as columns", () => {
    const predicted = argmaxRows(FIVE.probabilities, 3);
    assert.deepEqual(confusionMatrix(FIVE.labels, predicted, 3), [
      [1, 0, 1],
      [1, 1, 0],
      [0, 0, 1],
    ]);
  });

  it("per-class accuracy is the recall of each class and null for a class without samples", () => {
    const result = perClassAccuracy(new Int32Array([0, 0, 1]), new Int32Array([0, 1, 1]), 3);
    assert.deepEqual(result, { accuracy: [0.5, 1, null], support: [2, 1, 0] });
  });

  it("classificationMetrics caps k at the class count", () => {
    const result = classificationMetrics(FIVE.probabilities, FIVE.labels);
    assert.equal(result.topK, 3);
    assert.equal(result.topKAccuracy, 1);
    assert.equal(result.count, 5);
  });

  it("mismatched shapes and out-of-range labels are refused", () => {
    assert.throws(() => accuracy(new Float32Array(5), new Int32Array(2)), /not 2 rows/);
    assert.throws(() => accuracy(new Float32Array(4), new Int32Array([0, 2])), /label 2 at row 1/);
  });
});
