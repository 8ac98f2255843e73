/**
 * The address-translation walk as HTML: the 1D walk (guest or shadow tables)
 * as a list of steps, the 2D nested walk as a grid whose rows are the guest
 * levels plus the final guest-physical address and whose columns are the
 * G-stage levels that translate each of them.
 */
import type { PageTableRoot, TranslateResponse, TranslateStep } from "../../debug-adapter/protocol";
import { escapeHtml } from "./escape-html";

export interface WalkRow {
  /** "guest L2", …, "final". */
  label: string;
  /** G-stage reads translating this row's guest-physical address, by G-stage level. */
  gStage: Map<number, TranslateStep>;
  /** The guest-stage PTE read this row ends with (none for "final"). */
  guest?: TranslateStep;
}

export interface WalkGrid {
  rows: WalkRow[];
  /** G-stage levels, highest first (Sv39x4: 2, 1, 0). */
  columns: number[];
}

const isGStage = (step: TranslateStep) => step.stage === "g-stage";

/**
 * Groups a 2D walk's steps: G-stage reads come before the guest read they
 * serve (the hardware must translate a guest table's address before reading
 * its PTE), and the last G-stage reads translate the final guest-physical
 * address.
 */
export function nestedGrid(steps: readonly TranslateStep[]): WalkGrid {
  const rows: WalkRow[] = [];
  const columns = new Set<number>();
  let pending = new Map<number, TranslateStep>();
  let pendingServes: string | undefined;
  for (const step of steps) {
    if (isGStage(step)) {
      columns.add(step.level);
      pending.set(step.level, step);
      pendingServes ??= step.serves;
    } else {
      rows.push({ label: `guest L${step.level}`, gStage: pending, guest: step });
      pending = new Map();
      pendingServes = undefined;
    }
  }
  if (pending.size > 0) rows.push({ label: pendingServes && pendingServes !== "final" ? pendingServes : "final", gStage: pending });
  return { rows, columns: [...columns].sort((a, b) => b - a) };
}

export function isTwoDimensional(response: TranslateResponse): boolean {
  return response.steps.some(isGStage) && response.steps.some((s) => !isGStage(s));
}

function stepCell(step: TranslateStep | undefined): string {
  if (!step) return `<td class="empty">–</td>`;
  const note = step.note ? `<div class="note">${escapeHtml(step.note)}</div>` : "";
  return `<td class="step"><div class="addr">PTE @ ${escapeHtml(step.pteAddress)}</div><div class="pte">${escapeHtml(step.pte ?? "(not read)")}</div>${note}</td>`;
}

function stepsList(steps: readonly TranslateStep[]): string {
  const rows = steps
    .map(
      (step, index) =>
        `<tr><td>${index + 1}</td><td>${escapeHtml(step.stage)}</td><td>L${escapeHtml(step.level)}</td><td class="addr">${escapeHtml(step.pteAddress)}</td><td class="pte">${escapeHtml(step.pte ?? "(not read)")}</td><td>${escapeHtml(step.note ?? "")}</td></tr>`,
    )
    .join("\n");
  if (steps.length === 0) return `<p class="note">No page-table reads: the address is used as it is.</p>`;
  return `<table class="walk"><thead><tr><th>#</th><th>stage</th><th>level</th><th>PTE address</th><th>PTE</th><th>note</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function gridTable(grid: WalkGrid): string {
  const head = grid.columns.map((level) => `<th>G-stage L${level}</th>`).join("");
  const body = grid.rows
    .map((row) => {
      const cells = grid.columns.map((level) => stepCell(row.gStage.get(level))).join("");
      return `<tr><th class="rowhead">${escapeHtml(row.label)}</th>${cells}${row.guest ? stepCell(row.guest) : `<td class="empty">→ result</td>`}</tr>`;
    })
    .join("\n");
  return `<table class="grid"><thead><tr><th></th>${head}<th>guest PTE</th></tr></thead><tbody>${body}</tbody></table>`;
}

export function resultSummary(address: string, root: PageTableRoot, response: TranslateResponse): string {
  const refs = `${response.references} memory ${response.references === 1 ? "reference" : "references"}`;
  const extra = [
    response.verdict ? `<p class="note">verdict: ${escapeHtml(response.verdict)}</p>` : "",
    response.note ? `<p class="note">${escapeHtml(response.note)}</p>` : "",
  ].join("");
  const gpa = response.guestPhysicalAddress ? ` → guest-physical ${escapeHtml(response.guestPhysicalAddress)}` : "";
  if (!response.ok) return `<p class="fault">${escapeHtml(address)}${gpa}: fault — ${escapeHtml(response.fault ?? "no translation")} (${escapeHtml(refs)})</p>${extra}`;
  const host = response.hostPhysicalAddress ? ` → host ${escapeHtml(response.hostPhysicalAddress)}` : "";
  return `<p class="result">${escapeHtml(address)}${gpa} → ${escapeHtml(response.physicalAddress ?? "?")}${host} <span class="refs">(${escapeHtml(root)} walk, ${escapeHtml(refs)})</span></p>${extra}`;
}

export interface WalkSection {
  root: PageTableRoot;
  response: TranslateResponse;
}

/** The walk page's body: one section per translated root (guest, then shadow or nested). */
export function walkBody(address: string, sections: readonly WalkSection[]): string {
  const parts = [`<h1>Translation of ${escapeHtml(address)}</h1>`];
  for (const { root, response } of sections) {
    parts.push(`<section data-root="${escapeHtml(root)}"><h2>${escapeHtml(sectionTitle(root, response))}</h2>`);
    parts.push(resultSummary(address, root, response));
    parts.push(isTwoDimensional(response) ? gridTable(nestedGrid(response.steps)) : stepsList(response.steps));
    parts.push("</section>");
  }
  return parts.join("\n");
}

function sectionTitle(root: PageTableRoot, response: TranslateResponse): string {
  if (root === "nested") return isTwoDimensional(response) ? "Nested (2D) walk: guest levels × G-stage levels" : "Nested walk";
  return root === "shadow" ? "Shadow tables (guest-virtual → host-physical)" : "Guest tables (guest-virtual → guest-physical)";
}
