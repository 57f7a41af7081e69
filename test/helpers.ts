import { inflateSync } from "node:zlib";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

import * as cctv from "cctv-age";

export interface Vector {
  name: string;
  expect: "success" | "header failure" | "HMAC failure" | "armor failure" | "payload failure" | "no match";
  payload?: string;
  fileKey: string;
  identities: string[];
  passphrases: string[];
  armored: boolean;
  comment?: string;
  body: Uint8Array;
}

/** Parse one CCTV age vector file: `key: value` lines, a blank line, then the (maybe zlib) body. */
export function parseVector(name: string, raw: Uint8Array): Vector {
  const sep = Buffer.from(raw).indexOf("\n\n");
  if (sep < 0) throw new Error(`${name}: no blank line`);
  const head = Buffer.from(raw.subarray(0, sep)).toString("utf8");
  let body: Uint8Array = raw.subarray(sep + 2);
  const v: Partial<Vector> & { identities: string[]; passphrases: string[] } = { name, identities: [], passphrases: [], armored: false };
  for (const line of head.split("\n")) {
    const i = line.indexOf(": ");
    const key = line.slice(0, i);
    const value = line.slice(i + 2);
    switch (key) {
      case "expect": v.expect = value as Vector["expect"]; break;
      case "payload": v.payload = value; break;
      case "file key": v.fileKey = value; break;
      case "identity": v.identities.push(value); break;
      case "passphrase": v.passphrases.push(value); break;
      case "armored": v.armored = value === "yes"; break;
      case "comment": v.comment = value; break;
      case "compressed":
        if (value !== "zlib") throw new Error(`${name}: unknown compression ${value}`);
        body = inflateSync(body);
        break;
      default: throw new Error(`${name}: unknown key ${key}`);
    }
  }
  return { ...(v as Vector), body };
}

/**
 * All C2SP CCTV age vectors, from the `cctv-age` dev dependency (npm, by the age authors: one
 * export per file of CCTV's age/testdata, name to bytes). 22 of them are zlib-compressed; {@link parseVector}
 * inflates them with node:zlib.
 */
export function loadVectors(): Vector[] {
  const all = cctv as unknown as Record<string, Uint8Array>;
  return Object.keys(all).filter((k) => all[k] instanceof Uint8Array).sort().map((name) => parseVector(name, all[name] as Uint8Array));
}

export function sha256hex(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** The full path of an executable on PATH, or null. */
export function onPath(name: string): string | null {
  for (const d of (process.env["PATH"] ?? "").split(path.delimiter)) {
    if (d === "") continue;
    const p = path.join(d, name);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      if (fs.statSync(p).isFile()) return p;
    } catch {
      // not here
    }
  }
  return null;
}

/**
 * Whether permission bits bind this process: not for root, nor for a process with
 * CAP_DAC_OVERRIDE (some containers), nor, perhaps, for a non-root uid 0 in a user namespace.
 * Probed, not guessed from the uid, so permission tests run wherever they can mean something.
 */
export function permissionBitsBind(dirToProbe: string): boolean {
  const probe = path.join(dirToProbe, ".permission-probe");
  fs.writeFileSync(probe, "x");
  fs.chmodSync(probe, 0o000);
  try {
    fs.readFileSync(probe);
    return false;
  } catch {
    return true;
  } finally {
    fs.rmSync(probe, { force: true });
  }
}
