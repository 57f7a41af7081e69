/**
 * selftest's reports for CI (issue 12, item 4): sourced checks, negative checks, the closing
 * counts, and each format read by a real consumer (tap-parser, fast-xml-parser).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { tmpdir } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fc, test as fcTest } from "@fast-check/vitest";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { Parser as TapParser, type FinalResults } from "tap-parser";
import { runSlowChecks } from "../src/crypto/selftest-checks.js";
import { githubSummarySelftest, renderSelftestGithub, renderSelftestJunit, renderSelftestTap, xmlEscape, type ReportLine, type RunInfo } from "../src/ui/selftest-report.js";
import { doormat } from "./cli-harness.js";

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@_", trimValues: false, parseTagValue: false, parseAttributeValue: false, htmlEntities: true, isArray: (name) => ["testsuite", "testcase", "property"].includes(name) });

function parseTap(text: string): Promise<FinalResults> {
  return new Promise((resolve) => {
    const p = new TapParser(resolve);
    p.end(text);
  });
}

interface JsonReport {
  backend: string;
  backends_tested: string[];
  passed: number;
  failed: number;
  skipped: number;
  results: Array<{ backend: string; group: string; name: string; ok: boolean; source: string; negative: boolean }>;
  skipped_results: Array<{ name: string; skipped: string; source: string }>;
}

interface Junit {
  testsuites: {
    "@_tests": string; "@_failures": string; "@_errors": string; "@_skipped": string; "@_time": string;
    testsuite: Array<{ "@_name": string; "@_tests": string; "@_failures": string; "@_skipped": string; testcase: Array<{ "@_name": string; "@_classname": string; failure?: { "@_message": string; "#text": string }; skipped?: { "@_message": string } }> }>;
  };
}

const dir = fs.mkdtempSync(path.join(tmpdir(), "doormat-selftest-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("selftest through the CLI", () => {
  let json: JsonReport;
  beforeAll(async () => {
    const r = await doormat(["selftest", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    json = JSON.parse(r.stdout.toString()) as JsonReport;
  });

  it("--json keeps its fields; results are the checks that ran, skipped ones are apart", () => {
    expect(json.backend).toBe("node");
    expect(json.backends_tested).toEqual(["node", "noble"]);
    expect(json.failed).toBe(0);
    expect(json.results).toHaveLength(json.passed + json.failed);
    expect(json.skipped).toBe(3);
    expect(json.skipped_results.map((s) => s.skipped)).toEqual(Array(3).fill("needs --slow: minutes, 1 GiB of memory"));
  });

  it("every check names a published source", () => {
    for (const r of [...json.results, ...json.skipped_results]) {
      // A published source: an RFC or NIST document, Wycheproof, a CCTV vector, an Internet-Draft,
      // or the reference implementation that published the vector (libsignal, libsodium).
      expect(r.source, r.name).toMatch(/^(RFC \d+ (§|A\.)|RFC \d+[:,]|FIPS 180-4|SP 800-(90A|38A)|NIST CAVP:|Wycheproof tcId \d+|CCTV age\/[a-z0-9_]+$|C2SP age, CCTV|draft-connolly-cfrg-xwing-kem|libsignal: |libsodium |doormat round trip)/);
    }
  });

  it("includes the negative checks, on both backends where they test a primitive", () => {
    const neg = json.results.filter((r) => r.negative);
    const has = (re: RegExp, backend?: string): boolean => neg.some((r) => re.test(`${r.name} ${r.source}`) && (backend === undefined || r.backend === backend));
    for (const b of ["node", "noble"]) {
      expect(has(/flipped tag byte is rejected/, b)).toBe(true);
      expect(has(/low-order point rejected: order 8/, b)).toBe(true);
    }
    expect(has(/non-canonical "AB"/)).toBe(true);
    expect(has(/CCTV age\/x25519_not_canonical_body/)).toBe(true);
    expect(has(/CCTV age\/hmac_bad/)).toBe(true);
    expect(has(/CCTV age\/x25519_low_order/)).toBe(true);
    expect(has(/CCTV age\/x25519_bad_tag/)).toBe(true);
    expect(json.results.find((r) => r.source === "CCTV age/x25519")?.negative).toBe(false);
  });

  it("text ends with N passed, N failed, N skipped", async () => {
    const r = await doormat(["selftest"]);
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toMatch(new RegExp(`\\n${json.passed} passed, 0 failed, 3 skipped\\n$`));
    expect(r.stdout.toString()).toMatch(/ {2}skip RFC 7914 §12 \("pleaseletmein"/);
  });

  it("--format tap is TAP version 14 that tap-parser reads with the right counts", async () => {
    const r = await doormat(["selftest", "--format", "tap"]);
    expect(r.code).toBe(0);
    const text = r.stdout.toString();
    expect(text.split("\n")[0]).toBe("TAP version 14");
    const res = await parseTap(text);
    expect(res.ok).toBe(true);
    expect(res.count).toBe(json.passed + json.skipped);
    expect(res.pass).toBe(json.passed + json.skipped); // TAP counts a skip as a passing point
    expect(res.skip).toBe(3);
    expect(res.fail).toBe(0);
    expect(res.plan.end).toBe(res.count);
    expect(text.trimEnd().split("\n").at(-1)).toBe(`# ${json.passed} passed, 0 failed, 3 skipped`);
  });

  it("--format junit -o FILE: XML that a parser reads with the right counts, written atomically, no clobber", async () => {
    const out = path.join(dir, "selftest.xml");
    const r = await doormat(["selftest", "--format", "junit", "-o", out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.length).toBe(0);
    const text = fs.readFileSync(out, "utf8");
    expect(XMLValidator.validate(text)).toBe(true);
    const doc = xml.parse(text) as Junit;
    const suites = doc.testsuites.testsuite;
    const cases = suites.flatMap((s) => s.testcase);
    expect(Number(doc.testsuites["@_tests"])).toBe(cases.length);
    expect(cases.length).toBe(json.passed + json.skipped);
    expect(Number(doc.testsuites["@_failures"])).toBe(0);
    expect(Number(doc.testsuites["@_errors"])).toBe(0);
    expect(Number(doc.testsuites["@_skipped"])).toBe(3);
    expect(cases.filter((c) => c.skipped).length).toBe(3);
    for (const s of suites) {
      expect(Number(s["@_tests"]), s["@_name"]).toBe(s.testcase.length);
      expect(Number(s["@_failures"])).toBe(s.testcase.filter((c) => c.failure).length);
      expect(Number(s["@_skipped"])).toBe(s.testcase.filter((c) => c.skipped).length);
    }
    expect(cases.map((c) => c["@_name"])).toContain("a wrong header MAC is rejected (CCTV age/hmac_bad)");
    expect(text.trimEnd().split("\n").at(-1)).toBe(`<!-- ${json.passed} passed, 0 failed, 3 skipped -->`);

    const again = await doormat(["selftest", "--format", "junit", "-o", out]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists/);
    expect(fs.readFileSync(out, "utf8")).toBe(text);
    expect((await doormat(["selftest", "--format", "tap", "-o", out, "--force"])).code).toBe(0);
    expect(fs.readFileSync(out, "utf8").startsWith("TAP version 14\n")).toBe(true);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("--format github folds the report into a log group and ends with the counts", async () => {
    const r = await doormat(["selftest", "--format", "github"]);
    const ls = r.stdout.toString().trimEnd().split("\n");
    expect(ls[0]).toMatch(/^::group::doormat selftest \(\d+ checks\)$/);
    expect(ls).toContain("::endgroup::");
    expect(ls.filter((l) => l.startsWith("::error"))).toEqual([]);
    expect(ls.at(-1)).toBe(`${json.passed} passed, 0 failed, 3 skipped`);
  });

  it("--format github appends the counts to $GITHUB_STEP_SUMMARY when it is set", async () => {
    const summary = path.join(dir, "summary.md");
    const r = await doormat(["selftest", "--format", "github"], { env: { GITHUB_STEP_SUMMARY: summary } });
    expect(r.code).toBe(0);
    expect(fs.readFileSync(summary, "utf8")).toBe(`### doormat selftest: ${json.passed} passed, 0 failed, 3 skipped\n\n`);
  });

  it("usage errors exit 1", async () => {
    expect((await doormat(["selftest", "--json", "--format", "tap"])).code).toBe(1);
    expect((await doormat(["selftest", "--format", "xml"])).code).toBe(1);
    expect((await doormat(["selftest", "--force"])).code).toBe(1);
  });
});

describe("reports of a failing run", () => {
  const nasty = "expected 00, got <ff> & \"quoted\" 'single' ]]> \u0001 tab\there\nsecond line";
  const results: ReportLine[] = [
    { backend: "node", group: "X25519 (RFC 7748)", name: "§5.2 vector 1", ok: true, source: "RFC 7748 §5.2 vector 1" },
    { backend: "node", group: "X25519 (RFC 7748)", name: "low-order # point \\ rejected", ok: false, detail: nasty, source: "RFC 7748 §6.1", negative: true },
    { backend: "noble", group: "scrypt (RFC 7914)", name: "§12 big", ok: false, source: "RFC 7914 §12 big", skipped: "needs --slow" },
  ];
  const info: RunInfo = { backend: "node", backendsTested: ["node", "noble"], environment: { node: "20" }, startedAt: new Date("2026-11-26T07:00:00Z"), seconds: 0.42 };

  it("JUnit: one <failure> with the detail, counts per suite, valid XML despite the control character", () => {
    const text = renderSelftestJunit(info, results);
    expect(XMLValidator.validate(text)).toBe(true);
    const doc = xml.parse(text) as Junit;
    expect(doc.testsuites["@_tests"]).toBe("3");
    expect(doc.testsuites["@_failures"]).toBe("1");
    expect(doc.testsuites["@_skipped"]).toBe("1");
    expect(doc.testsuites.testsuite.map((s) => [s["@_name"], s["@_tests"], s["@_failures"], s["@_skipped"]])).toEqual([["X25519 (RFC 7748) [node]", "2", "1", "0"], ["scrypt (RFC 7914) [noble]", "1", "0", "1"]]);
    const failure = doc.testsuites.testsuite[0]?.testcase[1]?.failure;
    expect(failure?.["@_message"]).toBe(nasty.replace("\u0001", "\uFFFD"));
    expect(failure?.["#text"]).toBe(`${nasty.replace("\u0001", "\uFFFD")}\nsource: RFC 7748 §6.1`);
    expect(text.trimEnd().split("\n").at(-1)).toBe("<!-- 1 passed, 1 failed, 1 skipped -->");
  });

  it("TAP: not ok with a YAML block, # and \\ escaped, # SKIP with the reason", async () => {
    const text = renderSelftestTap(info, results);
    const res = await parseTap(text);
    expect(res.ok).toBe(false);
    expect([res.count, res.fail, res.skip]).toEqual([3, 1, 1]);
    expect(res.failures[0]?.name).toBe("X25519 (RFC 7748) [node]: low-order # point \\ rejected (RFC 7748 §6.1)");
    expect(res.failures[0]?.diag).toMatchObject({ message: nasty, severity: "fail", source: "RFC 7748 §6.1" });
    expect(res.skips[0]?.skip).toBe("needs --slow");
  });

  it("GitHub: one ::error per failure, escaped", () => {
    const ls = renderSelftestGithub("text\n", results).trimEnd().split("\n");
    const errors = ls.filter((l) => l.startsWith("::error"));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^::error title=selftest failed%3A X25519 \(RFC 7748\) \[node\]::low-order # point \\ rejected \(RFC 7748 §6\.1\): expected 00.*%0Asecond line$/);
    expect(ls.at(-1)).toBe("1 passed, 1 failed, 1 skipped");
    const md = githubSummarySelftest(results).split("\n");
    expect(md[0]).toBe("### doormat selftest: 1 passed, 1 failed, 1 skipped");
    expect(md.filter((l) => l.startsWith("| low-order # point \\ rejected | node | RFC 7748 §6.1 | expected 00, got &lt;ff&gt;"))).toHaveLength(1);
  });

  fcTest.prop([fc.string({ unit: "grapheme" }), fc.string({ unit: "binary" })])("xmlEscape: any string survives a real XML parser (invalid XML characters become U+FFFD)", (a, b) => {
    for (const s of [a, b]) {
      const doc = `<r v="${xmlEscape(s, true)}">${xmlEscape(s)}</r>`;
      expect(XMLValidator.validate(doc)).toBe(true);
      const parsed = xml.parse(doc) as { r: { "@_v": string; "#text"?: string } | string };
      const want = s.replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, "\uFFFD");
      const attr = typeof parsed.r === "string" ? undefined : parsed.r["@_v"];
      const body = typeof parsed.r === "string" ? parsed.r : parsed.r["#text"] ?? "";
      expect(attr).toBe(want);
      expect(body).toBe(want);
    }
  });
});

describe("the slow published vectors", () => {
  it("are skipped with the reason when not asked for", () => {
    const r = runSlowChecks(false);
    expect(r.map((x) => x.source)).toEqual([
      "RFC 7748 §5.2 iterated, 1,000,000 iterations",
      'RFC 7914 §12 ("pleaseletmein", "SodiumChloride", N=16384, r=8, p=1)',
      'RFC 7914 §12 ("pleaseletmein", "SodiumChloride", N=1048576, r=8, p=1)',
    ]);
    expect(r.every((x) => x.skipped !== undefined)).toBe(true);
  });

  // About a minute and 1 GiB on the build machine: only with SLOW=1, like the long property runs.
  it.skipIf(!process.env["SLOW"])("pass with --slow (SLOW=1 only: minutes and 1 GiB)", () => {
    const r = runSlowChecks(true);
    expect(r.filter((x) => !x.ok)).toEqual([]);
  }, 600_000);
});
