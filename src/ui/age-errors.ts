/**
 * Turns format-layer errors into one-line messages with hints.
 *
 * @module
 */
import { AgeError } from "../crypto/errors.js";
import { CliError } from "../errors.js";

/**
 * Describe a decryption failure for a person. Non-AgeErrors pass through unchanged.
 * @param outputFile the `-o` regular file, written atomically: on failure nothing of it exists
 */
export function describeAgeError(e: unknown, input: string | undefined, identityFiles = 0, outputFile?: string): unknown {
  if (!(e instanceof AgeError)) return e;
  const name = input === undefined || input === "-" ? "standard input" : JSON.stringify(input);
  switch (e.kind) {
    case "no-match":
      return new CliError(`no identity matched any of the recipients of ${name}`, {
        hints: identityFiles > 0 ? ["the file was encrypted to other keys; check that you used the right -i/--identity", "\"doormat inspect FILE\" shows the file's recipient stanzas"] : [],
      });
    case "hmac":
      return new CliError(`${name}: the header MAC does not verify: the header was modified after encryption`);
    case "armor":
      return new CliError(`${name}: ${e.message}`, { hints: ["the armor (-----BEGIN AGE ENCRYPTED FILE-----) must be intact: no edited lines, no missing END"] });
    case "payload":
      return new CliError(`${name}: ${e.message}`, {
        hints: [
          outputFile === undefined
            ? "nothing unauthenticated was released; any output written before this error is incomplete"
            : `nothing unauthenticated was released; ${JSON.stringify(outputFile)} was not written`,
        ],
      });
    case "header":
      if (e.message.includes("not an age file") || e.message === "the input is empty") {
        return new CliError(`${name}: ${e.message}`, { hints: ["doormat reads age v1 files (age-encryption.org/v1), binary or armored"] });
      }
      if (e.message.includes("converted to CRLF")) {
        return new CliError(`${name}: invalid header: ${e.message}`, {
          hints: [
            "get an unconverted copy from the sender or your backup; in git, add the line \"*.age binary\" to .gitattributes and check the file out again",
            "armored files (encrypt -a) survive line-ending conversion",
          ],
        });
      }
      return new CliError(`${name}: invalid header: ${e.message}`);
    default:
      return new CliError(`${name}: ${e.message}`);
  }
}
