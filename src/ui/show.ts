/**
 * The show as slides: `--step` waits for a key at each scene's end (forward, back, quit),
 * `--from-scene N` runs the scenes before N silently (so N's numbers are real), and every
 * event also goes, once and in order, to the recorders (`--cast`).
 *
 * Going back re-shows a scene from the events it recorded: the same numbers, nothing
 * recomputed. Going forward again re-shows the following scenes the same way until the scene
 * being computed is reached.
 *
 * @module
 */
import type { ChalkInstance } from "chalk";
import type { DemoEvent } from "../demo/events.js";
import type { Renderer, TerminalRenderer } from "./demo-render.js";

/** A key as a show reads it. */
export type NavKey = "next" | "back" | "quit";

/** Where keys come from: the terminal (io/tty.ts) or, in tests, a fake stream. */
export interface KeySource {
  /** The next key pressed from now on (earlier ones are discarded). */
  nextKey(): Promise<NavKey>;
  /** Show a prompt to the speaker (not recorded, not part of the show's output). */
  prompt(text: string): void;
}

/** Thrown when the speaker quits (`q`, Escape): the command ends cleanly, with status 0. */
export class ShowQuit extends Error {
  constructor() {
    super("the speaker quit the show");
    this.name = "ShowQuit";
  }
}

export interface SlideOptions {
  /** Wait for a key at each pause (--step). */
  readonly step: boolean;
  /** The first scene shown (1: all); earlier scenes run without output. */
  readonly fromScene: number;
  readonly chalk: ChalkInstance;
  /**
   * Awaited before each prompt: the show's output must have reached the screen first (when
   * stdout is a pipe to `tee`, the prompt goes straight to the terminal and would otherwise
   * land in the middle of text still in the pipe).
   */
  readonly beforePrompt?: () => Promise<void>;
}

/**
 * The show: events go to `live` (paced, or one scene per key press), and to each recorder.
 * @param keys - required when `options.step`
 */
export function slideShow(live: TerminalRenderer, keys: KeySource | null, options: SlideOptions, recorders: readonly Renderer[] = []): Renderer {
  const c = options.chalk;
  /** Events by segment: each ends at a pause; the last holds what follows the last pause. */
  const segments: DemoEvent[][] = [];
  let current: DemoEvent[] = [];
  let scene = 0;
  let firstShown = -1;
  let noted = false;
  const silent = (): boolean => scene < options.fromScene;

  async function navigate(atEnd: boolean): Promise<void> {
    if (!keys) return;
    const frontier = segments.length - 1;
    let viewing = frontier;
    for (;;) {
      await options.beforePrompt?.();
      keys.prompt(c.dim(atEnd ? "  end · ← back · q quit " : "  → next · ← back · q quit "));
      const key = await keys.nextKey();
      keys.prompt("\r\u001b[K");
      if (key === "quit") throw new ShowQuit();
      if (key === "next") {
        if (viewing === frontier) return; // on with the show (or, at the end, done)
        viewing++;
      } else {
        if (viewing <= firstShown) continue;
        viewing--;
      }
      await live.replay(segments[viewing] as DemoEvent[]);
    }
  }

  return {
    async render(e) {
      current.push(e);
      if (e.type === "scene") scene = e.index;
      if (silent()) {
        if (!noted && options.fromScene > 1) {
          noted = true;
          const before = options.fromScene === 2 ? "scene 1 runs" : options.fromScene === 3 ? "scenes 1 and 2 run" : `scenes 1 to ${options.fromScene - 1} run`;
          await live.render({ type: "step", text: `${before} first, without output, so that the numbers from scene ${options.fromScene} on are real` });
        }
        if (e.type === "progress") await live.transient(e);
        if (e.type === "pause") {
          segments.push(current);
          current = [];
        }
        return;
      }
      if (firstShown < 0) firstShown = segments.length;
      for (const r of recorders) await r.render(e);
      if (e.type === "pause") {
        segments.push(current);
        current = [];
        if (options.step) {
          await live.end();
          await navigate(false);
          return;
        }
      }
      await live.render(e);
    },
    async end() {
      for (const r of recorders) await r.end();
      await live.end();
      if (options.step && current.length > 0) {
        segments.push(current);
        current = [];
        if (firstShown < 0) firstShown = segments.length - 1;
        await navigate(true);
      }
    },
  };
}
