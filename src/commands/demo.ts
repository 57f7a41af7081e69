import { Command } from "@commander-js/extra-typings";
import type { Context } from "./context.js";

export function makeDemoCommand(_ctx: () => Context) {
  return new Command("demo").description("scripted demonstrations (coming next)");
}
