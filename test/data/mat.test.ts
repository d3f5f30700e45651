import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { readMat } from "../../src/data/formats/mat.js";
import { writeMat } from "./mat-writer.js";

describe("MAT v5 reader", () => {
  for (const compressed of [false, true]) {
    it(`reads structs, cells, strings and integer-stored doubles from a ${compressed ? "compressed" : "plain"} file`, () => {
      const bytes = writeMat(
        {
          annotations: {
            kind: "struct",
            fields: ["bbox_x1", "class", "fname"],
            items: [
              { bbox_x1: { kind: "numeric", data: [39] }, class: { kind: "numeric", data: [14] }, fname: { kind: "char", text: "00001.jpg" } },
              { bbox_x1: { kind: "numeric", data: [5000] }, class: { kind: "numeric", data: [196] }, fname: { kind: "char", text: "00002.jpg" } },
            ],
          },
          class_names: { kind: "cell", items: [{ kind: "char", text: "AM General Hummer SUV 2000" }, { kind: "char", text: "Acura RL" }] },
          matrix: { kind: "numeric", dims: [2, 3], data: [1.5, -2, 3, 4, 5, 6] },
        },
        compressed,
      );
      const variables = readMat(bytes, "test.mat");
      const annotations = variables.get("annotations");
      assert.equal(annotations?.kind, "struct");
      if (annotations?.kind !== "struct") return;
      assert.deepEqual(annotations.fieldNames, ["bbox_x1", "class", "fname"]);
      assert.deepEqual(annotations.items[1].bbox_x1, { kind: "numeric", dims: [1, 1], data: Float64Array.of(5000) });
      assert.deepEqual(annotations.items[0].fname, { kind: "char", dims: [1, 9], rows: ["00001.jpg"] });
      const names = variables.get("class_names");
      assert.equal(names?.kind === "cell" && names.items[0].kind === "char" && names.items[0].rows[0], "AM General Hummer SUV 2000");
      assert.deepEqual(variables.get("matrix"), { kind: "numeric", dims: [2, 3], data: Float64Array.of(1.5, -2, 3, 4, 5, 6) });
    });
  }

  it("a MATLAB 7.3 (HDF5) file is refused with a one-line reason", () => {
    const bytes = Buffer.alloc(200);
    bytes.write("MATLAB 7.3 MAT-file, Platform: GLNXA64", 0, "latin1");
    assert.throws(() => readMat(bytes, "v73.mat"), /v73\.mat: at byte 0: MATLAB 7\.3 \(HDF5\) files are not supported/);
  });

  it("a truncated file names the offset of the element that runs past the end", () => {
    const bytes = writeMat({ x: { kind: "numeric", data: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] } }, false);
    assert.throws(() => readMat(bytes.subarray(0, bytes.length - 20), "cut.mat"), /cut\.mat: at byte 128: element of \d+ bytes runs past the end/);
  });
});
