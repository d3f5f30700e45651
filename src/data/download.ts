// SPDX-License-Identifier: MIT
/**
 * @module data/download
 * `qhybrid datasets download`: fetches a dataset from its authors' published address,
 * resuming a partial transfer with an HTTP Range request (`<file>.part`), verifies the MD5
 * and unpacks archives with the system `tar`/`unzip`. Offline, it fails with one line.
 * Stanford Cars' addresses are dead since 2023, so it gets placement instructions instead.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, open, rename, rm, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { UserError } from "../errors.js";
import type { DatasetName } from "./schema.js";

export interface RemoteFile {
  url: string;
  /** Name on disk. */
  file: string;
  md5: string;
  /** How to unpack it once verified. */
  unpack?: "tar.gz" | "zip";
}

/** The authors' addresses (MNIST: torchvision's mirror, as LeCun's page refuses scripted downloads). */
export const DOWNLOADS: Partial<Record<DatasetName, RemoteFile[]>> = {
  mnist: [
    ["train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"],
    ["train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"],
    ["t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"],
    ["t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c"],
  ].map(([file, md5]) => ({ url: `https://ossci-datasets.s3.amazonaws.com/mnist/${file}`, file, md5 })),
  "fashion-mnist": [
    ["train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"],
    ["train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe"],
    ["t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79"],
    ["t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310"],
  ].map(([file, md5]) => ({ url: `http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/${file}`, file, md5 })),
  cifar100: [{ url: "https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz", file: "cifar-100-binary.tar.gz", md5: "03b5dce01913d631647c71ecec9e9cb8", unpack: "tar.gz" }],
  stl10: [{ url: "http://ai.stanford.edu/~acoates/stl10/stl10_binary.tar.gz", file: "stl10_binary.tar.gz", md5: "91f7769df0f17e558f3565bffb0c7dfb", unpack: "tar.gz" }],
};

/** VMMRdb is published as a Dropbox link without a checksum: fetched, unzipped, not verified. */
const VMMRDB_URL = "https://www.dropbox.com/s/uwa7c5uz7cac7cw/VMMRdb.zip?dl=1";

export function stanfordCarsInstructions(target: string): string {
  return [
    "Stanford Cars cannot be downloaded automatically: the original addresses (ai.stanford.edu/~jkrause/cars/) are dead since 2023.",
    "Get a copy (e.g. the Kaggle mirrors 'stanford-cars-dataset' or 'stanford-car-dataset-by-classes-folder') and place it so that one of these exists:",
    `  ${join(target, "cars_train/00001.jpg")}, ${join(target, "cars_test/00001.jpg")}, ${join(target, "devkit/cars_meta.mat")}, ${join(target, "devkit/cars_train_annos.mat")}, ${join(target, "cars_test_annos_withlabels.mat")}`,
    `  or ${join(target, "car_ims/000001.jpg")} with ${join(target, "cars_annos.mat")}`,
    `  or ${join(target, "anno_train.csv")}, ${join(target, "anno_test.csv")}, ${join(target, "names.csv")} with ${join(target, "car_data/car_data/{train,test}/<class>/")}`,
    `Then check it with: qhybrid datasets check stanford-cars --root ${target}`,
  ].join("\n");
}

/** Where `download` puts a dataset: --root, else $QHYBRID_DATA/<name>, else datasets/<name>. */
export function downloadTarget(name: DatasetName, root: string | undefined, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  if (root) return resolve(cwd, root);
  if (env.QHYBRID_DATA) return join(resolve(cwd, env.QHYBRID_DATA), name);
  return join(cwd, "datasets", name);
}

export interface DownloadResult {
  dataset: DatasetName;
  target: string;
  files: { file: string; bytes: number; resumedFrom: number; md5: string | null }[];
}

export async function downloadDataset(name: DatasetName, target: string, log: (line: string) => void = () => undefined): Promise<DownloadResult> {
  const files: RemoteFile[] | undefined =
    name === "vmmrdb" ? [{ url: VMMRDB_URL, file: "VMMRdb.zip", md5: "", unpack: "zip" }] : DOWNLOADS[name];
  if (!files) throw new UserError(stanfordCarsInstructions(target).split("\n")[0]);
  await mkdir(target, { recursive: true });
  const result: DownloadResult = { dataset: name, target, files: [] };
  for (const remote of files) {
    const fetched = await downloadFile(remote, target, log);
    result.files.push(fetched);
    if (remote.unpack) unpack(join(target, remote.file), target, remote.unpack, log);
  }
  return result;
}

/** Fetches one file into `folder`, resuming `<file>.part`, and checks its MD5 (if given). */
export async function downloadFile(remote: RemoteFile, folder: string, log: (line: string) => void = () => undefined): Promise<DownloadResult["files"][number]> {
  const finalPath = join(folder, remote.file);
  const partPath = `${finalPath}.part`;
  const existing = await stat(finalPath).catch(() => null);
  if (existing && remote.md5 && (await md5File(finalPath)) === remote.md5) {
    log(`${remote.file}: already here, MD5 verified`);
    return { file: finalPath, bytes: existing.size, resumedFrom: existing.size, md5: remote.md5 };
  }
  const partial = (await stat(partPath).catch(() => null))?.size ?? 0;
  let response: Response;
  try {
    response = await fetch(remote.url, { headers: partial > 0 ? { Range: `bytes=${partial}-` } : {}, redirect: "follow" });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const reason = cause?.code ?? cause?.message ?? (error as Error).message;
    throw new UserError(`cannot download ${remote.url}: ${reason} (no internet access?); place the files in ${folder} by hand`);
  }
  if (response.status !== 200 && response.status !== 206) {
    throw new UserError(`cannot download ${remote.url}: HTTP ${response.status} ${response.statusText}`);
  }
  const resumedFrom = response.status === 206 ? partial : 0;
  log(`${remote.file}: downloading${resumedFrom > 0 ? `, resuming at byte ${resumedFrom}` : ""}`);
  const handle = await open(partPath, resumedFrom > 0 ? "a" : "w");
  let bytes = resumedFrom;
  try {
    if (response.body) {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        await handle.write(chunk);
        bytes += chunk.length;
      }
    }
  } catch (error) {
    throw new UserError(`download of ${remote.url} interrupted at byte ${bytes} (${(error as Error).message}); run the command again to resume`);
  } finally {
    await handle.close();
  }
  if (remote.md5) {
    const md5 = await md5File(partPath);
    if (md5 !== remote.md5) {
      await rm(partPath, { force: true });
      throw new UserError(`${remote.url}: MD5 ${md5} does not match the published ${remote.md5}; the partial file was removed, run the command again`);
    }
  }
  await rename(partPath, finalPath);
  return { file: finalPath, bytes, resumedFrom, md5: remote.md5 || null };
}

export async function md5File(path: string): Promise<string> {
  const hash = createHash("md5");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

function unpack(archive: string, folder: string, kind: "tar.gz" | "zip", log: (line: string) => void): void {
  log(`unpacking ${archive}`);
  const [command, args] = kind === "tar.gz" ? ["tar", ["-xzf", archive, "-C", folder]] : ["unzip", ["-q", "-o", archive, "-d", folder]];
  const result = spawnSync(command, args, { stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
  if (result.error || result.status !== 0) {
    const reason = result.error?.message ?? result.stderr.trim().split("\n")[0];
    throw new UserError(`cannot unpack ${archive} with ${command}: ${reason}`);
  }
}
