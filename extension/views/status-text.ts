/** The status bar's text, kept apart from the vscode glue so it can be tested. */
import { formatCount } from "./format";

export interface StatusFigures {
  mode?: string;
  running: boolean;
  instructionsPerSecond?: number;
  exitsPerSecond?: number;
}

/** "$(vm) vmscope trap-and-emulate · 52.1M instr/s · 1200 exits/s", or "… · stopped". */
export function statusText(figures: StatusFigures): string {
  const mode = figures.mode ? ` ${figures.mode}` : "";
  if (!figures.running) return `$(vm) vmscope${mode} · stopped`;
  const ips = figures.instructionsPerSecond === undefined ? "–" : formatCount(figures.instructionsPerSecond);
  const eps = figures.exitsPerSecond === undefined ? "–" : formatCount(figures.exitsPerSecond);
  return `$(vm) vmscope${mode} · ${ips} instr/s · ${eps} exits/s`;
}
