/**
 * Loading identities and recipients from files and flags into crypto objects, including
 * passphrase-protected identity files (an age file with one scrypt stanza over a key file, as
 * `age -p` makes), and messages for the mistakes people make with keys: SSH keys where age keys
 * belong, key strings where a file belongs, a file where a key string belongs.
 *
 * @module
 */
import * as fs from "node:fs";
import type { Readable } from "node:stream";
import { decrypt } from "../crypto/age.js";
import { AgeError, NoMatchError } from "../crypto/errors.js";
import type { Stanza } from "../crypto/format/header.js";
import { KeyFormatError, PQ_PUBLIC_KEY_SIZE, decodeAnyRecipient, parseIdentityFile, parseRecipientsFile, pqPublicKey, type KeyFileMeta } from "../crypto/keys.js";
import { loadXWing } from "../crypto/primitives.js";
import { AuthorityIdentity, PqAuthorityIdentity } from "../crypto/recipients/escrow.js";
import { SCRYPT_TYPE, ScryptIdentity } from "../crypto/recipients/scrypt.js";
import type { Identity } from "../crypto/recipients/types.js";
import { CliError, NoTerminalError } from "../errors.js";
import { keyFileText, looksLikeAgeFile, readKeyFileBytes } from "./files.js";

/** One loaded identity file. */
export interface LoadedIdentityFile {
  readonly path: string;
  readonly identities: (AuthorityIdentity | PqAuthorityIdentity)[];
  /** 32 bytes (X25519) or 1216 bytes (mlkem768x25519) each, in file order by type. */
  readonly publicKeys: Uint8Array[];
  readonly meta: KeyFileMeta;
  /** Whether the file was passphrase-protected (an age file over the key file). */
  readonly encrypted: boolean;
}

/** How identity files are being used, for hints that name only options that exist. */
export interface LoadIdentityOptions {
  /** The command reading them: its hints differ (pubkey has no -i or -r). Default "decrypt". */
  readonly command?: "decrypt" | "pubkey";
  /** Ask for a passphrase on the terminal (for passphrase-protected identity files). */
  readonly readPassphrase?: (prompt: string) => Promise<string>;
}

// ---------------------------------------------------------------------------------------------
// SSH keys where age keys belong

/** An SSH key recognised in a line: its type, and whether it is a private key. */
interface SshKey {
  readonly kind: string;
  readonly secret: boolean;
}

const SSH_PUBLIC = /^(ssh-ed25519|ssh-rsa|ssh-dss|ecdsa-sha2-nistp(?:256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com)(?:\s|$)/;
const SSH_PRIVATE = /^-----BEGIN (OPENSSH|RSA|DSA|EC|ENCRYPTED|)\s?PRIVATE KEY-----/;

/** Recognise an SSH public key line (OpenSSH format, RFC 4716) or the start of a private key. */
function sshKeyIn(line: string): SshKey | null {
  const l = line.trim();
  const pub = SSH_PUBLIC.exec(l);
  if (pub) return { kind: pub[1] as string, secret: false };
  if (l.startsWith("---- BEGIN SSH2 PUBLIC KEY ----")) return { kind: "SSH2 (RFC 4716)", secret: false };
  const priv = SSH_PRIVATE.exec(l);
  if (priv) return { kind: priv[1] === "OPENSSH" ? "OpenSSH" : `PEM ${priv[1] === "" ? "PKCS#8" : priv[1]}`, secret: true };
  return null;
}

/** The first line of `text` that is an SSH key, with its 1-based number. Linear in the text. */
function firstSshLine(text: string): { line: number; key: SshKey } | null {
  let start = 0;
  for (let n = 1; start <= text.length; n++) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    const key = sshKeyIn(text.slice(start, Math.min(end, start + 200)));
    if (key) return { line: n, key };
    start = end + 1;
  }
  return null;
}

/** The hints for an SSH key: doormat takes age keys only; what stock age reads. */
function sshHints(key: SshKey, role: "recipient" | "identity"): string[] {
  const make = role === "recipient" ? "ask for their age recipient (age1…), made with \"doormat keygen\" or \"age-keygen\"" : "make an age identity with \"doormat keygen\"";
  const ageReads = key.kind === "ssh-ed25519" || key.kind === "ssh-rsa" || key.kind === "OpenSSH" || key.kind === "PEM RSA";
  const stock = role === "recipient"
    ? (ageReads ? "stock age encrypts to ssh-ed25519 and ssh-rsa keys: age -R ~/.ssh/id_ed25519.pub" : `stock age reads ssh-ed25519 and ssh-rsa keys only, not ${key.kind}`)
    : (ageReads ? "stock age decrypts with ssh-ed25519 and ssh-rsa private keys: age -d -i ~/.ssh/id_ed25519" : `stock age reads ssh-ed25519 and ssh-rsa keys only, not ${key.kind}`);
  return [`doormat takes age keys only; ${make}`, stock];
}

function describeSsh(key: SshKey): string {
  return key.secret ? `an SSH private key (${key.kind})` : `an SSH public key (${key.kind})`;
}

// ---------------------------------------------------------------------------------------------
// Passphrase-protected identity files

/** An identity that opens nothing and remembers the stanzas it was shown. */
class StanzaPeek implements Identity {
  stanzas: readonly Stanza[] = [];
  unwrapFileKey(stanzas: readonly Stanza[]): null {
    this.stanzas = stanzas;
    return null;
  }
}

/**
 * Decrypt a passphrase-protected identity file (an age file whose only stanza is scrypt),
 * asking for the passphrase on the terminal.
 * @returns the key file inside
 * @throws CliError if it is encrypted to keys, the passphrase is wrong, there is no terminal,
 *   or the file is damaged
 */
async function decryptIdentityFile(bytes: Uint8Array, name: string, readPassphrase: LoadIdentityOptions["readPassphrase"]): Promise<Uint8Array> {
  const damaged = (e: AgeError): CliError => new CliError(`identity file ${name} is an encrypted age file that cannot be read: ${e.message}`);
  const peek = new StanzaPeek();
  try {
    decrypt(bytes, [peek]);
  } catch (e) {
    if (!(e instanceof AgeError)) throw e;
    if (!(e instanceof NoMatchError)) throw damaged(e);
  }
  if (!peek.stanzas.some((s) => s.type === SCRYPT_TYPE)) {
    throw new CliError(`identity file ${name} is an encrypted age file, not a key file`, {
      hints: ["doormat reads identity files protected by a passphrase (\"age -p\" over a key file), not ones encrypted to other keys"],
    });
  }
  if (readPassphrase === undefined) throw new CliError(`identity file ${name} is passphrase-protected, and no passphrase can be asked here`);
  let pass: string;
  try {
    pass = await readPassphrase(`Enter passphrase for identity file ${name}: `);
  } catch (e) {
    if (e instanceof NoTerminalError) {
      throw new CliError(`identity file ${name} is protected by a passphrase, and there is no terminal to ask for it`, {
        hints: ["run doormat from an interactive terminal: the passphrase is read from /dev/tty, never from standard input"],
      });
    }
    throw e;
  }
  try {
    return decrypt(bytes, [new ScryptIdentity(pass)]);
  } catch (e) {
    if (e instanceof NoMatchError) throw new CliError(`incorrect passphrase for identity file ${name}`);
    if (e instanceof AgeError) throw damaged(e);
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// Loading

const quoteName = (p: string): string => (p === "-" ? "standard input" : JSON.stringify(p));

/** If `s` is a key string given where a file name belongs: what kind, else null. */
function keyStringKind(s: string): "identity" | "recipient" | null {
  const t = s.trim();
  if (/^AGE-SECRET-KEY-/i.test(t)) return "identity";
  if (/^age1[02-9ac-hj-np-z]{20,}$/i.test(t)) return "recipient";
  return null;
}

/**
 * Load identity files. Every X25519 identity can also open lawful-access stanzas addressed to
 * it: any key may be an authority's. A passphrase-protected identity file (binary or armored)
 * is decrypted after asking for its passphrase.
 */
export async function loadIdentityFiles(paths: readonly string[], stdin: Readable, options: LoadIdentityOptions = {}): Promise<LoadedIdentityFile[]> {
  const command = options.command ?? "decrypt";
  const out: LoadedIdentityFile[] = [];
  for (const p of paths) {
    const name = quoteName(p);
    if (p !== "-" && !fs.existsSync(p)) {
      // A key pasted where its file's name belongs (never echo it: it may be secret).
      const kind = keyStringKind(p);
      const flag = command === "pubkey" ? "pubkey" : "-i/--identity";
      if (kind === "identity") {
        throw new CliError(`${flag} takes a key file's name, but was given a secret key itself`, {
          hints: ["save the key in a file readable only by you (\"doormat keygen -o alice.key\" makes one) and give that file's name"],
        });
      }
      if (kind === "recipient") {
        throw new CliError(`${flag} takes a key file's name, but was given a recipient (public key) itself`, {
          hints: command === "pubkey"
            ? ["a recipient already is a public key: there is nothing to derive from it"]
            : ["decrypting needs the secret key file that belongs to it (AGE-SECRET-KEY-1…); a recipient is for \"doormat encrypt -r\""],
        });
      }
    }
    let bytes = await readKeyFileBytes(p, "identity file", stdin);
    const encrypted = looksLikeAgeFile(bytes);
    if (encrypted) bytes = await decryptIdentityFile(bytes, name, options.readPassphrase);
    const text = keyFileText(bytes, "identity file", name);
    try {
      const { identities, pqIdentities, meta } = parseIdentityFile(text);
      if (pqIdentities.length > 0) await loadXWing();
      const pq = pqIdentities.map((e) => new PqAuthorityIdentity(e.seed, pqPublicKey(e.seed)));
      out.push({
        path: p,
        identities: [...identities.map((e) => new AuthorityIdentity(e.key.secretKey, e.key.publicKey)), ...pq],
        publicKeys: [...identities.map((e) => e.key.publicKey), ...pq.map((i) => i.publicKey)],
        meta,
        encrypted,
      });
    } catch (e) {
      if (!(e instanceof KeyFormatError)) throw e;
      const ssh = firstSshLine(text);
      if (ssh) {
        throw new CliError(`identity file ${name}: line ${ssh.line} is ${describeSsh(ssh.key)}, not an age identity`, { hints: sshHints(ssh.key, "identity") });
      }
      let hints: string[] = [];
      if (e.message.includes("recipient (public key)")) {
        hints = command === "pubkey"
          ? [`pubkey reads a secret key file (AGE-SECRET-KEY-1…) and prints its public key; ${name} already holds public keys`]
          : ["-i/--identity takes a secret key file (AGE-SECRET-KEY-1… or AGE-SECRET-KEY-PQ-1…); did you mean -r/--recipient?"];
      }
      throw new CliError(`identity file ${name}: ${e.message}`, { hints });
    }
  }
  return out;
}

/** The file option that goes with a recipient-string option, for hints. */
const FILE_FLAG: Record<string, string | undefined> = {
  "-r/--recipient": "-R/--recipients-file",
  "--escrow": "--escrow-file",
};

/** What a file given where a recipient string belongs holds, for the hint. */
function fileHint(s: string, flag: string): string | null {
  let st: fs.Stats;
  try {
    st = fs.statSync(s);
  } catch {
    return null;
  }
  if (!st.isFile()) return null;
  const fileFlag = FILE_FLAG[flag];
  let head = "";
  try {
    const fd = fs.openSync(s, "r");
    try {
      const buf = Buffer.alloc(4096);
      head = buf.subarray(0, fs.readSync(fd, buf, 0, buf.length, 0)).toString("latin1");
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    /* unreadable: the hint stays generic */
  }
  const q = JSON.stringify(s);
  if (/AGE-SECRET-KEY-(PQ-)?1/i.test(head)) {
    return `${q} is a secret key file: give its public key, ${flag.split("/")[0] as string} "$(doormat pubkey ${s})"${fileFlag ? `, or a file of public keys with ${fileFlag}` : ""}`;
  }
  return fileFlag ? `${q} is a file: to read recipients from a file, use ${fileFlag} ${s}` : `${q} is a file; ${flag} takes an age1… recipient, and has no file form`;
}

/**
 * Parse recipients given as strings (`-r`) and files (`-R`) into public keys: 32 bytes for
 * X25519 (`age1…`), 1216 bytes for mlkem768x25519 (`age1pq1…`, see {@link isPqPublicKey}).
 * Loads the X-Wing module when a post-quantum key is among them.
 */
export async function loadRecipients(strings: readonly string[], files: readonly string[], stdin: Readable, flag = "-r/--recipient"): Promise<Uint8Array[]> {
  const keys = await parseRecipients(strings, files, stdin, flag);
  if (keys.some(isPqPublicKey)) await loadXWing();
  return keys;
}

/** Whether a key returned by {@link loadRecipients} is post-quantum. */
export function isPqPublicKey(key: Uint8Array): boolean {
  return key.length === PQ_PUBLIC_KEY_SIZE;
}

async function parseRecipients(strings: readonly string[], files: readonly string[], stdin: Readable, flag: string): Promise<Uint8Array[]> {
  const keys: Uint8Array[] = [];
  for (const s of strings) {
    try {
      keys.push(decodeAnyRecipient(s));
    } catch (e) {
      if (!(e instanceof KeyFormatError)) throw e;
      const hints: string[] = [];
      if (/SECRET/i.test(s)) {
        // Never echo a secret key back, in whatever case or spacing it came.
        throw new CliError(`${flag} was given a secret key, not a recipient`, { hints: ["a recipient is a public key (age1…); get it with \"doormat pubkey KEYFILE\""] });
      }
      const ssh = sshKeyIn(s);
      if (ssh) throw new CliError(`${flag} was given ${describeSsh(ssh)}, not an age recipient`, { hints: sshHints(ssh, "recipient") });
      const shown = JSON.stringify(s.length > 80 ? s.slice(0, 80) + "…" : s);
      const file = fileHint(s, flag);
      if (file !== null) {
        throw new CliError(`${flag} takes a recipient (age1…), not a file name: ${shown}`, { hints: [file] });
      }
      if (!s.startsWith("age1")) hints.push(`recipients look like age1…${FILE_FLAG[flag] ? `; to read them from a file use ${FILE_FLAG[flag] as string}` : ""}`);
      throw new CliError(`invalid recipient ${shown}: ${e.message}`, { hints });
    }
  }
  for (const f of files) {
    const what = flag === "--escrow" ? "escrow file" : "recipients file";
    if (f !== "-" && !fs.existsSync(f) && keyStringKind(f) === "recipient") {
      throw new CliError(`${FILE_FLAG[flag] ?? flag} takes a file's name, but was given a recipient itself`, {
        hints: [`to give a recipient directly, use ${flag.split("/")[0] as string} ${f.length > 20 ? f.slice(0, 20) + "…" : f}`],
      });
    }
    const text = keyFileText(await readKeyFileBytes(f, what, stdin), what, quoteName(f));
    try {
      keys.push(...parseRecipientsFile(text));
    } catch (e) {
      if (!(e instanceof KeyFormatError)) throw e;
      const ssh = firstSshLine(text);
      if (ssh) {
        throw new CliError(`${what} ${quoteName(f)}: line ${ssh.line} is ${describeSsh(ssh.key)}, not an age recipient`, { hints: sshHints(ssh.key, "recipient") });
      }
      const hints = e.message.includes("identity (secret key)") ? ["-R takes public keys (age1…); make a recipients file with \"doormat pubkey KEYFILE > FILE\", or decrypt with -i"] : [];
      throw new CliError(`${what} ${quoteName(f)}: ${e.message}`, { hints });
    }
  }
  return keys;
}
