import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { readValuesFile } from "../../src/quantum/values-file.js";

const folder = mkdtempSync(join(tmpdir(), "qhybrid-values-"));
function file(name: string, content: string | Buffer): string {
  const path = join(folder, name);
  writeFileSync(path, content);
  return path;
}

/** A .npy file as numpy.save writes it (format version 1.0). */
function npy(descr: string, shape: number[], data: Buffer): Buffer {
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(", ")}${shape.length === 1 ? "," : ""}), }`;
  header += " ".repeat(63 - ((10 + header.length) % 64)) + "\n";
  const prefix = Buffer.alloc(10);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(prefix);
  prefix.writeUInt16LE(header.length, 8);
  return Buffer.concat([prefix, Buffer.from(header, "latin1"), data]);
}

describe("input and weight files", () => {
  it("a flat JSON array is one row and an array of arrays is a batch", () => {
    assert.deepEqual(readValuesFile(file("a.json", "[1, 2.5, -3]")), { rows: [[1, 2.5, -3]], flat: true });
    assert.deepEqual(readValuesFile(file("b.json", "[[1, 2], [3, 4]]")), { rows: [[1, 2], [3, 4]], flat: false });
  });

  it("broken JSON is reported at its line and column", () => {
    const path = file("c.json", "[1, 2,\n }");
    assert.throws(() => readValuesFile(path), { name: "UsageError", message: `${path}:2:2: invalid JSON: Unexpected token '}' (expected a number array, or an array of arrays)` });
  });

  it("a non-number is reported by its index", () => {
    const path = file("d.json", '[[1, 2], [3, "x"]]');
    assert.throws(() => readValuesFile(path), { name: "UsageError", message: `${path}: [1][1]: expected a number, got "x"` });
  });

  it("float64 and float32 .npy arrays of one and two dimensions are read", () => {
    const doubles = Buffer.alloc(6 * 8);
    [0.5, -1, 2, 3, 4, 5].forEach((value, index) => doubles.writeDoubleLE(value, index * 8));
    assert.deepEqual(readValuesFile(file("e.npy", npy("<f8", [2, 3], doubles))), { rows: [[0.5, -1, 2], [3, 4, 5]], flat: false });
    const floats = Buffer.alloc(2 * 4);
    [0.25, 1.5].forEach((value, index) => floats.writeFloatLE(value, index * 4));
    assert.deepEqual(readValuesFile(file("f.npy", npy("<f4", [2], floats))), { rows: [[0.25, 1.5]], flat: true });
  });

  it("an unsupported .npy dtype names the supported ones", () => {
    const path = file("g.npy", npy("<c16", [1], Buffer.alloc(16)));
    assert.throws(() => readValuesFile(path), { name: "UsageError", message: /dtype <c16 is not supported; expected one of <f4, <f8, <i4, <i8/ });
  });

  it("a missing file is one line", () => {
    assert.throws(() => readValuesFile(join(folder, "none.json")), { name: "UsageError", message: /none\.json: cannot read \(no such file\)$/ });
  });
});
