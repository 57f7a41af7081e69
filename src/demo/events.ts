/**
 * The typed events a demo scenario emits. Renderers turn them into a paced terminal show or
 * JSON lines, so a test asserts on the very numbers a talk shows.
 *
 * @module
 */

/** How a result reads for privacy: `good` (stayed closed), `bad` (opened), `neutral`. */
export type Tone = "good" | "bad" | "neutral";

export type DemoEvent =
  /** A new scene starts. */
  | { readonly type: "scene"; readonly index: number; readonly title: string }
  /** The story, in a sentence or two. */
  | { readonly type: "narration"; readonly text: string }
  /** A sourced historical fact (docs/SOURCES.md). */
  | { readonly type: "fact"; readonly id: string; readonly text: string; readonly source: string }
  /** Something the scenario just did, for real. */
  | { readonly type: "step"; readonly text: string }
  /** Progress of a long task. */
  | { readonly type: "progress"; readonly task: string; readonly done: number; readonly total: number }
  /** A measured number. `name` is stable (for scripts); `label` is for people. */
  | { readonly type: "metric"; readonly name: string; readonly label: string; readonly value: number; readonly unit: string }
  /** An outcome that matters. */
  | { readonly type: "result"; readonly tone: Tone; readonly text: string }
  /** The end of a scene: `--step` waits for Enter here. */
  | { readonly type: "pause" }
  /**
   * Which messages an attacker opened, per scheme: one row each, `exposed[i]` for message i + 1
   * (forward-secrecy demo). `eventAt` is the 1-based message after which the event happened;
   * `marked` lists 1-based messages to point out (e.g. delayed ones); `sentByFirst[i]` says
   * whether the first person (Alice) sent message i + 1.
   */
  | { readonly type: "timeline"; readonly title: string; readonly messages: number; readonly eventAt: number; readonly marked: readonly number[]; readonly sentByFirst: readonly boolean[]; readonly rows: readonly { readonly id: string; readonly label: string; readonly exposed: readonly boolean[] }[] }
  /** The closing figures. */
  | { readonly type: "summary"; readonly title: string; readonly rows: readonly { readonly label: string; readonly value: string; readonly tone: Tone }[]; readonly metrics: Readonly<Record<string, number>> };
