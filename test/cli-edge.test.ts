/**
 * Edge cases a first-time user found (see the commit that added this file): special output
 * files, modes kept under --force, symlinks, long names, passphrase errors, inspect on a cut
 * payload, forcing binary to a terminal, and commander's errors with a hint.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { doormat } from "./cli-harness.js";

const dir = fs.mkdtempSync(join(tmpdir(), "doormat-edge-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let key: string;
let pub: string;
let gov: string;
const msg = join(dir, "msg.txt");

beforeAll(async () => {
  key = join(dir, "k.key");
  await doormat(["keygen", "-o", key]);
  pub = (await doormat(["pubkey", key])).stdout.toString().trim();
  const govKey = join(dir, "gov.key");
  await doormat(["keygen", "-o", govKey]);
  gov = (await doormat(["pubkey", govKey])).stdout.toString().trim();
  fs.writeFileSync(msg, "hello\n");
});

const oneError = (stderr: string): void => {
  expect(stderr.split("\n").filter((l) => l.startsWith("doormat: error:"))).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /);
};

describe("outputs that are not regular files", () => {
  it("writes into /dev/null without --force, and replaces nothing", async () => {
    const r = await doormat(["encrypt", "-r", pub, "-o", "/dev/null", msg]);
    expect(r.code).toBe(0);
    expect(fs.statSync("/dev/null").isCharacterDevice()).toBe(true);
  });

  it("writes into a FIFO in place", async () => {
    const fifo = join(dir, "fifo");
    execFileSync("mkfifo", [fifo]);
    const reader = new Promise<Buffer>((resolve) => {
      const chunks: Buffer[] = [];
      fs.createReadStream(fifo).on("data", (d) => chunks.push(d as Buffer)).on("end", () => resolve(Buffer.concat(chunks)));
    });
    const r = await doormat(["encrypt", "-r", pub, "-a", "-o", fifo, msg]);
    expect(r.code).toBe(0);
    expect((await reader).toString()).toMatch(/^-----BEGIN AGE ENCRYPTED FILE-----/);
    expect(fs.statSync(fifo).isFIFO()).toBe(true);
  });

  it("--force replaces the file a symlink points to, keeps the link and the file's mode", async () => {
    const real = join(dir, "private.txt");
    const link = join(dir, "link.txt");
    fs.writeFileSync(real, "old\n", { mode: 0o600 });
    fs.chmodSync(real, 0o600);
    fs.symlinkSync(real, link);
    const ct = join(dir, "m.age");
    await doormat(["encrypt", "-r", pub, "-o", ct, msg]);
    const r = await doormat(["decrypt", "-i", key, "-f", "-o", link, ct]);
    expect(r.code).toBe(0);
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(real, "utf8")).toBe("hello\n");
    expect(fs.statSync(real).mode & 0o777).toBe(0o600);
  });

  it("a 250-character output name works (the temporary name stays under NAME_MAX)", async () => {
    const name = join(dir, `${"x".repeat(246)}.age`);
    const r = await doormat(["encrypt", "-r", pub, "-o", name, msg]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });
});

describe("messages", () => {
  it("a wrong passphrase says so", async () => {
    const ct = join(dir, "p.age");
    expect((await doormat(["encrypt", "-p", "-o", ct, msg], { passphrases: ["right", "right"] })).code).toBe(0);
    const r = await doormat(["decrypt", ct], { passphrases: ["wrong"] });
    expect(r.code).toBe(1);
    oneError(r.stderr);
    expect(r.stderr).toContain("incorrect passphrase");
  });

  it("unknown commands and options get a --help hint", async () => {
    for (const args of [["frobnicate"], ["encrypt", "--bogus"]]) {
      const r = await doormat(args);
      expect(r.code).toBe(1);
      oneError(r.stderr);
      expect(r.stderr).toMatch(/doormat: hint: /);
    }
  });

  it("an empty --seed is refused", async () => {
    const r = await doormat(["demo", "--seed", "", "--users", "2", "--messages", "1"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("--seed needs a value");
  });

  it("an empty --out or --cast names the option, and writes nothing", async () => {
    for (const [flag, said] of [["--out", "--out needs a directory name"], ["--cast", "--cast needs a file name"]] as const) {
      const r = await doormat(["demo", "leak", flag, "", "--users", "2", "--messages", "1"]);
      expect(r.code).toBe(1);
      oneError(r.stderr);
      expect(r.stderr).toContain(said);
      expect(r.stdout.length).toBe(0);
    }
  });
});

describe("inspect on a cut payload", () => {
  it("exits 1 after the report, and 3 with --deny-escrow when escrow shows", async () => {
    const ct = join(dir, "e.age");
    await doormat(["encrypt", "-r", pub, "--escrow", gov, "-o", ct, msg]);
    const full = fs.readFileSync(ct);
    const cut = join(dir, "cut.age");
    fs.writeFileSync(cut, full.subarray(0, full.length - 20));
    const r = await doormat(["inspect", cut]);
    expect(r.code).toBe(1);
    expect(r.stdout.toString()).toContain("not a valid payload size");
    oneError(r.stderr);
    expect((await doormat(["inspect", "--deny-escrow", cut])).code).toBe(3);
    expect((await doormat(["inspect", ct])).code).toBe(0);
  });
});

describe("binary plaintext and the terminal", () => {
  it("is refused by default and forced with -o -", async () => {
    const bin = join(dir, "bin");
    fs.writeFileSync(bin, Buffer.from([0, 1, 2, 27, 255]));
    const ct = join(dir, "bin.age");
    await doormat(["encrypt", "-r", pub, "-o", ct, bin]);
    const refused = await doormat(["decrypt", "-i", key, ct], { tty: { stdout: true } });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('-o -');
    const forced = await doormat(["decrypt", "-i", key, "-o", "-", ct], { tty: { stdout: true } });
    expect(forced.code).toBe(0);
    expect([...forced.stdout]).toEqual([0, 1, 2, 27, 255]);
  });
});

describe("plaintext to a terminal streams: the first chunk decides", () => {
  const CHUNK = 65536;
  /** Printable text of `n` bytes. */
  const text = (n: number): Buffer => Buffer.from("All work and no play makes Jack a dull boy.\n".repeat(Math.ceil(n / 44)).slice(0, n));
  async function encryptBytes(name: string, data: Buffer): Promise<string> {
    const p = join(dir, name);
    fs.writeFileSync(p, data);
    const r = await doormat(["encrypt", "-r", pub, "-o", `${p}.age`, p]);
    expect(r.code).toBe(0);
    return `${p}.age`;
  }

  it("text of many chunks is printed whole (armored input too)", async () => {
    const data = text(5 * CHUNK + 123);
    const ct = await encryptBytes("t5", data);
    const r = await doormat(["decrypt", "-i", key, ct], { tty: { stdout: true } });
    expect(r.code, r.stderr).toBe(0);
    expect(Buffer.compare(r.stdout, data)).toBe(0);
    const armored = join(dir, "t5.asc");
    await doormat(["encrypt", "-a", "-r", pub, "-o", armored, join(dir, "t5")]);
    const r2 = await doormat(["decrypt", "-i", key, armored], { tty: { stdout: true } });
    expect(Buffer.compare(r2.stdout, data)).toBe(0);
  });

  it("text shorter than a chunk, and empty plaintext, are printed", async () => {
    for (const data of [text(1), text(CHUNK - 1), text(CHUNK), Buffer.alloc(0)]) {
      const ct = await encryptBytes(`s${data.length}`, data);
      const r = await doormat(["decrypt", "-i", key, ct], { tty: { stdout: true } });
      expect(r.code, r.stderr).toBe(0);
      expect(Buffer.compare(r.stdout, data)).toBe(0);
    }
  });

  it("a control character anywhere in the first chunk refuses, before anything is printed", async () => {
    for (const at of [0, 1000, CHUNK - 1]) {
      const data = text(3 * CHUNK);
      data[at] = 0x1b; // ESC: would drive the terminal
      const ct = await encryptBytes(`esc${at}`, data);
      const r = await doormat(["decrypt", "-i", key, ct], { tty: { stdout: true } });
      expect(r.code).toBe(1);
      oneError(r.stderr);
      expect(r.stderr).toContain("refusing to print binary plaintext");
      expect(r.stdout.length).toBe(0);
    }
  });

  it("after the first chunk, bytes are not held back (decided from the first bytes, as age does)", async () => {
    const data = text(3 * CHUNK);
    data[CHUNK + 10] = 0x00;
    const ct = await encryptBytes("late-nul", data);
    const r = await doormat(["decrypt", "-i", key, ct], { tty: { stdout: true } });
    expect(r.code, r.stderr).toBe(0);
    expect(Buffer.compare(r.stdout, data)).toBe(0);
  });

  it("a corrupted third chunk: the two authenticated chunks are shown, then one error line and exit 1", async () => {
    const data = text(4 * CHUNK);
    const ct = fs.readFileSync(await encryptBytes("t4", data));
    // The payload's chunks are the last 4 × (64 KiB + 16) bytes; flip a byte inside the third.
    const start = ct.length - 4 * (CHUNK + 16);
    const at = start + 2 * (CHUNK + 16) + 5;
    ct[at] = (ct[at] as number) ^ 1;
    const bad = join(dir, "t4-bad.age");
    fs.writeFileSync(bad, ct);
    const r = await doormat(["decrypt", "-i", key, bad], { tty: { stdout: true } });
    expect(r.code).toBe(1);
    oneError(r.stderr);
    expect(r.stderr).toMatch(/incomplete/);
    expect(r.stdout.length).toBe(2 * CHUNK);
    expect(Buffer.compare(r.stdout, data.subarray(0, 2 * CHUNK))).toBe(0);
  });
});

describe("a payload error with -o to a regular file", () => {
  it("says the file was not written, and it does not exist", async () => {
    const CHUNK = 65536;
    const p = join(dir, "atomic-src");
    fs.writeFileSync(p, Buffer.alloc(2 * CHUNK, 0x61));
    await doormat(["encrypt", "-r", pub, "-o", `${p}.age`, p]);
    const ct = fs.readFileSync(`${p}.age`);
    const at = ct.length - 5; // inside the last chunk's tag
    ct[at] = (ct[at] as number) ^ 1;
    fs.writeFileSync(`${p}.bad`, ct);
    const target = join(dir, "atomic-out.txt");
    const r = await doormat(["decrypt", "-i", key, "-o", target, `${p}.bad`]);
    expect(r.code).toBe(1);
    oneError(r.stderr);
    expect(r.stderr).toContain(`${JSON.stringify(target)} was not written`);
    expect(r.stderr).not.toContain("incomplete");
    expect(fs.existsSync(target)).toBe(false);
  });
});

describe("what holds for FIFOs and devices is what --help and docs/OUTPUT.md say", () => {
  it("decrypt --help states it", async () => {
    const r = await doormat(["decrypt", "--help"]);
    const help = r.stdout.toString().replace(/\s+/g, " ");
    expect(help).toContain("nothing is written unless the whole file authenticates");
    expect(help).toContain("FIFO or device");
    expect(help).toContain("the chunks before it have already gone out");
    expect(help).toContain("incomplete and must not be trusted");
    const doc = fs.readFileSync(new URL("../docs/OUTPUT.md", import.meta.url), "utf8");
    expect(doc).toMatch(/FIFO/);
    expect(doc).toMatch(/never spools plaintext to disk/);
  });

  it("a FIFO gets the authenticated chunks before a damaged one, and the exit is 1", async () => {
    const CHUNK = 65536;
    const data = Buffer.from("fifo text\n".repeat(3 * CHUNK / 10 + 1)).subarray(0, 3 * CHUNK);
    const p = join(dir, "fifo-src");
    fs.writeFileSync(p, data);
    await doormat(["encrypt", "-r", pub, "-o", `${p}.age`, p]);
    const ct = fs.readFileSync(`${p}.age`);
    const at = ct.length - (CHUNK + 16) + 3; // inside the last chunk
    ct[at] = (ct[at] as number) ^ 1;
    fs.writeFileSync(`${p}.bad`, ct);
    const fifo = join(dir, "fifo2");
    execFileSync("mkfifo", [fifo]);
    const reader = new Promise<Buffer>((resolve) => {
      const chunks: Buffer[] = [];
      fs.createReadStream(fifo).on("data", (d) => chunks.push(d as Buffer)).on("end", () => resolve(Buffer.concat(chunks)));
    });
    const r = await doormat(["decrypt", "-i", key, "-o", fifo, `${p}.bad`]);
    expect(r.code).toBe(1);
    oneError(r.stderr);
    const got = await reader;
    expect(got.length).toBe(2 * CHUNK);
    expect(Buffer.compare(got, data.subarray(0, 2 * CHUNK))).toBe(0);
    expect(fs.statSync(fifo).isFIFO()).toBe(true);
  });
});
