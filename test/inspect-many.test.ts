/**
 * `inspect` as a CI gate: many files and directories, JSON lines,
 * age-inspect's fields, GitHub annotations and SARIF 2.1.0.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { tmpdir } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fc, test as fcTest } from "@fast-check/vitest";
import { classicWeakLinks, postQuantumStatus } from "../src/crypto/inspect.js";
import { decodePqRecipient, decodeRecipient } from "../src/crypto/keys.js";
import { loadXWing } from "../src/crypto/primitives.js";
import { secureRandom } from "../src/crypto/random.js";
import { EscrowRecipient } from "../src/crypto/recipients/escrow.js";
import { MlKem768X25519Recipient } from "../src/crypto/recipients/mlkem768x25519.js";
import { encodeHeader } from "../src/crypto/format/header.js";
import { payloadKey, sealChunks } from "../src/crypto/format/stream.js";
import { escapeGithubData, escapeGithubProperty, markdownCell, pathToUri } from "../src/ui/inspect-list.js";
import { doormat, type RunResult } from "./cli-harness.js";
import { loadVectors } from "./helpers.js";
import ajvDraft04 from "ajv-draft-04";

// ajv-draft-04 is CommonJS: under NodeNext its default import is module.exports, whose .default is the class.
const Ajv04 = ajvDraft04.default;

const dir = fs.mkdtempSync(path.join(tmpdir(), "doormat-inspect-many-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const inDir = (args: string[], o: { stdin?: Uint8Array | string; env?: Record<string, string> } = {}): Promise<RunResult> => doormat(args, { cwd: dir, ...o });
const lines = (r: RunResult): string[] => r.stdout.toString().split("\n").filter((l) => l !== "");

interface Line {
  file: string | null;
  error?: string;
  lawful_access?: boolean;
  escrow_authorities?: string[];
  armored?: boolean;
  header_size?: number;
  payload_size?: number;
  plaintext_size?: number | null;
  version?: string;
  postquantum?: string;
  armor?: boolean;
  stanza_types?: string[];
  sizes?: Record<string, number | null>;
}

let pub = "";
let govPub = "";
async function encrypt(file: string, args: string[]): Promise<void> {
  const r = await inDir(["encrypt", ...args, "-o", file], { stdin: "secret payload\n" });
  expect(r.code, r.stderr).toBe(0);
}

beforeAll(async () => {
  await inDir(["keygen", "-o", "k.key"]);
  await inDir(["keygen", "--authority", "Five Eyes", "-o", "gov.key"]);
  pub = (await inDir(["pubkey", "k.key"])).stdout.toString().trim();
  govPub = (await inDir(["pubkey", "gov.key"])).stdout.toString().trim();
  fs.mkdirSync(path.join(dir, "tree/nested/deeper"), { recursive: true });
  fs.mkdirSync(path.join(dir, "clean"));
  fs.mkdirSync(path.join(dir, "empty"));
  await encrypt("tree/a.age", ["-r", pub]);
  await encrypt("tree/nested/b.age", ["-r", pub, "--escrow", govPub]);
  await encrypt("tree/nested/deeper/c.age", ["-a", "-r", pub, "--escrow", govPub]);
  await encrypt("tree/not-picked.bin", ["-r", pub, "--escrow", govPub]); // not *.age: skipped in a walk
  fs.writeFileSync(path.join(dir, "tree/junk.age"), "not an age file\n");
  fs.writeFileSync(path.join(dir, "tree/notes.txt"), "ignored\n");
  await encrypt("clean/one.age", ["-r", pub]);
  await encrypt("clean/two.age", ["-a", "-r", pub, "-r", govPub]);
});

describe("inspect over many files", () => {
  it("walks directories for *.age, one line per file and a summary; exit 1 for the junk file", async () => {
    const r = await inDir(["inspect", "tree"]);
    expect(r.code).toBe(1);
    const ls = lines(r);
    expect(ls).toHaveLength(5);
    expect(ls[0]).toMatch(/^ok +tree\/a\.age: X25519; post-quantum: no$/);
    expect(ls[1]).toMatch(/^unreadable +tree\/junk\.age: not an age file/);
    expect(ls[2]).toMatch(/^ESCROWED +tree\/nested\/b\.age: lawful access: authority [0-9a-f]{8}/);
    expect(ls[3]).toMatch(/^ESCROWED +tree\/nested\/deeper\/c\.age: .*armored/);
    expect(ls[4]).toBe("4 files: 2 escrowed, 1 unreadable, 1 clean");
    expect(r.stdout.toString()).not.toContain("not-picked.bin");
    expect(r.stdout.toString()).not.toContain("notes.txt");
    expect(r.stderr).toBe("doormat: error: 1 of 4 files could not be read as age files\n");
  });

  it("--deny-escrow: exit 3 naming every escrowed file, even with an unreadable one present", async () => {
    const r = await inDir(["inspect", "--deny-escrow", "tree"]);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe("doormat: error: lawful-access escrow found in 2 files: tree/nested/b.age, tree/nested/deeper/c.age\n");
  });

  it("--deny-escrow: exit 1 when nothing is escrowed but a file cannot be read; 0 when all is clean", async () => {
    const bad = await inDir(["inspect", "--deny-escrow", "clean", "tree/junk.age", "missing.age"]);
    expect(bad.code).toBe(1);
    const ls = lines(bad);
    expect(ls.slice(0, 2).every((l) => l.startsWith("ok "))).toBe(true);
    expect(ls[2]).toMatch(/^unreadable +tree\/junk\.age/);
    expect(ls[3]).toMatch(/^unreadable +missing\.age: cannot open input "missing\.age": no such file/);
    expect(ls[4]).toBe("4 files: 0 escrowed, 2 unreadable, 2 clean");
    const ok = await inDir(["inspect", "--deny-escrow", "clean"]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(lines(ok)[1]).toMatch(/2 X25519 stanzas: any could be a covert escrow/);
  });

  it("an explicit file is inspected whatever its name; a file reached twice is listed once", async () => {
    const r = await inDir(["inspect", "--deny-escrow", "tree/not-picked.bin", "clean", "clean/one.age"]);
    expect(r.code).toBe(3);
    expect(lines(r)).toHaveLength(4);
    expect(r.stderr).toContain("tree/not-picked.bin");
  });

  it("an empty directory is a warning, not a failure", async () => {
    const r = await inDir(["inspect", "--deny-escrow", "empty"]);
    expect(r.code).toBe(0);
    expect(lines(r)).toEqual(["0 files: 0 escrowed, 0 unreadable, 0 clean"]);
    expect(r.stderr).toBe('doormat: warning: no *.age file under "empty"\n');
  });

  it("--json: JSON lines, one per file, today's fields plus age-inspect's; sizes add up to the file size", async () => {
    const r = await inDir(["inspect", "--json", "tree", "clean"]);
    expect(r.code).toBe(1);
    const docs = lines(r).map((l) => JSON.parse(l) as Line);
    expect(docs.map((d) => d.file)).toEqual(["tree/a.age", "tree/junk.age", "tree/nested/b.age", "tree/nested/deeper/c.age", "clean/one.age", "clean/two.age"]);
    expect(Object.keys(docs[1] as Line).sort()).toEqual(["error", "file"]);
    expect(docs[1]?.error).toMatch(/not an age file/);
    for (const d of docs.filter((x) => x.error === undefined)) {
      for (const k of ["version", "armored", "header_size", "payload_size", "plaintext_size", "lawful_access", "escrow_authorities", "x25519_stanzas", "possible_covert_escrow", "stanzas", "postquantum", "armor", "stanza_types", "sizes"]) {
        expect(d, k).toHaveProperty(k);
      }
      expect(d.version).toBe("age-encryption.org/v1");
      expect(d.postquantum).toBe("no");
      expect(d.armor).toBe(d.armored);
      const s = d.sizes as Record<string, number>;
      expect(Object.keys(s)).toEqual(["header", "armor", "overhead", "min_payload", "max_payload", "min_padding", "max_padding"]);
      const size = fs.statSync(path.join(dir, d.file as string)).size;
      expect((s.header ?? 0) + (s.armor ?? 0) + (s.overhead ?? 0) + (s.min_payload ?? 0)).toBe(size);
      expect(s.min_payload).toBe("secret payload\n".length);
      expect(s.overhead).toBe(16 + 16); // the nonce and one tag
      expect(s.armor === 0).toBe(!d.armored);
    }
    expect(docs[3]?.stanza_types).toEqual(["X25519", "doormat.example/lawful-access"]);
    expect(docs[5]?.stanza_types).toEqual(["X25519", "X25519"]);
  });

  it("--json on one file is still one pretty document, with the new fields", async () => {
    const r = await inDir(["inspect", "--json", "tree/nested/b.age"]);
    expect(r.code).toBe(0);
    expect(r.stdout.toString().startsWith("{\n")).toBe(true);
    const d = JSON.parse(r.stdout.toString()) as Line;
    expect(d.file).toBe("tree/nested/b.age");
    expect(d.lawful_access).toBe(true);
    expect(d.stanza_types).toEqual(["X25519", "doormat.example/lawful-access"]);
    expect(d.sizes?.["header"]).toBe(d.header_size);
  });

  it("a post-quantum file (CCTV vector \"hybrid\") is postquantum: yes", async () => {
    const v = loadVectors().find((x) => x.name === "hybrid");
    expect(v).toBeDefined();
    const d = JSON.parse((await inDir(["inspect", "--json"], { stdin: v?.body as Uint8Array })).stdout.toString()) as Line;
    expect(d.stanza_types).toEqual(["mlkem768x25519"]);
    expect(d.postquantum).toBe("yes");
  });

  it("-o writes the report atomically and never replaces a file without --force", async () => {
    const out = path.join(dir, "report.sarif");
    expect((await inDir(["inspect", "--format", "sarif", "-o", "report.sarif", "clean"])).code).toBe(0);
    const first = fs.readFileSync(out, "utf8");
    const again = await inDir(["inspect", "--format", "sarif", "-o", "report.sarif", "tree"]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists/);
    expect(fs.readFileSync(out, "utf8")).toBe(first);
    expect((await inDir(["inspect", "--format", "sarif", "-o", "report.sarif", "--force", "tree"])).code).toBe(1);
    expect(fs.readFileSync(out, "utf8")).not.toBe(first);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });
});

describe("postQuantumStatus follows age-inspect's rule", () => {
  it.each([
    [["X25519"], "no"],
    [["scrypt"], "yes"],
    [["mlkem768x25519"], "yes"],
    [["mlkem768x25519", "mlkem768x25519"], "yes"],
    [["mlkem768x25519", "doormat.example/lawful-access"], "no"],
    [["mlkem768x25519", "doormat.example/lawful-access-pq"], "yes"],
    [["doormat.example/lawful-access-pq"], "yes"],
    [["mlkem768x25519", "some-grease-type"], "yes"],
    [["some-plugin"], "unknown"],
    [[], "unknown"],
    [["ssh-ed25519", "mlkem768x25519"], "no"],
  ] as Array<[string[], string]>)("%j is %s", (types, want) => {
    expect(postQuantumStatus(types)).toBe(want);
  });
});

describe("classicWeakLinks: the classic stanzas a post-quantum file is only as strong as", () => {
  it.each([
    [["mlkem768x25519"], []],
    [["mlkem768x25519", "doormat.example/lawful-access-pq"], []],
    [["mlkem768x25519", "doormat.example/lawful-access"], ["doormat.example/lawful-access"]],
    [["X25519", "mlkem768x25519", "X25519"], ["X25519"]],
    [["X25519", "doormat.example/lawful-access-pq"], []], // classic to begin with: PQ escrow weakens nothing
    [["X25519"], []],
    [["scrypt"], []],
  ] as Array<[string[], string[]]>)("%j -> %j", (types, want) => {
    expect(classicWeakLinks(types)).toEqual(want);
  });
});

/** pqtree/: post-quantum files, clean, escrowed (both kinds), covertly escrowed and downgraded. Made once. */
let pqTree: Promise<void> | undefined;
const makePqTree = (): Promise<void> => (pqTree ??= (async () => {
  await inDir(["keygen", "--pq", "-o", "pq.key"]);
  await inDir(["keygen", "--pq", "--authority", "PQ Eyes", "-o", "govpq.key"]);
  const pq = (await inDir(["pubkey", "pq.key"])).stdout.toString().trim();
  const govPq = (await inDir(["pubkey", "govpq.key"])).stdout.toString().trim();
  fs.mkdirSync(path.join(dir, "pqtree/sub"), { recursive: true });
  await encrypt("pqtree/clean.age", ["-r", pq]);
  await encrypt("pqtree/covert.age", ["-r", pq, "--escrow-covert", govPq]);
  await encrypt("pqtree/sub/pq-escrowed.age", ["-r", pq, "--escrow", govPq]);
  await encrypt("pqtree/classic-pq-escrowed.age", ["-r", pub, "--escrow", govPq]);
  // doormat refuses to write a post-quantum file escrowed to a classic key; another tool could.
  await loadXWing();
  const fileKey = secureRandom(16);
  const nonce = secureRandom(16);
  const stanzas = [...new MlKem768X25519Recipient(decodePqRecipient(pq)).wrapFileKey(fileKey, secureRandom), ...new EscrowRecipient(decodeRecipient(govPub)).wrapFileKey(fileKey, secureRandom)];
  fs.writeFileSync(path.join(dir, "pqtree/downgraded.age"), Buffer.concat([encodeHeader(stanzas, fileKey), nonce, sealChunks(payloadKey(fileKey, nonce), 0, new TextEncoder().encode("hi\n"), true)]));
})());

describe("post-quantum files in a tree (lawful-access-pq, covert PQ escrow, a classic-escrowed PQ file)", () => {
  beforeAll(makePqTree);

  it("--deny-escrow over the directory flags post-quantum escrow too: exit 3, every escrowed file named", async () => {
    const r = await inDir(["inspect", "--deny-escrow", "pqtree"]);
    expect(r.code).toBe(3);
    expect(r.stderr.toString()).toContain("lawful-access escrow found in 3 files: pqtree/classic-pq-escrowed.age, pqtree/downgraded.age, pqtree/sub/pq-escrowed.age");
    const ls = lines(r);
    expect(ls).toContainEqual(expect.stringMatching(/^ESCROWED +pqtree\/sub\/pq-escrowed\.age: lawful access: authority [0-9a-f]{8}; mlkem768x25519, doormat\.example\/lawful-access-pq; post-quantum: yes$/));
    expect(ls).toContainEqual(expect.stringMatching(/^ESCROWED +pqtree\/downgraded\.age: .*post-quantum: no; only as strong as its classic doormat\.example\/lawful-access stanza$/));
    expect(ls).toContainEqual(expect.stringMatching(/^ESCROWED +pqtree\/classic-pq-escrowed\.age: .*post-quantum: no$/));
    expect(ls).toContainEqual(expect.stringMatching(/^ok +pqtree\/covert\.age: 2x mlkem768x25519; post-quantum: yes; 2 mlkem768x25519 stanzas: any could be a covert escrow$/));
    expect(ls.at(-1)).toBe("5 files: 3 escrowed, 0 unreadable, 2 clean");
    const gh = await inDir(["inspect", "--deny-escrow", "--format", "github", "pqtree"]);
    expect(gh.code).toBe(3);
    expect(lines(gh).filter((l) => l.startsWith("::error ")).map((l) => /file=([^,]+)/.exec(l)?.[1])).toEqual(["pqtree/classic-pq-escrowed.age", "pqtree/downgraded.age", "pqtree/sub/pq-escrowed.age"]);
    const sarif = JSON.parse((await inDir(["inspect", "--format", "sarif", "pqtree"])).stdout.toString()) as { runs: Array<{ results: unknown[] }> };
    expect(sarif.runs[0]?.results).toHaveLength(3);
  });

  it("--json names the post-quantum escrow stanza and its authority, the covert suspects and the weak link", async () => {
    const docs = lines(await inDir(["inspect", "--json", "pqtree"])).map((l) => JSON.parse(l) as Record<string, unknown>);
    const byFile = new Map(docs.map((d) => [d["file"], d]));
    const escrowed = byFile.get("pqtree/sub/pq-escrowed.age") as { stanzas: Array<Record<string, unknown>>; escrow_authorities: string[]; classic_weak_links: string[]; postquantum: string };
    expect(escrowed.stanzas[1]).toMatchObject({ type: "doormat.example/lawful-access-pq", kind: "lawful-access", authority_id: escrowed.escrow_authorities[0] });
    expect(escrowed.stanzas[1]?.["description"]).toMatch(/post-quantum authority [0-9a-f]{8}/);
    expect(escrowed.classic_weak_links).toEqual([]);
    expect(escrowed.postquantum).toBe("yes");
    expect(byFile.get("pqtree/covert.age")).toMatchObject({ possible_covert_escrow: true, mlkem768x25519_stanzas: 2, x25519_stanzas: 0, lawful_access: false });
    expect(byFile.get("pqtree/clean.age")).toMatchObject({ possible_covert_escrow: false, mlkem768x25519_stanzas: 1, classic_weak_links: [] });
    expect(byFile.get("pqtree/downgraded.age")).toMatchObject({ postquantum: "no", classic_weak_links: ["doormat.example/lawful-access"], lawful_access: true });
    expect(byFile.get("pqtree/classic-pq-escrowed.age")).toMatchObject({ postquantum: "no", classic_weak_links: [] });
  });

  it("one file: the view says post-quantum yes or no, and makes the 'only as strong as that key' point", async () => {
    const down = (await inDir(["inspect", "pqtree/downgraded.age"], { env: { NO_COLOR: "1" } })).stdout.toString();
    expect(down).toContain("post-quantum: no (a classic stanza protects the file key)");
    expect(down).toMatch(/only as strong as that key:\n +doormat\.example\/lawful-access\n/);
    expect(down).toContain("harvest now, decrypt later");
    const pqEscrowed = (await inDir(["inspect", "pqtree/sub/pq-escrowed.age"], { env: { NO_COLOR: "1" } })).stdout.toString();
    expect(pqEscrowed).toContain("post-quantum: yes");
    expect(pqEscrowed).toContain("LAWFUL ACCESS: the file key is escrowed to post-quantum authority");
    expect(pqEscrowed).not.toMatch(/unknown stanza type|does not know/);
    expect(pqEscrowed).not.toContain("only as strong");
    const covert = (await inDir(["inspect", "pqtree/covert.age"], { env: { NO_COLOR: "1" } })).stdout.toString();
    expect(covert).toContain("2 mlkem768x25519 stanzas: they carry no key id either");
    expect(covert).not.toContain("No escrow stanza");
    for (const out of [down, pqEscrowed, covert]) for (const l of out.split("\n")) expect([...l].length, l).toBeLessThanOrEqual(80);
  });
});

describe("--format github", () => {
  it("one ::error per escrowed file, a ::warning per unreadable one, and the summary", async () => {
    const r = await inDir(["inspect", "--deny-escrow", "--format", "github", "tree"]);
    expect(r.code).toBe(3);
    const ls = lines(r);
    expect(ls.filter((l) => l.startsWith("::error "))).toEqual([
      expect.stringMatching(/^::error file=tree\/nested\/b\.age,title=Lawful-access escrow::tree\/nested\/b\.age carries a lawful-access stanza/),
      expect.stringMatching(/^::error file=tree\/nested\/deeper\/c\.age,title=Lawful-access escrow::/),
    ]);
    expect(ls.filter((l) => l.startsWith("::warning "))).toEqual([expect.stringMatching(/^::warning file=tree\/junk\.age,title=Not a readable age file::tree\/junk\.age: not an age file/)]);
    expect(ls.at(-1)).toBe("doormat inspect: 4 files: 2 escrowed, 1 unreadable, 1 clean");
  });

  it("past 10 escrowed files the summary says GitHub shows only the first 10", async () => {
    const many = path.join(dir, "many");
    fs.mkdirSync(many);
    const one = fs.readFileSync(path.join(dir, "tree/nested/b.age"));
    for (let i = 0; i < 11; i++) fs.writeFileSync(path.join(many, `f${String(i).padStart(2, "0")}.age`), one);
    const summary = path.join(dir, "step-summary.md");
    fs.writeFileSync(summary, "earlier step\n");
    const r = await inDir(["inspect", "--format", "github", "many", "tree/junk.age"], { env: { GITHUB_STEP_SUMMARY: summary } });
    expect(r.code).toBe(1); // no --deny-escrow: escrow is reported, the junk file fails
    expect(lines(r).filter((l) => l.startsWith("::error "))).toHaveLength(11);
    expect(lines(r).at(-1)).toMatch(/11 escrowed.*GitHub shows only the first 10 annotations/);
    // The job summary lists every flagged file, after what earlier steps wrote.
    const md = fs.readFileSync(summary, "utf8").split("\n");
    expect(md[0]).toBe("earlier step");
    expect(md[1]).toBe("### doormat inspect: 12 files: 11 escrowed, 1 unreadable, 0 clean");
    expect(md.filter((l) => /^\| escrowed \| many\/f\d\d\.age \| lawful access: authority [0-9a-f]{8}/.test(l))).toHaveLength(11);
    expect(md.filter((l) => l.startsWith("| unreadable | tree/junk.age | not an age file"))).toHaveLength(1);
    // Without the variable, nothing is written anywhere.
    fs.rmSync(summary);
    expect((await inDir(["inspect", "--format", "github", "many"])).code).toBe(0);
    expect(fs.existsSync(summary)).toBe(false);
  });

  it("file names with , : % and newlines are escaped as actions/toolkit does", async () => {
    const odd = path.join(dir, "odd");
    fs.mkdirSync(odd);
    fs.copyFileSync(path.join(dir, "tree/nested/b.age"), path.join(odd, "a,b:c%d\ne.age"));
    const r = await inDir(["inspect", "--format", "github", "odd"]);
    expect(lines(r)[0]).toMatch(/^::error file=odd\/a%2Cb%3Ac%25d%0Ae\.age,title=Lawful-access escrow::odd\/a,b:c%25d%0Ae\.age carries/);
  });

  it("Markdown cells keep a table intact: | escaped, no line breaks, no HTML", () => {
    expect(markdownCell("a|b\nc <script>&")).toBe("a\\|b c &lt;script&gt;&amp;");
  });

  fcTest.prop([fc.string({ unit: "binary" })])("escaping is reversible and leaves no raw separator", (s) => {
    const p = escapeGithubProperty(s);
    expect(p).not.toMatch(/[\r\n:,]/);
    const unescape = (x: string): string => x.replace(/%(25|0D|0A|3A|2C)/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
    expect(unescape(p)).toBe(s);
    expect(escapeGithubData(s)).not.toMatch(/[\r\n]/);
    expect(unescape(escapeGithubData(s))).toBe(s);
  });
});

describe("--format sarif", () => {
  interface Sarif {
    $schema: string;
    version: string;
    runs: Array<{
      tool: { driver: { name: string; version: string; rules: Array<{ id: string; name: string; shortDescription: { text: string }; fullDescription: { text: string }; defaultConfiguration: { level: string }; properties: { tags: string[]; "security-severity": string } }> } };
      invocations: Array<{ executionSuccessful: boolean; toolExecutionNotifications: Array<{ level: string; message: { text: string } }> }>;
      results: Array<{ ruleId: string; ruleIndex: number; level: string; message: { text: string }; locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }>; partialFingerprints: Record<string, string> }>;
    }>;
  }
  const sarif = async (...args: string[]): Promise<Sarif> => JSON.parse((await inDir(["inspect", "--format", "sarif", ...args])).stdout.toString()) as Sarif;

  it("validates against the OASIS SARIF 2.1.0 (errata 01) JSON schema: escrowed, unreadable, post-quantum and clean trees", async () => {
    const schema = JSON.parse(fs.readFileSync(new URL("./vectors/sarif-schema-2.1.0.json", import.meta.url), "utf8")) as Record<string, unknown>;
    const validate = new Ajv04({ allErrors: true, strict: false }).compile(schema);
    await makePqTree();
    const logs = [await sarif("tree"), await sarif("pqtree"), await sarif("clean"), await sarif("tree/junk.age")];
    expect(logs.map((l) => l.runs[0]?.results.length)).toEqual([2, 3, 0, 0]);
    for (const log of logs) expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    // The validator is not a rubber stamp: a level SARIF does not define is refused.
    const bad = structuredClone(logs[0]) as { runs: Array<{ results: Array<{ level: string }> }> };
    (bad.runs[0]?.results[0] as { level: string }).level = "fatal";
    expect(validate(bad)).toBe(false);
  });

  it("has the SARIF 2.1.0 essentials (anchors §4.4) and one result per escrowed file", async () => {
    const log = await sarif("tree");
    expect(log.$schema).toBe("https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json");
    expect(log.version).toBe("2.1.0");
    expect(log.runs).toHaveLength(1);
    const run = log.runs[0] as Sarif["runs"][number];
    expect(run.tool.driver.name).toBe("doormat");
    expect(run.tool.driver.version).toMatch(/^\d+\.\d+\.\d+/);
    const rule = run.tool.driver.rules[0];
    expect(run.tool.driver.rules).toHaveLength(1);
    expect(rule?.id).toBe("DOORMAT-ESCROW-001");
    expect(rule?.shortDescription.text.length).toBeGreaterThan(0);
    expect(rule?.fullDescription.text.length).toBeGreaterThan(0);
    expect(rule?.defaultConfiguration.level).toBe("error");
    expect(Number(rule?.properties["security-severity"])).toBeGreaterThanOrEqual(0);
    expect(run.results.map((x) => x.locations[0]?.physicalLocation.artifactLocation.uri)).toEqual(["tree/nested/b.age", "tree/nested/deeper/c.age"]);
    for (const res of run.results) {
      expect(res.ruleId).toBe(rule?.id);
      expect(res.ruleIndex).toBe(0);
      expect(["none", "note", "warning", "error"]).toContain(res.level);
      expect(res.message.text).toMatch(/lawful-access escrow to authority [0-9a-f]{8}/);
      expect(res.locations[0]?.physicalLocation.region.startLine).toBe(1);
      expect(Object.values(res.partialFingerprints)[0]).toMatch(/^[0-9a-f]{64}$/);
    }
    // Files that could not be read are tool notifications, not findings.
    expect(run.invocations[0]?.executionSuccessful).toBe(false);
    expect(run.invocations[0]?.toolExecutionNotifications.map((n) => n.message.text)).toEqual([expect.stringMatching(/^tree\/junk\.age: not an age file/)]);
  });

  it("fingerprints are stable across runs, and a clean tree has no results", async () => {
    const a = await sarif("tree");
    const b = await sarif("tree");
    expect(a.runs[0]?.results.map((r) => r.partialFingerprints)).toEqual(b.runs[0]?.results.map((r) => r.partialFingerprints));
    const clean = await sarif("clean");
    expect(clean.runs[0]?.results).toEqual([]);
    expect(clean.runs[0]?.invocations[0]?.executionSuccessful).toBe(true);
  });

  it("URIs are relative references with each segment percent-encoded", () => {
    expect(pathToUri("secrets/prod env#1.age")).toBe("secrets/prod%20env%231.age");
    expect(pathToUri("/abs/x.age")).toBe("file:///abs/x.age");
  });
});
