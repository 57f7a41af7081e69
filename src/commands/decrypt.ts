/**
 * `doormat decrypt`: any age file (armor detected), by any identity — an authority's included.
 *
 * @module
 */
import { Command, Option } from "@commander-js/extra-typings";
import { Decrypter, openHeader } from "../crypto/age.js";
import { looksArmored } from "../crypto/format/armor.js";
import { openIfLarge, type Output } from "../io/files.js";
import { AgeError, NoMatchError, PayloadError } from "../crypto/errors.js";
import type { Stanza } from "../crypto/format/header.js";
import { SCRYPT_TYPE, ScryptIdentity } from "../crypto/recipients/scrypt.js";
import type { Identity } from "../crypto/recipients/types.js";
import { openInput } from "../io/files.js";
import { loadIdentityFiles } from "../io/keys.js";
import { CliError } from "../ui/messages.js";
import { describeAgeError } from "../ui/age-errors.js";
import type { Context } from "./context.js";
import { checkOperands, checkOptionValues, checkPaths, collect, keyFileKind, openOutput } from "./shared.js";

/** An identity that opens nothing and remembers the stanzas it was shown. */
class HeaderPeek implements Identity {
  stanzas: readonly Stanza[] | null = null;
  unwrapFileKey(stanzas: readonly Stanza[]): null {
    this.stanzas = stanzas;
    return null;
  }
}

/** How much plaintext decides whether it may be printed on a terminal: one STREAM chunk. */
const TERMINAL_DECISION_BYTES = 64 * 1024;

/** Bytes other than tab, LF and CR below 0x20, and DEL: would drive a terminal. */
function hasControlCharacters(data: Uint8Array): boolean {
  for (const b of data) if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) || b === 0x7f) return true;
  return false;
}

export function makeDecryptCommand(ctx: () => Context) {
  const misplaced = (flag: string, hint: string): Option => new Option(flag).hideHelp().argParser(() => {
    throw new CliError(`${flag.split(",")[0]?.split(" ")[0]} is not a decrypt option`, { hints: [hint] });
  });
  return new Command("decrypt")
    .description("decrypt an age file (binary or armored) with identities or a passphrase")
    .argument("[INPUT]", "file to decrypt; default or \"-\": standard input")
    .option("-i, --identity <FILE>", "identity file (AGE-SECRET-KEY-1… or post-quantum AGE-SECRET-KEY-PQ-1…), an authority's included; repeatable", collect, [] as string[])
    .option("-o, --output <OUTPUT>", "write to OUTPUT: a regular file appears only once the whole file authenticates (FIFOs and devices: see below); default: standard output")
    .option("-f, --force", "overwrite OUTPUT if it exists")
    .addOption(misplaced("-r, --recipient <R>", "did you mean -i/--identity? decrypting needs a secret key file"))
    .addOption(misplaced("-R, --recipients-file <F>", "did you mean -i/--identity? decrypting needs a secret key file"))
    .addOption(new Option("-a, --armor").hideHelp())
    .addOption(new Option("-p, --passphrase").hideHelp())
    .addHelpText("after", `
Examples:
  $ doormat decrypt -i alice.key -o secret.txt secret.age
  $ doormat decrypt -i authority.key intercepted.age     # the escrow agent, or whoever has its key
  $ doormat decrypt notes.txt.age                        # passphrase files are detected
  $ doormat decrypt -i alice.key.age msg.age             # a key file protected by "age -p": asks its passphrase

Armored files are detected automatically. With -o naming a regular file, nothing is written
unless the whole file authenticates (a temporary file is renamed at the end). Standard output,
a terminal, and -o naming an existing FIFO or device (/dev/stdout, a named pipe) are written
as the file is decrypted, one authenticated 64 KiB chunk at a time: if a later chunk fails,
the chunks before it have already gone out, and a non-zero exit means the output is
incomplete and must not be trusted. On a terminal, plaintext whose first chunk has control
characters is refused (force it with "-o -"). See docs/OUTPUT.md.`)
    .action(async (input, opts, cmd) => {
      const c = ctx();
      checkOptionValues("decrypt", [
        ["-i/--identity", "identity file", opts.identity],
        ["-o/--output", "output file", opts.output === undefined ? [] : [opts.output]],
      ]);
      checkOperands("decrypt", cmd.args);
      if (opts.armor) throw new CliError("-a/--armor is not a decrypt option", { hints: ["armored files are detected automatically"] });
      if (opts.passphrase) throw new CliError("-p/--passphrase is not a decrypt option", { hints: ["passphrase-encrypted files are detected automatically"] });
      await checkPaths(c, [{ path: input, what: "input" }, ...opts.identity.map((f) => ({ path: f, what: "identity file" }))], opts.output);
      const loaded = await loadIdentityFiles(opts.identity, c.stdin, { readPassphrase: (p) => c.readPassphrase(p) });
      const identities: Identity[] = loaded.flatMap((f) => f.identities);

      const chunks = openInput(input, c.stdin)[Symbol.asyncIterator]();
      try {
        await decryptStream(c, chunks, identities, input, opts.output, opts.force ?? false, loaded.length);
      } finally {
        await chunks.return?.(); // close the input file, also on failure
      }
    });
}

/**
 * Large unarmored files go through both cores (src/io/parallel-files.ts).
 * @returns false if this input is not one (then the sequential path runs)
 */
async function decryptLargeFile(input: string | undefined, buffered: Uint8Array[], identities: Identity[], out: Output): Promise<boolean> {
  if (buffered.length === 0 || looksArmored(buffered[0] as Uint8Array) !== false) return false;
  const handle = await openIfLarge(input);
  if (handle === null) return false;
  try {
    const opened = openHeader(identities, Buffer.concat(buffered));
    if (opened === null) return false;
    const { decryptFileParallel } = await import("../io/parallel-files.js");
    // On standard output, authenticated chunks before a failure are released, as age does.
    await decryptFileParallel(handle, opened.payloadStart, opened.payloadKey, out, out.isStdout);
    return true;
  } finally {
    await handle.close();
  }
}

/** Peek at the header, pick identities (or ask for a passphrase), then stream the plaintext out. */
async function decryptStream(c: Context, chunks: AsyncIterator<Uint8Array>, identities: Identity[], input: string | undefined, output: string | undefined, force: boolean, identityFiles: number): Promise<void> {
  // Read just enough to see the header, so we know whether to ask for a passphrase.
  const peek = new HeaderPeek();
  const probe = new Decrypter([peek]);
  const buffered: Uint8Array[] = [];
  try {
    for (;;) {
      const r = await chunks.next();
      if (r.done) {
        probe.finish();
        break;
      }
      buffered.push(r.value);
      probe.push(r.value);
    }
  } catch (e) {
    if (e instanceof NoMatchError) {
      /* the header is complete: go on */
    } else {
      const kind = e instanceof AgeError && e.kind === "header" && buffered.length > 0 ? keyFileKind(buffered[0] as Uint8Array) : null;
      if (kind !== null) {
        // `decrypt alice.key`: a key file where the file to decrypt belongs.
        const name = input === undefined || input === "-" ? "standard input" : JSON.stringify(input);
        throw new CliError(`${name} is ${kind === "identity" ? "an identity (secret key)" : "a recipients (public key)"} file, not an age file to decrypt`, {
          hints: [kind === "identity" ? `to decrypt with it, give it with -i: doormat decrypt -i ${input ?? "KEYFILE"} FILE.age` : "decrypting needs the secret key file (-i), and the file to decrypt"],
        });
      }
      throw describeAgeError(e, input);
    }
  }
  const stanzas = peek.stanzas ?? [];
  // An existing output is refused before anyone types a passphrase.
  const out = await openOutput(c, output, force);
  if (stanzas.some((s) => s.type === SCRYPT_TYPE)) {
    if (stanzas.length > 1) throw new CliError(`${input === undefined || input === "-" ? "standard input" : JSON.stringify(input)}: invalid header: an scrypt (passphrase) stanza must be the only stanza`);
    if (identities.length > 0) {
      throw new CliError("this file is encrypted with a passphrase, not to identities", { hints: ["run again without -i/--identity to be asked for the passphrase"] });
    }
    identities.push(new ScryptIdentity(await c.readPassphrase("Enter passphrase: ")));
  } else if (identities.length === 0) {
    throw new CliError("no identity given", { hints: ["did you forget -i/--identity? this file is encrypted to public keys, not a passphrase"] });
  }

  const decrypter = new Decrypter(identities);
  // Plaintext bound for a terminal: the first bytes decide, as age does. Up to one STREAM chunk
  // (64 KiB) is held back and checked for control characters; if there are none it is printed
  // and everything after it streams (memory stays bounded however large the file).
  // An explicit "-o -" forces binary plaintext onto a terminal, as with encrypt.
  const toTerminal = out.isStdout && c.isTTY.stdout && output !== "-";
  const byPassphrase = identities.some((i) => i instanceof ScryptIdentity);
  let held: Uint8Array[] | null = toTerminal ? [] : null;
  let heldBytes = 0;
  /** Decide on the held bytes: throw if they look binary, else print them and stream the rest. */
  const release = async (): Promise<void> => {
    if (held === null) return;
    const parts = held;
    held = null;
    let left = TERMINAL_DECISION_BYTES;
    for (const p of parts) {
      if (left <= 0) break;
      if (hasControlCharacters(p.subarray(0, left))) {
        throw new CliError("refusing to print binary plaintext to the terminal", { hints: ["use -o FILE, or pipe the output", "force it with \"-o -\""] });
      }
      left -= p.length;
    }
    for (const p of parts) await out.write(p);
  };
  const emit = async (parts: Uint8Array[]): Promise<void> => {
    for (const p of parts) {
      if (held === null) {
        await out.write(p);
        continue;
      }
      held.push(p);
      heldBytes += p.length;
      if (heldBytes >= TERMINAL_DECISION_BYTES) await release();
    }
  };
  try {
    try {
      if (!toTerminal && (await decryptLargeFile(input, buffered, identities, out))) {
        await out.commit();
        return;
      }
      for (const b of buffered) await emit(decrypter.push(b));
      buffered.length = 0; // not needed any more: let a large first read be collected
      for (;;) {
        const r = await chunks.next();
        if (r.done) break;
        await emit(decrypter.push(r.value));
      }
      await emit(decrypter.finish());
    } catch (e) {
      // Chunks that authenticated before the failure go where Go's age sends them too:
      // standard output, a terminal included (a file output is removed). On a terminal,
      // bytes not yet shown are shown only if they are printable; the payload error wins.
      if (e instanceof PayloadError && out.isStdout) {
        if (held === null) await emit(e.released);
        else {
          held.push(...e.released);
          await release().catch(() => {});
        }
      }
      throw e;
    }
    await release();
    await out.commit();
  } catch (e) {
    await out.abort();
    if (byPassphrase && e instanceof NoMatchError) throw new CliError("incorrect passphrase");
    if (e instanceof AgeError) throw describeAgeError(e, input, identityFiles, out.atomic ? output : undefined);
    throw e;
  }
}
