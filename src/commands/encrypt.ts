/**
 * `doormat encrypt`: age-compatible encryption, optionally with lawful-access escrow.
 *
 * @module
 */
import { Command, Option } from "@commander-js/extra-typings";
import { Encrypter, beginEncryption, recipientMixError } from "../crypto/age.js";
import { CovertEscrowRecipient, CovertPqEscrowRecipient, EscrowRecipient, PqEscrowRecipient } from "../crypto/recipients/escrow.js";
import { MlKem768X25519Recipient } from "../crypto/recipients/mlkem768x25519.js";
import { DEFAULT_WORK_FACTOR, MAX_WORK_FACTOR, ScryptRecipient } from "../crypto/recipients/scrypt.js";
import { X25519Recipient } from "../crypto/recipients/x25519.js";
import type { Recipient } from "../crypto/recipients/types.js";
import { LowOrderPointError } from "../crypto/primitives.js";
import { openIfLarge, openInput, type Output } from "../io/files.js";
import { isPqPublicKey, loadRecipients } from "../io/keys.js";
import { CliError } from "../ui/messages.js";
import type { Context } from "./context.js";
import { checkOperands, checkOptionValues, checkPaths, collect, openOutput } from "./shared.js";

export const SCRYPT_ESCROW_EXPLANATION = [
  "a passphrase file holds exactly one stanza (age requires an scrypt stanza to be alone),",
  "so no escrow stanza can be added to it; encrypt to recipients (-r/-R) to add escrow",
];

/**
 * Large files go through both cores (src/io/parallel-files.ts).
 * @returns false if this input is not one (then the sequential path runs)
 */
async function encryptLargeFile(c: Context, input: string | undefined, recipients: Recipient[], out: Output): Promise<boolean> {
  const handle = await openIfLarge(input);
  if (handle === null) return false;
  try {
    const { encryptFileParallel } = await import("../io/parallel-files.js");
    const { head, payloadKey } = beginEncryption(recipients, c.random);
    await encryptFileParallel(handle, 0, head, payloadKey, out);
    return true;
  } finally {
    await handle.close();
  }
}

export function makeEncryptCommand(ctx: () => Context) {
  return new Command("encrypt")
    .description("encrypt to recipients or a passphrase (age v1 format), optionally escrowed")
    .argument("[INPUT]", "file to encrypt; default or \"-\": standard input")
    .option("-r, --recipient <RECIPIENT>", "encrypt to RECIPIENT (age1…, or post-quantum age1pq1…); repeatable", collect, [] as string[])
    .option("-R, --recipients-file <FILE>", "encrypt to every recipient in FILE; repeatable", collect, [] as string[])
    .option("-p, --passphrase", "encrypt with a passphrase read from the terminal")
    .option("-a, --armor", "write PEM-style ASCII armor instead of binary")
    .option("-o, --output <OUTPUT>", "write to OUTPUT (atomically); default or \"-\": standard output")
    .option("-f, --force", "overwrite OUTPUT if it exists")
    .option("--escrow <RECIPIENT>", "LAWFUL ACCESS: also wrap the file key to this authority, in a labelled stanza; repeatable", collect, [] as string[])
    .option("--escrow-file <FILE>", "LAWFUL ACCESS: escrow to every authority recipient in FILE; repeatable", collect, [] as string[])
    .option("--escrow-covert <RECIPIENT>", "LAWFUL ACCESS, hidden: escrow as a plain X25519 (or mlkem768x25519) stanza that looks like any recipient; repeatable", collect, [] as string[])
    .addOption(new Option("-i, --identity <FILE>").hideHelp())
    .addOption(new Option("--work-factor <N>", "scrypt work factor log2(N) for -p").default(String(DEFAULT_WORK_FACTOR)).hideHelp())
    .addHelpText("after", `
Examples:
  $ doormat encrypt -r age1… -o secret.age secret.txt
  $ tar cz photos | doormat encrypt -R friends.txt > photos.tgz.age
  $ doormat encrypt -p -a notes.txt > notes.txt.age
  $ doormat encrypt -r "$(doormat pubkey bob.key)" --escrow "$(doormat pubkey authority.key)" msg.txt -o msg.age

--escrow adds a "doormat.example/lawful-access" stanza: the authority can open the file, and
so can anyone who ever obtains the authority's key. The intended recipients can still decrypt
with stock age, which ignores the extra stanza. See docs/FORMAT.md.

Post-quantum (age1pq1…, from "doormat keygen --pq"): as age 1.3 does, doormat refuses to mix
post-quantum and classic recipients in one file. An age1pq1… authority adds a
"doormat.example/lawful-access-pq" stanza (allowed on any file); a classic authority on a
post-quantum file is refused: it would downgrade the file to classic security.`)
    .action(async (input, opts, cmd) => {
      const c = ctx();
      checkOptionValues("encrypt", [
        ["-r/--recipient", "recipient", opts.recipient],
        ["--escrow", "authority recipient", opts.escrow],
        ["--escrow-covert", "authority recipient", opts.escrowCovert],
        ["-R/--recipients-file", "recipients file", opts.recipientsFile],
        ["--escrow-file", "escrow file", opts.escrowFile],
        ["-o/--output", "output file", opts.output === undefined ? [] : [opts.output]],
      ]);
      // Recipient strings first: `-r ssh-ed25519 AAAA…` unquoted leaves an extra operand.
      await loadRecipients(opts.recipient, [], c.stdin);
      await loadRecipients(opts.escrow, [], c.stdin, "--escrow");
      await loadRecipients(opts.escrowCovert, [], c.stdin, "--escrow-covert");
      checkOperands("encrypt", cmd.args);
      if (opts.identity !== undefined) {
        throw new CliError("-i/--identity is for decrypting", { hints: ["to decrypt, use \"doormat decrypt -i FILE\"; to encrypt to your own key, use -r with \"doormat pubkey FILE\""] });
      }
      const escrowCount = opts.escrow.length + opts.escrowFile.length + opts.escrowCovert.length;
      if (opts.passphrase) {
        if (opts.recipient.length + opts.recipientsFile.length > 0) {
          throw new CliError("-p/--passphrase cannot be combined with -r/-R", { hints: ["an age passphrase file has exactly one stanza; encrypt twice if you need both"] });
        }
        if (escrowCount > 0) throw new CliError("escrow cannot be added to a passphrase-encrypted file", { hints: SCRYPT_ESCROW_EXPLANATION });
      } else if (opts.recipient.length + opts.recipientsFile.length === 0) {
        throw new CliError("no recipients given", {
          hints: escrowCount > 0
            ? ["escrow is added next to real recipients; add -r/--recipient or -R/--recipients-file"]
            : ["did you forget -r/--recipient, -R/--recipients-file or -p/--passphrase?"],
        });
      }
      await checkPaths(c, [
        { path: input, what: "input" },
        ...opts.recipientsFile.map((f) => ({ path: f, what: "recipients file" })),
        ...opts.escrowFile.map((f) => ({ path: f, what: "escrow file" })),
      ], opts.output);
      if (!opts.armor && (opts.output === undefined) && c.isTTY.stdout) {
        throw new CliError("refusing to output binary to the terminal", { hints: ["did you mean to use -a/--armor?", "force anyway with \"-o -\""] });
      }

      // An existing output is refused before anyone types a passphrase.
      const out = await openOutput(c, opts.output, opts.force ?? false);
      const recipients: Recipient[] = [];
      if (opts.passphrase) {
        const wf = Number(opts.workFactor);
        if (!/^[1-9][0-9]?$/.test(opts.workFactor) || wf > MAX_WORK_FACTOR) throw new CliError(`--work-factor must be an integer from 1 to ${MAX_WORK_FACTOR}`);
        const pass = await c.readPassphrase("Enter passphrase: ");
        if (pass === "") throw new CliError("empty passphrase", { hints: ["type a passphrase: doormat does not make one up for you; for scripts, use keys (-r)"] });
        if ((await c.readPassphrase("Confirm passphrase: ")) !== pass) throw new CliError("passphrases didn't match");
        recipients.push(new ScryptRecipient(pass, c.scryptWorkFactor ?? wf));
      } else {
        for (const k of await loadRecipients(opts.recipient, opts.recipientsFile, c.stdin)) recipients.push(isPqPublicKey(k) ? new MlKem768X25519Recipient(k) : new X25519Recipient(k));
        for (const k of await loadRecipients(opts.escrow, opts.escrowFile, c.stdin, "--escrow")) recipients.push(isPqPublicKey(k) ? new PqEscrowRecipient(k) : new EscrowRecipient(k));
        for (const k of await loadRecipients(opts.escrowCovert, [], c.stdin, "--escrow-covert")) recipients.push(isPqPublicKey(k) ? new CovertPqEscrowRecipient(k) : new CovertEscrowRecipient(k));
        const mix = recipientMixError(recipients);
        if (mix !== null) {
          await out.abort();
          throw new CliError(mix, {
            hints: recipients.some((r) => r.escrow === true && r.postQuantum !== true)
              ? ["escrow a post-quantum file to a post-quantum authority key (doormat keygen --pq --authority NAME)"]
              : ["encrypt to post-quantum recipients only (doormat keygen --pq), or to classic ones only"],
          });
        }
      }

      try {
        if (!opts.armor && (await encryptLargeFile(c, input, recipients, out))) {
          await out.commit();
          return;
        }
        const encrypter = new Encrypter(recipients, { armor: opts.armor ?? false, random: c.random });
        for await (const chunk of openInput(input, c.stdin)) await out.write(encrypter.push(chunk));
        await out.write(encrypter.finish());
        await out.commit();
      } catch (e) {
        await out.abort();
        if (e instanceof LowOrderPointError) {
          throw new CliError("a recipient is not a usable X25519 public key (it is a low-order point, such as all zeros)", { hints: ["check the age1… recipients given with -r, -R and --escrow"] });
        }
        if (e instanceof RangeError && e.message.includes("X-Wing")) {
          throw new CliError("a post-quantum recipient is not a usable ML-KEM-768 key", { hints: ["check the age1pq1… recipients given with -r, -R and --escrow"] });
        }
        throw e;
      }
    });
}
