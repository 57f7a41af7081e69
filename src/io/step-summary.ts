/**
 * GitHub Actions' job summary: Markdown appended to the file named by `$GITHUB_STEP_SUMMARY`
 * (1 MiB per step). Annotations are capped at 10 per kind and step; the summary holds the
 * full list.
 *
 * @module
 */
import * as fsp from "node:fs/promises";
import { fsError } from "./files.js";

/**
 * Append `markdown` to `$GITHUB_STEP_SUMMARY` if the variable is set (append, not replace:
 * other steps write there too). Does nothing outside GitHub Actions.
 *
 * @returns whether a summary was written
 * @throws CliError if the file cannot be written
 */
export async function appendStepSummary(env: Readonly<Record<string, string | undefined>>, markdown: string): Promise<boolean> {
  const file = env["GITHUB_STEP_SUMMARY"];
  if (!file) return false;
  try {
    await fsp.appendFile(file, markdown);
  } catch (e) {
    throw fsError(e, file, "append to the step summary (GITHUB_STEP_SUMMARY)");
  }
  return true;
}
