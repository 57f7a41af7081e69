/**
 * `inspect` over directories meets files that are not regular files: a `*.age` name that is a
 * FIFO, a socket, a symbolic link to a FIFO or to a directory. Each is named in a warning on
 * stderr and, with --json, on a `{"file", "skipped"}` line; none is opened (a FIFO with no
 * writer would block the open forever: these tests would time out, not pass, if one were).
 * Special files that are not named `*.age` are ignored like any other non-age name.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { doormat } from "./cli-harness.js";
import { openInput } from "../src/io/files.js";
import { expandInputs } from "../src/io/walk.js";

const dir = fs.mkdtempSync(path.join(tmpdir(), "doormat-inspect-special-"));
const tree = path.join(dir, "tree");
let server: net.Server | null = null;
const canMkfifo = process.platform !== "win32";

afterAll(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  fs.rmSync(dir, { recursive: true, force: true });
});

beforeAll(async () => {
  fs.mkdirSync(path.join(tree, "sub"), { recursive: true });
  expect((await doormat(["keygen", "-o", "k.key"], { cwd: dir })).code).toBe(0);
  const pub = (await doormat(["pubkey", "k.key"], { cwd: dir })).stdout.toString().trim();
  expect((await doormat(["encrypt", "-r", pub, "-o", "tree/ok.age"], { cwd: dir, stdin: "hello\n" })).code).toBe(0);
  execFileSync("mkfifo", [path.join(tree, "fifo.age"), path.join(tree, "fifo.txt")]);
  fs.symlinkSync("fifo.age", path.join(tree, "link-to-fifo.age"));
  fs.symlinkSync("sub", path.join(tree, "link-to-dir.age"));
  const sock = path.join(tree, "sock.age");
  server = net.createServer();
  await new Promise<void>((r) => server?.listen(sock, () => r()));
});

const SKIPPED = {
  "tree/fifo.age": "a named pipe (FIFO), not a regular file",
  "tree/link-to-dir.age": "a symbolic link to a directory (not followed), not a regular file",
  "tree/link-to-fifo.age": "a symbolic link to a named pipe (FIFO), not a regular file",
  "tree/sock.age": "a socket, not a regular file",
};

describe.skipIf(!canMkfifo)("inspect DIR with FIFOs, sockets and links among the files", () => {
  it("walking lists each special *.age name as skipped, with what it is", async () => {
    const { entries } = await expandInputs([path.join(dir, "tree")]);
    const skipped = Object.fromEntries(entries.filter((e) => e.skipped !== undefined).map((e) => [path.relative(dir, e.path), e.skipped]));
    expect(skipped).toEqual(SKIPPED);
    expect(entries.filter((e) => e.skipped === undefined).map((e) => path.relative(dir, e.path))).toEqual(["tree/ok.age"]);
  });

  it("text report: the good file is inspected, each skipped one gets a warning, exit 0", async () => {
    const r = await doormat(["inspect", "tree"], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.toString()).toMatch(/tree\/ok\.age/);
    for (const [file, why] of Object.entries(SKIPPED)) expect(r.stderr).toContain(`doormat: warning: skipped ${JSON.stringify(file)}: ${why}\n`);
    expect(r.stderr).not.toContain("fifo.txt");
  });

  it("--json: one {file, skipped} line per skipped name, after the reports", async () => {
    const r = await doormat(["inspect", "--json", "tree"], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.toString().trimEnd().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]?.["file"]).toBe("tree/ok.age");
    expect(Object.fromEntries(lines.slice(1).map((l) => [l["file"], l["skipped"]]))).toEqual(SKIPPED);
  });

  it("--deny-escrow still gates the regular files, and a skipped name is no escrow", async () => {
    const r = await doormat(["inspect", "--deny-escrow", "--format", "github", "tree"], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("skipped \"tree/fifo.age\"");
  });

  it("openInput with regularOnly refuses a FIFO at once instead of waiting for a writer", async () => {
    const read = async (): Promise<void> => {
      for await (const _ of openInput(path.join(tree, "fifo.age"), process.stdin, { regularOnly: true })) void _;
    };
    await expect(read()).rejects.toThrow(/"[^"]*fifo\.age": it is not a regular file/);
  });
});
