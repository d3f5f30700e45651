// SPDX-License-Identifier: MIT
/**
 * @module config/hash
 * A stable hash of a resolved config: the same settings give the same hash whatever the
 * key order in the file, so runs, labels files and sweep trials can be matched to configs.
 */
import { createHash } from "node:crypto";

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

/** First 16 hex digits of SHA-256 over the canonical JSON. */
export function configHash(value: unknown): string {
  return createHash("sha256").update(JSON.stringify(canonical(value))).digest("hex").slice(0, 16);
}
