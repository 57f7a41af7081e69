/**
 * `doormat keygen [-o FILE] [--authority NAME] [--pq]` and `doormat pubkey [FILE]`.
 *
 * @module
 */
import { Command } from "@commander-js/extra-typings";
import { PQ_PUBLIC_KEY_SIZE, authorityId, encodeAnyRecipient, encodeIdentity, encodePqIdentity, generateKeyPair, generatePqKeyPair } from "../crypto/keys.js";
import { loadXWing } from "../crypto/primitives.js";
import { secureRandom } from "../crypto/random.js";
import { writeNewSecretFile, writeTo } from "../io/files.js";
import { loadIdentityFiles } from "../io/keys.js";
import { CliError } from "../ui/messages.js";
import type { Context } from "./context.js";
import { checkPaths } from "./shared.js";

/**
 * The age key-file text for a key pair, with authority metadata when given. A 1216-byte public
 * key marks a post-quantum pair (`secretKey` is then the 32-byte seed).
 */
export function keyFileText(secretKey: Uint8Array, publicKey: Uint8Array, created: Date, authority?: string): string {
  const lines = [`# created: ${created.toISOString().replace(/\.\d{3}Z$/, "Z")}`];
  if (authority !== undefined) {
    lines.push(`# authority: ${authority}`, `# authority id: ${authorityId(publicKey)}`);
    lines.push("# WARNING: this key opens every message escrowed to this authority. Anyone who gets a copy can too.");
  }
  const pq = publicKey.length === PQ_PUBLIC_KEY_SIZE;
  lines.push(`# public key: ${encodeAnyRecipient(publicKey)}`, pq ? encodePqIdentity(secretKey) : encodeIdentity(secretKey), "");
  return lines.join("\n");
}

export function makeKeygenCommand(ctx: () => Context): Command<[], { output?: string; authority?: string; pq?: true }> {
  return new Command("keygen")
    .description("generate a new X25519 (or, with --pq, post-quantum) identity (age key-file format, mode 0600)")
    .option("-o, --output <FILE>", "write the key to FILE (never overwrites); default: standard output")
    .option("--authority <NAME>", "make an escrow authority key: records NAME and the authority id in the file")
    .option("--pq", "post-quantum key: ML-KEM-768 + X25519 hybrid (mlkem768x25519, AGE-SECRET-KEY-PQ-1… / age1pq1…), as age 1.3 -pq")
    .addHelpText("after", `
Examples:
  $ doormat keygen -o alice.key
  $ doormat keygen --authority "Five Eyes lawful access" -o authority.key
  $ doormat keygen --pq -o alice-pq.key               # post-quantum (age1pq1…, 1959 characters)
  $ doormat keygen --pq --authority "Five Eyes" -o authority-pq.key
  $ doormat keygen -o bob.key && doormat pubkey bob.key > bob.pub   # share bob.pub

The public key (recipient) is printed to standard error when the key goes to a file or a pipe.
Keys are always made with the operating system's random generator, never from --seed.`)
    .action(async (opts) => {
      const c = ctx();
      if (opts.authority !== undefined && !/^[\x20-\x7e]{1,100}$/.test(opts.authority)) {
        throw new CliError("--authority NAME must be 1 to 100 printable ASCII characters");
      }
      // Real keys always come from the OS CSPRNG, whatever the context's random source is.
      let secretKey: Uint8Array;
      let publicKey: Uint8Array;
      if (opts.pq) {
        await loadXWing();
        ({ seed: secretKey, publicKey } = generatePqKeyPair(secureRandom));
      } else {
        ({ secretKey, publicKey } = generateKeyPair(secureRandom));
      }
      const text = keyFileText(secretKey, publicKey, c.now(), opts.authority);
      const recipient = encodeAnyRecipient(publicKey);
      if (opts.output !== undefined && opts.output !== "-") {
        await writeNewSecretFile(opts.output, text);
        c.messages.info(`Public key: ${recipient}`);
        if (opts.authority !== undefined) c.messages.info(`Authority id: ${authorityId(publicKey)}`);
      } else {
        if (!c.isTTY.stdout) c.messages.info(`Public key: ${recipient}`);
        if (c.stdoutFileMode !== undefined && (c.stdoutFileMode & 0o077) !== 0) {
          c.messages.warning("writing a secret key to a file that others can read; \"doormat keygen -o FILE\" creates it with mode 0600");
        }
        await writeTo(c.stdout, new TextEncoder().encode(text));
      }
    });
}

export function makePubkeyCommand(ctx: () => Context): Command<[string | undefined], Record<string, never>> {
  return new Command("pubkey")
    .description("print the recipient (public key) of each identity in an identity file")
    .argument("[FILE]", "identity file; default or \"-\": standard input")
    .addHelpText("after", `
Examples:
  $ doormat pubkey alice.key
  age1…
  $ doormat pubkey alice-pq.key
  age1pq1…
  $ doormat pubkey alice.key > alice.pub && doormat encrypt -R alice.pub msg.txt -o msg.age`)
    .action(async (file) => {
      const c = ctx();
      // The recipients must not be appended to the key file itself (`pubkey k.key >> k.key`).
      await checkPaths(c, [{ path: file, what: "identity file" }], undefined);
      const loaded = await loadIdentityFiles([file ?? "-"], c.stdin, { command: "pubkey", readPassphrase: (p) => c.readPassphrase(p) });
      const lines = loaded.flatMap((f) => f.publicKeys.map((k) => encodeAnyRecipient(k)));
      await writeTo(c.stdout, new TextEncoder().encode(lines.join("\n") + "\n"));
    });
}
