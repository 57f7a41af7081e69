/**
 * Loading identities and recipients from files and flags into crypto objects.
 *
 * @module
 */
import type { Readable } from "node:stream";
import { KeyFormatError, PQ_PUBLIC_KEY_SIZE, decodeAnyRecipient, parseIdentityFile, parseRecipientsFile, pqPublicKey, type KeyFileMeta } from "../crypto/keys.js";
import { loadXWing } from "../crypto/primitives.js";
import { AuthorityIdentity, PqAuthorityIdentity } from "../crypto/recipients/escrow.js";
import { CliError } from "../errors.js";
import { readKeyFile } from "./files.js";

/** One loaded identity file. */
export interface LoadedIdentityFile {
  readonly path: string;
  readonly identities: (AuthorityIdentity | PqAuthorityIdentity)[];
  /** 32 bytes (X25519) or 1216 bytes (mlkem768x25519) each, in file order by type. */
  readonly publicKeys: Uint8Array[];
  readonly meta: KeyFileMeta;
}

/**
 * Load identity files. Every X25519 identity can also open lawful-access stanzas addressed to
 * it: any key may be an authority's.
 */
export async function loadIdentityFiles(paths: readonly string[], stdin: Readable): Promise<LoadedIdentityFile[]> {
  const out: LoadedIdentityFile[] = [];
  for (const p of paths) {
    const text = await readKeyFile(p, "identity file", stdin);
    try {
      const { identities, pqIdentities, meta } = parseIdentityFile(text);
      if (pqIdentities.length > 0) await loadXWing();
      const pq = pqIdentities.map((e) => new PqAuthorityIdentity(e.seed, pqPublicKey(e.seed)));
      out.push({
        path: p,
        identities: [...identities.map((e) => new AuthorityIdentity(e.key.secretKey, e.key.publicKey)), ...pq],
        publicKeys: [...identities.map((e) => e.key.publicKey), ...pq.map((i) => i.publicKey)],
        meta,
      });
    } catch (e) {
      if (!(e instanceof KeyFormatError)) throw e;
      const name = p === "-" ? "standard input" : JSON.stringify(p);
      const hints = e.message.includes("recipient (public key)") ? ["-i/--identity takes a secret key file (AGE-SECRET-KEY-1… or AGE-SECRET-KEY-PQ-1…); did you mean -r/--recipient?"] : [];
      throw new CliError(`identity file ${name}: ${e.message}`, { hints });
    }
  }
  return out;
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
      if (s.startsWith("ssh-")) hints.push("SSH keys are not supported; use an age1… recipient");
      else if (!s.startsWith("age1")) hints.push("recipients look like age1…; to read them from a file use -R/--recipients-file");
      throw new CliError(`invalid recipient ${JSON.stringify(s.length > 80 ? s.slice(0, 80) + "…" : s)}: ${e.message}`, { hints });
    }
  }
  for (const f of files) {
    const text = await readKeyFile(f, "recipients file", stdin);
    try {
      keys.push(...parseRecipientsFile(text));
    } catch (e) {
      if (!(e instanceof KeyFormatError)) throw e;
      const hints = e.message.includes("identity (secret key)") ? ["-R takes public keys (age1…); make a recipients file with \"doormat pubkey KEYFILE > FILE\", or decrypt with -i"] : [];
      throw new CliError(`recipients file ${f === "-" ? "standard input" : JSON.stringify(f)}: ${e.message}`, { hints });
    }
  }
  return keys;
}
