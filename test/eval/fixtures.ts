// Shared hand-computed cases for the evaluation tests.

// Five samples, three classes (rows sum to 1). Predictions 0, 0, 1, 2, 2; correct: yes, no, yes, yes, no.
export const FIVE = {
  probabilities: new Float32Array([
    0.7, 0.18, 0.12, // y=0, correct
    0.65, 0.25, 0.1, // y=1, predicted 0; true class ranked 2nd
    0.15, 0.5, 0.35, // y=1, correct
    0.05, 0.05, 0.9, // y=2, correct
    0.3, 0.25, 0.45, // y=0, predicted 2; true class ranked 2nd
  ]),
  labels: new Int32Array([0, 1, 1, 2, 0]),
};
