#!/usr/bin/env node
/**
 * doormat benchmark: throughput, peak memory and start-up of doormat against stock Go `age`
 * and the pure-JS `age-encryption` (typage) package, plus (later) escrowed messages per second.
 *
 * Run with `npm run bench` (builds first) or `node bench/bench.mjs` after `npm run build`.
 *
 *   --sizes 1k,64m,256m   file sizes (k = KiB, m = MiB, g = GiB, or plain bytes)
 *   --quick               small sizes and few runs, for trying the script out
 *   --runs N              runs per (size, operation, tool); the best is kept
 *                         (default 3, or 2 for files of 256 MiB and more)
 *   --startup-runs N      runs per start-up command; the median is kept (default 20)
 *   --json                print JSON on stdout instead of the tables
 *   --no-gnu-time         measure peak memory without /usr/bin/time (tests the fallback)
 *   --pq-only             only the post-quantum section (mlkem768x25519: doormat and typage,
 *                         1 KiB and 64 MiB; 1 KiB and 4 MiB with --quick)
 *   --only LIST           run only these sections: throughput,startup,escrow,hostile,pq
 *
 * The hostile section feeds inputs built to exhaust a parser (a 16 MB header of 2.7 million
 * empty stanzas, 20,000 X25519 stanzas none of which is ours, armor with a 16 MB line or 3
 * million short lines, 16 MiB key files) to
 * doormat and stock age on standard input / as key files, and records how long each takes
 * to refuse them and its peak memory (the target: doormat must refuse the header in under 2x
 * stock age's time).
 *
 * Progress goes to stderr; results go to stdout. Every decryption, and every ciphertext any
 * tool produced, is checked against the input's SHA-256; a mismatch aborts the run.
 * Temporary files live in one directory under $TMPDIR (or /tmp), removed at the end, on
 * failure, and on Ctrl-C.
 */
import { spawn, spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const BUILT_DOORMAT = path.join(ROOT, "dist", "cli", "doormat.js");
// The doormat actually run: a snapshot of dist/ taken at start (see snapshotDoormat).
let DOORMAT = BUILT_DOORMAT;
const ESCROW_BENCH = path.join(ROOT, "bench", "escrow.mjs");
const NODE = process.execPath;
const GNU_TIME = "/usr/bin/time";
const KiB = 1024;
const MiB = 1024 * KiB;
const CHILD_TIMEOUT_MS = 15 * 60 * 1000;

// ---------------------------------------------------------------------------------------------
// Options

function usage(code) {
  const src = fs.readFileSync(fileURLToPath(import.meta.url), "utf8");
  const text = src.slice(src.indexOf("/**") + 3, src.indexOf("*/")).split("\n").slice(1).map((l) => l.replace(/^ \*\s?/, "")).join("\n").trim();
  (code === 0 ? process.stdout : process.stderr).write(`${text}\n`);
  process.exit(code);
}

function parseSize(s) {
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]?)(?:i?b)?$/i.exec(s.trim());
  if (!m) throw new Error(`bad size ${JSON.stringify(s)} (use e.g. 1k, 64m, 256m)`);
  const mult = { "": 1, k: KiB, m: MiB, g: 1024 * MiB }[m[2].toLowerCase()];
  const n = Math.round(Number(m[1]) * mult);
  if (n < 1) throw new Error(`size ${JSON.stringify(s)} is too small`);
  return n;
}

function parseArgs(argv) {
  const o = { sizes: null, quick: false, runs: null, startupRuns: null, json: false, gnuTime: true, pqOnly: false, only: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const eq = a.indexOf("=");
      if (eq >= 0) return a.slice(eq + 1);
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    const posInt = (v, name) => {
      if (!/^[1-9]\d*$/.test(v)) throw new Error(`${name} must be a positive integer`);
      return Number(v);
    };
    const name = a.split("=")[0];
    switch (name) {
      case "--sizes": o.sizes = value().split(",").filter(Boolean).map(parseSize); break;
      case "--quick": o.quick = true; break;
      case "--runs": o.runs = posInt(value(), "--runs"); break;
      case "--startup-runs": o.startupRuns = posInt(value(), "--startup-runs"); break;
      case "--json": o.json = true; break;
      case "--no-gnu-time": o.gnuTime = false; break;
      case "--pq-only": o.pqOnly = true; break;
      case "--only": {
        o.only = new Set(value().split(",").filter(Boolean));
        for (const x of o.only) if (!["throughput", "startup", "escrow", "hostile", "pq"].includes(x)) throw new Error(`--only: unknown section ${JSON.stringify(x)}`);
        break;
      }
      case "-h": case "--help": usage(0); break;
      default: throw new Error(`unknown argument ${JSON.stringify(a)} (see --help)`);
    }
  }
  o.sizes ??= o.quick ? [1 * KiB, 4 * MiB, 16 * MiB] : [1 * KiB, 64 * MiB, 256 * MiB];
  o.sizes = [...new Set(o.sizes)].sort((a, b) => a - b);
  if (o.pqOnly) o.sizes = [];
  o.startupRuns ??= o.quick ? 5 : 20;
  return o;
}

const runsFor = (opts, size) => opts.runs ?? (opts.quick ? 2 : size >= 256 * MiB ? 2 : 3);

// ---------------------------------------------------------------------------------------------
// Small helpers

const log = (s) => process.stderr.write(`${s}\n`);
const fmtSize = (n) => n % MiB === 0 ? `${n / MiB} MiB` : n % KiB === 0 ? `${n / KiB} KiB` : `${n} B`;
const sig3 = (x) => x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : String(Number(x.toPrecision(2)));
const fmtSec = (s) => s >= 10 ? s.toFixed(1) : s.toFixed(3);
const fmtMiB = (kib) => kib == null ? "n/a" : (kib / KiB).toFixed(1);
const fmtRatio = (r) => r == null || !Number.isFinite(r) ? "n/a" : `${r.toFixed(2)}×`;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const nowSec = () => Number(process.hrtime.bigint()) / 1e9;

async function sha256File(file) {
  const h = createHash("sha256");
  for await (const chunk of fs.createReadStream(file, { highWaterMark: MiB })) h.update(chunk);
  return h.digest("hex");
}

function capture(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  if (r.error) throw new Error(`cannot run ${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.status}: ${r.stderr.trim()}`);
  return `${r.stdout}${r.stderr}`.trim();
}

function isExecutable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function which(cmd) {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, cmd))) return path.join(dir, cmd);
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Temporary directory and cleanup (also on failure and on signals)

let tmpDir = null;
let currentChild = null;

function cleanup() {
  if (currentChild && currentChild.exitCode === null && currentChild.signalCode === null) {
    try { currentChild.kill("SIGKILL"); } catch { /* gone */ }
  }
  if (tmpDir) {
    try { fs.rmSync(tmpDir, { recursive: true, force: true }); } catch (e) { process.stderr.write(`bench: could not remove ${tmpDir}: ${e.message}\n`); }
    tmpDir = null;
  }
}
process.on("exit", cleanup);
for (const [sig, code] of [["SIGINT", 130], ["SIGTERM", 143], ["SIGHUP", 129]]) {
  process.on(sig, () => {
    process.stderr.write(`\nbench: ${sig}, cleaning up\n`);
    cleanup();
    process.exit(code);
  });
}

// ---------------------------------------------------------------------------------------------
// Running a child and measuring wall time and peak RSS
//
// Peak RSS: GNU time's %M (max RSS in KiB, from wait4's rusage) when /usr/bin/time exists.
// Otherwise: node children get a preloaded hook writing process.resourceUsage().maxRSS at exit,
// and other children (age) are sampled by polling VmHWM in /proc/PID/status (may under-report
// a very short-lived process).

let memMethod = "gnu-time";
let rssHook = null; // path of the preload hook, for the fallback

/** Run `cmd args`; resolve {seconds, rssKiB}. Throws with the child's stderr on failure. */
async function measure(cmd, args, { isNode = false } = {}) {
  const rssFile = path.join(tmpDir, `rss.${process.pid}.${Math.random().toString(36).slice(2)}`);
  let spawnCmd = cmd;
  let spawnArgs = args;
  const env = { ...process.env, NO_COLOR: "1" };
  if (memMethod === "gnu-time") {
    spawnCmd = GNU_TIME;
    spawnArgs = ["-f", "%M", "-o", rssFile, cmd, ...args];
  } else if (isNode) {
    spawnArgs = ["--import", pathToFileURL(rssHook).href, ...args];
    env.BENCH_RSS_FILE = rssFile;
  }
  const label = [path.basename(cmd), ...args.map((a) => a.startsWith(tmpDir) ? path.relative(tmpDir, a) : path.basename(a))].join(" ");
  return await new Promise((resolve, reject) => {
    const start = nowSec();
    const child = spawn(spawnCmd, spawnArgs, { stdio: ["ignore", "ignore", "pipe"], env });
    currentChild = child;
    let stderr = "";
    child.stderr.on("data", (d) => { stderr = (stderr + d).slice(-4000); });
    let polledKiB = 0;
    let poller = null;
    if (memMethod !== "gnu-time" && !isNode) {
      // Only count samples taken after exec (before it, /proc shows the forked parent).
      let exe = cmd;
      try { exe = fs.realpathSync(cmd); } catch { /* keep it */ }
      const sample = () => {
        try {
          if (fs.readlinkSync(`/proc/${child.pid}/exe`) !== exe) return;
          const m = /VmHWM:\s+(\d+)\s*kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, "utf8"));
          if (m) polledKiB = Math.max(polledKiB, Number(m[1]));
        } catch { /* exited */ }
      };
      sample();
      poller = setInterval(sample, 5);
    }
    const timer = setTimeout(() => child.kill("SIGKILL"), CHILD_TIMEOUT_MS);
    child.on("error", (e) => { clearTimeout(timer); if (poller) clearInterval(poller); reject(new Error(`cannot run ${label}: ${e.message}`)); });
    child.on("close", (code, signal) => {
      const seconds = nowSec() - start;
      clearTimeout(timer);
      if (poller) clearInterval(poller);
      currentChild = null;
      let rssKiB = null;
      try {
        const text = fs.readFileSync(rssFile, "utf8");
        // GNU time writes "Command exited with non-zero status N" before %M on failure.
        const last = text.trim().split("\n").pop();
        if (/^\d+$/.test(last)) rssKiB = Number(last);
        fs.rmSync(rssFile, { force: true });
      } catch { /* no file */ }
      if (memMethod === "fallback" && !isNode) rssKiB = polledKiB || null;
      if (code !== 0) {
        reject(new Error(`${label} failed (${signal ?? `exit ${code}`}):\n${stderr.trim()}`));
        return;
      }
      resolve({ seconds, rssKiB, rssApprox: memMethod === "fallback" && !isNode });
    });
  });
}

// ---------------------------------------------------------------------------------------------
// The three implementations

/** The child script for typage: streaming if the installed version has it, else whole-buffer. */
function typageScript(typageUrl) {
  return `// written by bench/bench.mjs
import { Encrypter, Decrypter } from ${JSON.stringify(typageUrl)};
import { open, readFile, writeFile } from "node:fs/promises";
const [mode, api, key, input, output] = process.argv.slice(2);
const CHUNK = 64 * 1024;

function fileSource(fh) {
  // A pull stream: at most one chunk is read ahead, so memory reflects typage, not an adapter.
  return new ReadableStream({
    async pull(controller) {
      const buf = new Uint8Array(CHUNK);
      const { bytesRead } = await fh.read(buf, 0, CHUNK, null);
      if (bytesRead === 0) controller.close();
      else controller.enqueue(bytesRead === CHUNK ? buf : buf.subarray(0, bytesRead));
    },
  }, { highWaterMark: 1 });
}

async function drain(stream, fh) {
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    let off = 0;
    while (off < value.length) off += (await fh.write(value, off, value.length - off)).bytesWritten;
  }
}

let worker;
if (mode === "encrypt") {
  worker = new Encrypter();
  worker.addRecipient(key);
} else {
  const secret = (await readFile(key, "utf8")).split("\\n").map((l) => l.trim()).find((l) => /^AGE-SECRET-KEY-(PQ-)?1/.test(l));
  if (!secret) throw new Error("no AGE-SECRET-KEY-1 or AGE-SECRET-KEY-PQ-1 in " + key);
  worker = new Decrypter();
  worker.addIdentity(secret);
}
if (api === "stream") {
  const inFh = await open(input, "r");
  const outFh = await open(output, "wx");
  try {
    const out = mode === "encrypt" ? await worker.encrypt(fileSource(inFh)) : await worker.decrypt(fileSource(inFh));
    await drain(out, outFh);
  } finally {
    await inFh.close();
    await outFh.close();
  }
} else {
  const data = new Uint8Array(await readFile(input));
  const out = mode === "encrypt" ? await worker.encrypt(data) : await worker.decrypt(data);
  await writeFile(output, out, { flag: "wx" });
}
`;
}

function makeTools(env) {
  return [
    {
      id: "age",
      name: `age ${env.ageVersion} (Go)`,
      encrypt: (input, output) => measure(env.age, ["-r", env.recipient, "-o", output, input]),
      decrypt: (input, output) => measure(env.age, ["-d", "-i", env.keyFile, "-o", output, input]),
    },
    {
      id: "doormat",
      name: `doormat ${env.doormatVersion}`,
      encrypt: (input, output) => measure(NODE, [DOORMAT, "encrypt", "-r", env.recipient, "-o", output, input], { isNode: true }),
      decrypt: (input, output) => measure(NODE, [DOORMAT, "decrypt", "-i", env.keyFile, "-o", output, input], { isNode: true }),
    },
    {
      id: "typage",
      name: `age-encryption ${env.typageVersion} (${env.typageApi})`,
      encrypt: (input, output) => measure(NODE, [env.typageScript, "encrypt", env.typageApi, env.recipient, input, output], { isNode: true }),
      decrypt: (input, output) => measure(NODE, [env.typageScript, "decrypt", env.typageApi, env.keyFile, input, output], { isNode: true }),
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// Set-up

/**
 * Copy dist/ (and package.json, with node_modules linked) into the temp dir and run that copy,
 * so a rebuild of dist/ during the benchmark (tsc in another terminal) cannot change or break
 * the code being measured half-way through.
 */
function snapshotDoormat() {
  const snap = path.join(tmpDir, "doormat");
  fs.mkdirSync(snap);
  fs.cpSync(path.join(ROOT, "dist"), path.join(snap, "dist"), { recursive: true });
  fs.copyFileSync(path.join(ROOT, "package.json"), path.join(snap, "package.json"));
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(snap, "node_modules"), "dir");
  const bin = path.join(snap, "dist", "cli", "doormat.js");
  const r = spawnSync(NODE, [bin, "--version"], { encoding: "utf8" });
  if (r.status !== 0) {
    throw new Error(`the copy of dist/ does not run (was a build in progress?); run "npm run build" and try again:\n${(r.stderr || r.stdout).trim()}`);
  }
  return bin;
}

async function makeRandomFile(file, size) {
  const h = createHash("sha256");
  const fh = await fsp.open(file, "wx");
  try {
    for (let left = size; left > 0;) {
      const chunk = randomBytes(Math.min(left, 4 * MiB));
      h.update(chunk);
      await fh.write(chunk);
      left -= chunk.length;
    }
    await fh.sync(); // no writeback of our own set-up files while the runs are timed
  } finally {
    await fh.close();
  }
  return h.digest("hex");
}

function checkDiskSpace(dir, sizes) {
  // Inputs and the shared age ciphertexts for every size, plus for the largest size one tool
  // output and one verification output at a time, plus slack.
  const overhead = (n) => n + Math.ceil(n / (64 * KiB)) * 16 + 4 * KiB;
  const max = Math.max(...sizes);
  const need = sizes.reduce((s, n) => s + n + overhead(n), 0) + 2 * overhead(max) + 64 * MiB;
  let free;
  try {
    const st = fs.statfsSync(dir);
    free = st.bavail * st.bsize;
  } catch (e) {
    log(`warning: cannot check free space in ${dir} (${e.message}); going ahead`);
    return { need, free: null };
  }
  if (free < need) {
    throw new Error(`not enough free disk space in ${dir}: need about ${(need / MiB).toFixed(0)} MiB, have ${(free / MiB).toFixed(0)} MiB; ` +
      `use smaller --sizes, or point TMPDIR at a bigger filesystem`);
  }
  return { need, free };
}

function machineInfo(env) {
  let cpu = os.cpus()[0]?.model ?? "unknown";
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(fs.readFileSync("/proc/cpuinfo", "utf8"));
    if (m) cpu = m[1].trim();
  } catch { /* not Linux */ }
  return {
    date: new Date().toISOString(),
    cpu,
    cores: os.availableParallelism?.() ?? os.cpus().length,
    memoryGiB: Number((os.totalmem() / 1024 ** 3).toFixed(1)),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    age: env.ageVersion,
    typage: env.typageVersion,
    typageApi: env.typageApi,
    doormat: env.doormatVersion,
    peakMemoryMethod: memMethod === "gnu-time"
      ? "max RSS of the child from GNU time (/usr/bin/time -f %M)"
      : "fallback (no GNU time): process.resourceUsage().maxRSS via a preloaded hook for node children; for age, VmHWM polled every 5 ms from /proc (≥: a lower bound; no RSS ratio is computed from it)",
    tmpDir: path.dirname(tmpDir),
    loadAverageAtStart: os.loadavg().map((x) => Number(x.toFixed(2))),
  };
}

// ---------------------------------------------------------------------------------------------
// Benchmarks

async function throughput(opts, env, tools) {
  const results = [];
  // One untimed warm-up per tool and operation: page cache of node_modules and dist, linker.
  log("warming up");
  const warmIn = env.startupInput.file;
  const warmCt = path.join(tmpDir, "warmup.age");
  const warmOut = path.join(tmpDir, "warmup.out");
  for (const t of tools) {
    fs.rmSync(warmCt, { force: true });
    await t.encrypt(warmIn, warmCt);
    fs.rmSync(warmOut, { force: true });
    await t.decrypt(warmCt, warmOut);
    if (await sha256File(warmOut) !== env.startupInput.sha256) throw new Error(`VERIFY FAILED: ${t.name} warm-up round trip gave the wrong plaintext`);
  }
  fs.rmSync(warmCt, { force: true });
  fs.rmSync(warmOut, { force: true });
  for (const size of opts.sizes) {
    const runs = runsFor(opts, size);
    const input = env.inputs.get(size);
    const ref = env.ciphertexts.get(size);
    log(`\n== ${fmtSize(size)} (${runs} run${runs > 1 ? "s" : ""} each, best kept)`);
    for (const op of ["encrypt", "decrypt"]) {
      const rows = new Map(tools.map((t) => [t.id, { size, op, tool: t.id, toolName: t.name, times: [], rssKiB: [] }]));
      // Interleave the tools run by run, so drift in machine load hits them all alike.
      for (let r = 0; r < runs; r++) {
        for (const t of tools) {
          const out = path.join(tmpDir, `out.${t.id}.${op}`);
          fs.rmSync(out, { force: true });
          const m = await t[op](op === "encrypt" ? input.file : ref, out);
          // Verify: a benchmark of wrong output is worthless.
          let got;
          if (op === "decrypt") {
            got = await sha256File(out);
          } else {
            const check = path.join(tmpDir, "verify.plain");
            fs.rmSync(check, { force: true });
            const v = spawnSync(env.age, ["-d", "-i", env.keyFile, "-o", check, out], { encoding: "utf8" });
            if (v.status !== 0) throw new Error(`VERIFY FAILED: stock age cannot decrypt ${t.name}'s ${fmtSize(size)} ciphertext: ${v.stderr.trim()}`);
            got = await sha256File(check);
            fs.rmSync(check, { force: true });
          }
          if (got !== input.sha256) {
            throw new Error(`VERIFY FAILED: ${t.name} ${op} of ${fmtSize(size)} gave the wrong plaintext (sha256 ${got}, expected ${input.sha256})`);
          }
          fs.rmSync(out, { force: true });
          const row = rows.get(t.id);
          row.times.push(m.seconds);
          row.rssKiB.push(m.rssKiB);
          row.rssApprox ||= m.rssApprox;
          log(`   ${op.padEnd(7)} ${t.id.padEnd(7)} run ${r + 1}: ${fmtSec(m.seconds)} s, ${m.rssApprox ? "≥" : ""}${fmtMiB(m.rssKiB)} MiB RSS  (verified)`);
        }
      }
      const base = rows.get("age");
      const baseBest = Math.min(...base.times);
      const baseRss = base.rssKiB.some((x) => x != null) ? Math.max(...base.rssKiB.filter((x) => x != null)) : null;
      for (const row of rows.values()) {
        const best = Math.min(...row.times);
        const rss = row.rssKiB.some((x) => x != null) ? Math.max(...row.rssKiB.filter((x) => x != null)) : null;
        results.push({
          size: fmtSize(size),
          sizeBytes: size,
          op,
          tool: row.tool,
          toolName: row.toolName,
          runs: row.times.length,
          secondsAllRuns: row.times.map((x) => Number(x.toFixed(4))),
          bestSeconds: Number(best.toFixed(4)),
          mibPerSec: Number((size / MiB / best).toFixed(3)),
          peakRssKiB: rss,
          // true: sampled from /proc (a lower bound; n/a if the process was too short to sample)
          peakRssApprox: row.rssApprox ?? false,
          timeVsAge: Number((best / baseBest).toFixed(3)),
          rssVsAge: rss != null && baseRss && !base.rssApprox ? Number((rss / baseRss).toFixed(3)) : null,
          verified: true,
        });
      }
    }
  }
  return results;
}

function startup(opts, env) {
  const small = env.startupInput;
  const out = path.join(tmpDir, "startup.out");
  const cmds = [
    { id: "node", label: "node -e 0", cmd: NODE, args: ["-e", "0"] },
    { id: "age-version", label: "age --version", cmd: env.age, args: ["--version"] },
    { id: "age-encrypt-1k", label: "age encrypt 1 KiB", cmd: env.age, args: ["-r", env.recipient, "-o", out, small.file] },
    { id: "doormat-version", label: "doormat --version", cmd: NODE, args: [DOORMAT, "--version"] },
    { id: "doormat-encrypt-1k", label: "doormat encrypt 1 KiB", cmd: NODE, args: [DOORMAT, "encrypt", "-r", env.recipient, "-o", out, small.file] },
    { id: "typage-encrypt-1k", label: `age-encryption encrypt 1 KiB (${env.typageApi})`, cmd: NODE, args: [env.typageScript, "encrypt", env.typageApi, env.recipient, small.file, out] },
  ];
  const once = (c) => {
    fs.rmSync(out, { force: true });
    const t0 = nowSec();
    const r = spawnSync(c.cmd, c.args, { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, NO_COLOR: "1" }, timeout: 60_000 });
    const dt = nowSec() - t0;
    if (r.status !== 0) throw new Error(`start-up command "${c.label}" failed: ${r.error?.message ?? r.stderr?.toString().trim()}`);
    return dt;
  };
  log(`\n== start-up (${opts.startupRuns} runs each, interleaved, median kept)`);
  for (const c of cmds) once(c); // warm-up: page cache, dynamic linker
  const times = new Map(cmds.map((c) => [c.id, []]));
  for (let r = 0; r < opts.startupRuns; r++) for (const c of cmds) times.get(c.id).push(once(c));
  // The 1 KiB encryptions must still be right.
  for (const c of cmds.filter((x) => x.id.endsWith("encrypt-1k"))) {
    once(c);
    const v = spawnSync(env.age, ["-d", "-i", env.keyFile, out], { maxBuffer: 16 * MiB });
    if (v.status !== 0 || createHash("sha256").update(v.stdout).digest("hex") !== small.sha256) {
      throw new Error(`VERIFY FAILED: ${c.label} produced a ciphertext that does not decrypt to the input`);
    }
  }
  fs.rmSync(out, { force: true });
  const nodeMedian = median(times.get("node"));
  return cmds.map((c) => {
    const ts = times.get(c.id);
    const med = median(ts);
    log(`   ${c.label.padEnd(40)} median ${(med * 1000).toFixed(1)} ms`);
    return {
      id: c.id,
      command: c.label,
      runs: ts.length,
      medianMs: Number((med * 1000).toFixed(2)),
      minMs: Number((Math.min(...ts) * 1000).toFixed(2)),
      maxMs: Number((Math.max(...ts) * 1000).toFixed(2)),
      vsNode: Number((med / nodeMedian).toFixed(3)),
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Post-quantum (mlkem768x25519): doormat beside typage, the two implementations that have it
// (stock age here is 1.1.1, which has none). One doormat-made PQ key for both; both decrypt the
// same doormat-made ciphertext; each tool's ciphertext is verified by decrypting it with the
// OTHER tool. Sizes: 1 KiB (dominated by start-up and the ~100 ms X-Wing module load) and 64 MiB.

async function postQuantum(opts, env) {
  const sizes = opts.quick ? [KiB, 4 * MiB] : [KiB, 64 * MiB];
  const keyFile = path.join(tmpDir, "pq.key");
  capture(NODE, [DOORMAT, "keygen", "--pq", "-o", keyFile]);
  const recipient = capture(NODE, [DOORMAT, "pubkey", keyFile]);
  if (!recipient.startsWith("age1pq1")) throw new Error(`doormat pubkey of a --pq key is not age1pq1…: ${recipient.slice(0, 20)}…`);
  const tools = [
    {
      id: "doormat",
      name: `doormat ${env.doormatVersion}`,
      encrypt: (input, output) => measure(NODE, [DOORMAT, "encrypt", "-r", recipient, "-o", output, input], { isNode: true }),
      decrypt: (input, output) => measure(NODE, [DOORMAT, "decrypt", "-i", keyFile, "-o", output, input], { isNode: true }),
      verifyArgs: (ct, out) => [env.typageScript, "decrypt", env.typageApi, keyFile, ct, out],
    },
    {
      id: "typage",
      name: `age-encryption ${env.typageVersion} (${env.typageApi})`,
      encrypt: (input, output) => measure(NODE, [env.typageScript, "encrypt", env.typageApi, recipient, input, output], { isNode: true }),
      decrypt: (input, output) => measure(NODE, [env.typageScript, "decrypt", env.typageApi, keyFile, input, output], { isNode: true }),
      verifyArgs: (ct, out) => [DOORMAT, "decrypt", "-i", keyFile, "-o", out, ct],
    },
  ];
  const results = [];
  for (const size of sizes) {
    const runs = runsFor(opts, size);
    const file = path.join(tmpDir, `pq-input.${size}`);
    const input = { file, sha256: await makeRandomFile(file, size) };
    const ct = path.join(tmpDir, `pq-input.${size}.age`);
    capture(NODE, [DOORMAT, "encrypt", "-r", recipient, "-o", ct, file]);
    log(`\n== post-quantum ${fmtSize(size)} (${runs} run${runs > 1 ? "s" : ""} each, best kept)`);
    for (const op of ["encrypt", "decrypt"]) {
      const rows = new Map(tools.map((t) => [t.id, { times: [], rssKiB: [], rssApprox: false }]));
      for (let r = 0; r < runs; r++) {
        for (const t of tools) {
          const out = path.join(tmpDir, `pq-out.${t.id}.${op}`);
          fs.rmSync(out, { force: true });
          const m = await t[op](op === "encrypt" ? input.file : ct, out);
          let got;
          if (op === "decrypt") {
            got = await sha256File(out);
          } else {
            const check = path.join(tmpDir, "pq-verify.plain");
            fs.rmSync(check, { force: true });
            const v = spawnSync(NODE, t.verifyArgs(out, check), { encoding: "utf8" });
            if (v.status !== 0) throw new Error(`VERIFY FAILED: the other implementation cannot decrypt ${t.name}'s post-quantum ${fmtSize(size)} ciphertext: ${v.stderr.trim()}`);
            got = await sha256File(check);
            fs.rmSync(check, { force: true });
          }
          if (got !== input.sha256) throw new Error(`VERIFY FAILED: ${t.name} post-quantum ${op} of ${fmtSize(size)} gave the wrong plaintext`);
          fs.rmSync(out, { force: true });
          const row = rows.get(t.id);
          row.times.push(m.seconds);
          row.rssKiB.push(m.rssKiB);
          row.rssApprox ||= m.rssApprox;
          log(`   ${op.padEnd(7)} ${t.id.padEnd(7)} run ${r + 1}: ${fmtSec(m.seconds)} s, ${m.rssApprox ? "≥" : ""}${fmtMiB(m.rssKiB)} MiB RSS  (verified)`);
        }
      }
      const typageBest = Math.min(...rows.get("typage").times);
      for (const t of tools) {
        const row = rows.get(t.id);
        const best = Math.min(...row.times);
        const rss = row.rssKiB.some((x) => x != null) ? Math.max(...row.rssKiB.filter((x) => x != null)) : null;
        results.push({
          size: fmtSize(size), sizeBytes: size, op, tool: t.id, toolName: t.name, runs: row.times.length,
          secondsAllRuns: row.times.map((x) => Number(x.toFixed(4))),
          bestSeconds: Number(best.toFixed(4)),
          mibPerSec: Number((size / MiB / best).toFixed(3)),
          peakRssKiB: rss, peakRssApprox: row.rssApprox,
          timeVsTypage: Number((best / typageBest).toFixed(3)),
          verified: true,
        });
      }
    }
    fs.rmSync(file, { force: true });
    fs.rmSync(ct, { force: true });
  }
  return results;
}

function renderPostQuantum(rows) {
  return table(
    ["Size", "Op", "Tool", "Best wall (s)", "MiB/s", "Peak RSS (MiB)", "Time vs typage", "Runs"],
    rows.map((r) => [r.size, r.op, r.toolName, fmtSec(r.bestSeconds), sig3(r.mibPerSec), (r.peakRssApprox && r.peakRssKiB != null ? "≥" : "") + fmtMiB(r.peakRssKiB), fmtRatio(r.timeVsTypage), String(r.runs)]),
    ["r", "l", "l", "r", "r", "r", "r", "r"],
  );
}

// ---------------------------------------------------------------------------------------------
// ESCROW BENCHMARK
// Escrowed messages opened per second is measured by bench/escrow.mjs. It is run as
// `node bench/escrow.mjs` from the repository root, with
// BENCH_QUICK=1 in the environment under --quick and BENCH_JSON=1 under --json; it prints its
// results on stdout (JSON under BENCH_JSON=1, embedded as-is in our JSON) and exits non-zero on
// failure, which makes this benchmark exit non-zero too.
function escrow(opts) {
  if (!fs.existsSync(ESCROW_BENCH)) {
    log("\n== escrow: escrow benchmark not available yet");
    return { available: false, message: "escrow benchmark not available yet" };
  }
  log(`\n== escrow: running node ${path.relative(ROOT, ESCROW_BENCH)}`);
  const env = { ...process.env, NO_COLOR: "1" };
  if (opts.quick) env.BENCH_QUICK = "1";
  if (opts.json) env.BENCH_JSON = "1";
  const r = spawnSync(NODE, [ESCROW_BENCH], { cwd: ROOT, env, encoding: "utf8", maxBuffer: 64 * MiB, timeout: CHILD_TIMEOUT_MS, stdio: ["ignore", "pipe", "inherit"] });
  const output = (r.stdout ?? "").trimEnd();
  let parsed;
  if (opts.json) {
    try { parsed = JSON.parse(output); } catch { /* keep it as text */ }
  }
  const ok = r.status === 0;
  if (!ok) log(`escrow benchmark FAILED: ${r.error?.message ?? `exit ${r.status ?? r.signal}`}`);
  return { available: true, ok, exitCode: r.status, ...(parsed !== undefined ? { result: parsed } : { output }) };
}

// ---------------------------------------------------------------------------------------------
// Hostile inputs: how fast, and in how much memory, each tool refuses them

/** Run `cmd args` with `stdinFile` piped to standard input; it must FAIL. Resolves {seconds, rssKiB, error}. */
async function measureRejection(cmd, args, stdinFile) {
  const rssFile = path.join(tmpDir, `rss.${process.pid}.${Math.random().toString(36).slice(2)}`);
  const useTime = memMethod === "gnu-time";
  const child = spawn(useTime ? GNU_TIME : cmd, useTime ? ["-f", "%M", "-o", rssFile, cmd, ...args] : args, { stdio: ["pipe", "ignore", "pipe"], env: { ...process.env, NO_COLOR: "1" } });
  currentChild = child;
  const start = nowSec();
  let stderr = "";
  child.stderr.on("data", (d) => { stderr = (stderr + d).slice(-4000); });
  child.stdin.on("error", () => { /* EPIPE: the tool stopped reading, which is the point */ });
  if (stdinFile) fs.createReadStream(stdinFile, { highWaterMark: MiB }).on("error", () => {}).pipe(child.stdin);
  else child.stdin.end();
  let polledKiB = 0;
  const poller = useTime ? null : setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+)\s*kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, "utf8"));
      if (m) polledKiB = Math.max(polledKiB, Number(m[1]));
    } catch { /* exited */ }
  }, 5);
  const timer = setTimeout(() => child.kill("SIGKILL"), CHILD_TIMEOUT_MS);
  const code = await new Promise((resolve) => child.on("close", (c, sig) => resolve(sig ?? c)));
  const seconds = nowSec() - start;
  clearTimeout(timer);
  if (poller) clearInterval(poller);
  currentChild = null;
  let rssKiB = polledKiB || null;
  try {
    const last = fs.readFileSync(rssFile, "utf8").trim().split("\n").pop();
    if (/^\d+$/.test(last)) rssKiB = Number(last);
    fs.rmSync(rssFile, { force: true });
  } catch { /* no file */ }
  const error = stderr.split("\n").find((l) => /error|age:/.test(l)) ?? stderr.split("\n")[0] ?? "";
  // Accepting is recorded, not fatal: age encrypts to 266 k recipients, as it may.
  return { seconds, rssKiB, error: code === 0 ? "(accepted)" : error.trim().slice(0, 160), accepted: code === 0 };
}

/** Write `count` copies of `unit` (a string) after `prefix`, in 1 MiB writes. */
function writeRepeated(file, prefix, unit, count, suffix = "") {
  const fd = fs.openSync(file, "w");
  fs.writeSync(fd, prefix);
  const perBlock = Math.max(1, Math.floor(MiB / unit.length));
  const block = unit.repeat(perBlock);
  let left = count;
  for (; left >= perBlock; left -= perBlock) fs.writeSync(fd, block);
  if (left > 0) fs.writeSync(fd, unit.repeat(left));
  fs.writeSync(fd, suffix);
  fs.closeSync(fd);
  return fs.statSync(file).size;
}

/** A valid X25519 share (not low-order): SHA-256 of a fixed label, unpadded base64. */
const X25519_SHARE = createHash("sha256").update("doormat bench: hostile X25519 share").digest("base64").replace(/=+$/, "");

async function hostile(opts, env) {
  log("\n== hostile inputs (each must be refused)");
  const f = (name) => path.join(tmpDir, name);
  const small = f("small.txt");
  fs.writeFileSync(small, "hello\n");
  const MAC = `--- ${"A".repeat(43)}\n`;
  const inputs = [
    // The floor: start-up and one read, for scale (node starts slower than a Go binary).
    { name: "floor: 2 bytes, not an age file", file: f("floor.age"), make: (p) => writeRepeated(p, "", "x\n", 1) },
    { name: "header: 2.7 M empty stanzas (16 MB)", file: f("h.age"), make: (p) => writeRepeated(p, "age-encryption.org/v1\n", "-> a\n\n", 2_700_000, MAC) },
    // Many stanzas x one identity: every tool must try the key on each (age does too). The share
    // is a fixed valid point, so each costs an X25519, an HKDF and a failed ChaCha20-Poly1305.
    { name: "header: 20,000 X25519 stanzas, none ours (2 MB)", file: f("x20k.age"), make: (p) => writeRepeated(p, "age-encryption.org/v1\n", `-> X25519 ${X25519_SHARE}\n${"A".repeat(43)}\n`, 20_000, MAC) },
    { name: "armor: one 16 MB line", file: f("a1.age"), make: (p) => writeRepeated(p, "-----BEGIN AGE ENCRYPTED FILE-----\n", "A", 16 * MiB, "\n-----END AGE ENCRYPTED FILE-----\n") },
    { name: "armor: 3 M short lines", file: f("a2.age"), make: (p) => writeRepeated(p, "-----BEGIN AGE ENCRYPTED FILE-----\n", "AAAA\n", 3_000_000, "-----END AGE ENCRYPTED FILE-----\n") },
    { name: "identity file: 16 MiB of newlines", keyFile: f("k1.txt"), make: (p) => writeRepeated(p, "", "\n", 16 * MiB - 1) },
    { name: "identity file: one 16 MiB line", keyFile: f("k2.txt"), make: (p) => writeRepeated(p, "AGE-SECRET-KEY-1", "Q", 16 * MiB - 32) },
    { name: "recipients file: 16 MiB of newlines", recipientsFile: f("r1.txt"), make: (p) => writeRepeated(p, "", "\n", 16 * MiB - 1) },
    { name: "recipients file: 266 k recipients (16 MiB)", recipientsFile: f("r2.txt"), make: (p) => writeRepeated(p, "", `${env.recipient}\n`, Math.floor((16 * MiB - 1) / (env.recipient.length + 1))) },
  ];
  const runs = opts.quick ? 1 : 2;
  const rows = [];
  for (const input of inputs) {
    const p = input.file ?? input.keyFile ?? input.recipientsFile;
    const bytes = input.make(p);
    log(`${input.name}: ${bytes} bytes`);
    const commands = input.file
      ? [
          ["decrypt", "doormat", NODE, [DOORMAT, "decrypt", "-i", env.keyFile], "age", env.age, ["-d", "-i", env.keyFile]],
          ["inspect", "doormat", NODE, [DOORMAT, "inspect"], "age", env.age, ["-d", "-i", env.keyFile]],
        ]
      : input.keyFile
        ? [["decrypt -i FILE", "doormat", NODE, [DOORMAT, "decrypt", "-i", input.keyFile], "age", env.age, ["-d", "-i", input.keyFile]]]
        : [["encrypt -R FILE", "doormat", NODE, [DOORMAT, "encrypt", "-R", input.recipientsFile, "-o", f("out.age"), "-f", small], "age", env.age, ["-R", input.recipientsFile, "-o", "/dev/null", small]]];
    // The stdin for key-file cases: a small valid file, so only the key file is hostile.
    const stdinFor = input.file ?? (input.keyFile ? env.ciphertexts.values().next().value ?? null : null);
    for (const [op, dName, dCmd, dArgs, aName, aCmd, aArgs] of commands) {
      const best = async (cmd, args) => {
        let b = null;
        for (let i = 0; i < runs; i++) {
          const r = await measureRejection(cmd, args, stdinFor);
          if (b === null || r.seconds < b.seconds) b = { ...r, rssKiB: Math.max(r.rssKiB ?? 0, b?.rssKiB ?? 0) || null };
        }
        return b;
      };
      const d = await best(dCmd, dArgs);
      const a = await best(aCmd, aArgs);
      log(`  ${op}: doormat ${fmtSec(d.seconds)} s ${fmtMiB(d.rssKiB)} MiB (${d.error}); age ${fmtSec(a.seconds)} s ${fmtMiB(a.rssKiB)} MiB (${a.error})`);
      rows.push({ input: input.name, bytes, op, doormat: d, age: a, timeVsAge: d.seconds / a.seconds, rssVsAge: d.rssKiB && a.rssKiB ? d.rssKiB / a.rssKiB : null, runs, ageOp: aArgs.join(" ").replace(tmpDir + "/", "") });
      void dName; void aName;
    }
    fs.rmSync(p, { force: true });
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Output

function table(headers, rows, align) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const pad = (s, i) => align[i] === "r" ? s.padStart(widths[i]) : s.padEnd(widths[i]);
  return {
    plain: [headers.map(pad).join("  "), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map((r) => r.map(pad).join("  "))].join("\n"),
    markdown: [
      `| ${headers.map(pad).join(" | ")} |`,
      `| ${widths.map((w, i) => align[i] === "r" ? `${"-".repeat(w - 1)}:` : "-".repeat(w)).join(" | ")} |`,
      ...rows.map((r) => `| ${r.map(pad).join(" | ")} |`),
    ].join("\n"),
  };
}

function render(report) {
  const m = report.machine;
  const machineLines = [
    `Date: ${m.date}`,
    `CPU: ${m.cpu} (${m.cores} cores), ${m.memoryGiB} GiB RAM, ${m.os}`,
    `Node ${m.node}; age ${m.age}; age-encryption (typage) ${m.typage}, ${m.typageApi} API; doormat ${m.doormat}`,
    `Peak memory: ${m.peakMemoryMethod}`,
    `Load average (1/5/15 min) at start: ${m.loadAverageAtStart.join(" / ")}; at end: ${m.loadAverageAtEnd.join(" / ")}` +
      (Math.max(m.loadAverageAtStart[0], m.loadAverageAtEnd[0]) > m.cores / 2 ? " (busy machine: other work competed with the runs)" : ""),
  ];
  const pq = report.postQuantum ? renderPostQuantum(report.postQuantum) : null;
  const pqNote = "Post-quantum: one mlkem768x25519 key (doormat keygen --pq); both decrypt the same doormat-made file; each tool's ciphertext was verified by the other tool (stock age 1.1.1 has no post-quantum support).";
  if (report.throughput === undefined) {
    return `${machineLines.join("\n")}\n\nPost-quantum (mlkem768x25519) throughput\n${pq.plain}\n* ${pqNote}\n\n---------------- Markdown ----------------\n\n${machineLines.map((l) => `- ${l}`).join("\n")}\n\n### Post-quantum (mlkem768x25519)\n\n${pq.markdown}\n\n- ${pqNote}\n`;
  }
  const tp = table(
    ["Size", "Op", "Tool", "Best wall (s)", "MiB/s", "Peak RSS (MiB)", "Time vs age", "RSS vs age", "Runs"],
    report.throughput.map((r) => [r.size, r.op, r.toolName, fmtSec(r.bestSeconds), sig3(r.mibPerSec), (r.peakRssApprox && r.peakRssKiB != null ? "≥" : "") + fmtMiB(r.peakRssKiB), fmtRatio(r.timeVsAge), fmtRatio(r.rssVsAge), String(r.runs)]),
    ["r", "l", "l", "r", "r", "r", "r", "r", "r"],
  );
  const su = table(
    ["Command", "Median (ms)", "Min (ms)", "vs node -e 0"],
    report.startup.map((r) => [r.command, r.medianMs.toFixed(1), r.minMs.toFixed(1), fmtRatio(r.vsNode)]),
    ["l", "r", "r", "r"],
  );
  const notes = [
    "Wall time is the best of the runs, measured around the spawned process; MiB/s = size in MiB (2^20 bytes) / best wall time, start-up included.",
    "Peak RSS is the largest max RSS over the runs. Ratios: value / stock age's value for the same size and operation (>1 = slower or bigger).",
    "All tools decrypt the same ciphertext (made by stock age, X25519 recipient); every tool's ciphertext was checked by decrypting it with stock age. Every output matched the input's SHA-256.",
    "Inputs are in the page cache (random data written and fsynced before the runs); outputs go to " + m.tmpDir + " and are not fsynced by any tool.",
  ];
  const ho = table(
    ["Hostile input", "Command", "doormat (s)", "age (s)", "Time vs age", "doormat RSS (MiB)", "age RSS (MiB)", "doormat says"],
    report.hostile.map((r) => [r.input, r.op, fmtSec(r.doormat.seconds), fmtSec(r.age.seconds) + (r.age.accepted ? " (accepted)" : ""), fmtRatio(r.timeVsAge), fmtMiB(r.doormat.rssKiB), fmtMiB(r.age.rssKiB), r.doormat.error.replace(/^doormat: error: /, "").slice(0, 90)]),
    ["l", "l", "r", "r", "r", "r", "r", "l"],
  );
  const hostileNote = "Hostile inputs on standard input (key-file cases: the key file is hostile); best of the runs, start-up included. The age column runs `age -d` for decrypt and inspect alike (age has no inspect), `age -R` for recipients files.";
  const esc = report.escrow;
  const escText = !esc.available ? "escrow benchmark not available yet"
    : `${esc.ok ? "" : `FAILED (exit ${esc.exitCode})\n`}${esc.output ?? JSON.stringify(esc.result, null, 2)}`;

  const plain = [
    "doormat benchmark",
    ...machineLines,
    "",
    "Throughput and peak memory",
    tp.plain,
    "",
    "Start-up (median of runs; ratio to node -e 0)",
    su.plain,
    "",
    "Escrowed messages opened per second",
    escText,
    "",
    ...(pq ? ["Post-quantum (mlkem768x25519) throughput", pq.plain, `* ${pqNote}`, ""] : []),
    "Hostile inputs: time and peak memory to refuse them",
    ho.plain,
    "",
    ...notes.map((n) => `* ${n}`),
    `* ${hostileNote}`,
  ].join("\n");

  const md = [
    "## Benchmark results",
    "",
    ...machineLines.map((l) => `- ${l}`),
    "",
    "### Throughput and peak memory",
    "",
    tp.markdown,
    "",
    ...notes.map((n) => `- ${n}`),
    "",
    `### Start-up (median of ${report.config.startupRuns} runs)`,
    "",
    su.markdown,
    "",
    "### Escrowed messages opened per second",
    "",
    esc.available && esc.output !== undefined ? "```\n" + escText + "\n```" : escText,
    ...(pq ? ["", "### Post-quantum (mlkem768x25519)", "", pq.markdown, "", `- ${pqNote}`] : []),
    "",
    "### Hostile inputs: time and peak memory to refuse them",
    "",
    ho.markdown,
    "",
    `- ${hostileNote}`,
  ].join("\n");

  return `${plain}\n\n---------------- Markdown (for docs/PERFORMANCE.md) ----------------\n\n${md}\n`;
}

// ---------------------------------------------------------------------------------------------
// Main

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    log(`bench: ${e.message}`);
    process.exit(2);
  }

  // Tools.
  if (!fs.existsSync(BUILT_DOORMAT)) throw new Error(`${path.relative(ROOT, BUILT_DOORMAT)} is missing: run "npm run build" (or "npm run bench")`);
  const age = which("age") ?? (isExecutable("/usr/bin/age") ? "/usr/bin/age" : null);
  const ageKeygen = which("age-keygen") ?? (isExecutable("/usr/bin/age-keygen") ? "/usr/bin/age-keygen" : null);
  if (!age || !ageKeygen) throw new Error("stock age and age-keygen are needed (the baseline); install them, e.g. apt-get install age");
  let typageUrl;
  try {
    typageUrl = import.meta.resolve("age-encryption");
  } catch {
    throw new Error("age-encryption is not installed: run npm install (it is a dev dependency)");
  }
  const typageDir = path.resolve(path.dirname(fileURLToPath(typageUrl)), "..");
  const typageVersion = JSON.parse(fs.readFileSync(path.join(typageDir, "package.json"), "utf8")).version;
  const typageTypes = path.join(typageDir, "dist", "index.d.ts");
  const typageApi = fs.existsSync(typageTypes) && /encrypt\(file: ReadableStream/.test(fs.readFileSync(typageTypes, "utf8")) ? "stream" : "whole-buffer";

  memMethod = opts.gnuTime && isExecutable(GNU_TIME) ? "gnu-time" : "fallback";
  if (memMethod === "fallback") log(`note: ${opts.gnuTime ? `${GNU_TIME} not found` : "--no-gnu-time"}: measuring peak memory without GNU time (nothing is installed)`);

  // Temporary directory, after a disk-space check.
  const base = os.tmpdir();
  const space = checkDiskSpace(base, [...opts.sizes, KiB]);
  tmpDir = await fsp.mkdtemp(path.join(base, "doormat-bench-"));
  log(`temp dir ${tmpDir}` + (space.free != null ? ` (needs ~${(space.need / MiB).toFixed(0)} MiB, ${(space.free / MiB / 1024).toFixed(1)} GiB free)` : ""));

  rssHook = path.join(tmpDir, "rss-hook.mjs");
  fs.writeFileSync(rssHook, `import { writeFileSync } from "node:fs";
process.on("exit", () => { if (process.env.BENCH_RSS_FILE) writeFileSync(process.env.BENCH_RSS_FILE, String(process.resourceUsage().maxRSS)); });
`);
  const typageScriptPath = path.join(tmpDir, "typage-child.mjs");
  fs.writeFileSync(typageScriptPath, typageScript(typageUrl));

  DOORMAT = snapshotDoormat();

  // One X25519 key from stock age-keygen, used by all three.
  const keyFile = path.join(tmpDir, "key.txt");
  capture(ageKeygen, ["-o", keyFile]);
  const recipient = capture(ageKeygen, ["-y", keyFile]);
  const doormatRecipient = capture(NODE, [DOORMAT, "pubkey", keyFile]).split("\n").find((l) => l.startsWith("age1"));
  if (doormatRecipient !== recipient) throw new Error(`doormat pubkey disagrees with age-keygen -y: ${doormatRecipient} vs ${recipient}`);

  const env = {
    age, keyFile, recipient, typageApi, typageVersion,
    typageScript: typageScriptPath,
    ageVersion: capture(age, ["--version"]),
    doormatVersion: capture(NODE, [DOORMAT, "--version"]),
    inputs: new Map(),
    ciphertexts: new Map(),
  };

  // Inputs: random data, made once, and the shared ciphertexts (by stock age) to decrypt.
  for (const size of opts.sizes) {
    const file = path.join(tmpDir, `input.${size}`);
    log(`making ${fmtSize(size)} of random data`);
    env.inputs.set(size, { file, sha256: await makeRandomFile(file, size) });
    const ct = path.join(tmpDir, `input.${size}.age`);
    capture(age, ["-r", recipient, "-o", ct, file]);
    const fd = fs.openSync(ct, "r+");
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    env.ciphertexts.set(size, ct);
  }
  const startupFile = path.join(tmpDir, "startup.1k");
  env.startupInput = { file: startupFile, sha256: await makeRandomFile(startupFile, KiB) };

  const tools = makeTools(env);
  const want = (section) => opts.only === null || opts.only.has(section);
  const machine = machineInfo(env);
  log(`${machine.cpu}, ${machine.cores} cores; node ${machine.node}; age ${machine.age}; typage ${machine.typage} (${typageApi}); peak memory via ${memMethod}`);

  if (opts.pqOnly) {
    const report = { machine, config: { quick: opts.quick }, postQuantum: await postQuantum(opts, env) };
    machine.loadAverageAtEnd = os.loadavg().map((x) => Number(x.toFixed(2)));
    process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : `\n${render(report)}`);
    return;
  }
  const report = {
    machine,
    config: { sizes: opts.sizes.map(fmtSize), runs: Object.fromEntries(opts.sizes.map((s) => [fmtSize(s), runsFor(opts, s)])), startupRuns: opts.startupRuns, quick: opts.quick },
    throughput: want("throughput") ? await throughput(opts, env, tools) : [],
    startup: want("startup") ? startup(opts, env) : [],
    escrow: want("escrow") ? escrow(opts) : { available: false, message: "not run (--only)" },
    hostile: want("hostile") ? await hostile(opts, env) : [],
    postQuantum: want("pq") ? await postQuantum(opts, env) : null,
  };
  machine.loadAverageAtEnd = os.loadavg().map((x) => Number(x.toFixed(2)));

  process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : `\n${render(report)}`);
  if (report.escrow.available && !report.escrow.ok) process.exitCode = 1;
}

try {
  await main();
} catch (e) {
  log(`\nbench: FAILED: ${e.message}`);
  process.exitCode = 1;
} finally {
  cleanup();
}
