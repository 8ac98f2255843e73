/** The exit log as CSV (RFC 4180 quoting) or JSON, for "Export VM Exits". */
import type { ExitRecordInfo } from "../../debug-adapter/protocol";

export type ExportFormat = "csv" | "json";

export const csvColumns = ["sequence", "vcpu", "instret", "reason", "detail", "pc", "instruction", "disassembly", "handling", "cost"] as const;

/** Quotes a field when it holds a comma, quote or line break; doubles inner quotes. */
export function csvField(value: string | number | undefined): string {
  if (value === undefined) return "";
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function exitsToCsv(records: readonly ExitRecordInfo[]): string {
  const lines = [csvColumns.join(",")];
  for (const record of records) {
    lines.push(
      [
        record.sequence,
        record.vcpu,
        record.instret,
        record.reason,
        record.detail,
        record.pc,
        record.instruction === undefined ? undefined : `0x${record.instruction.toString(16).padStart(record.instruction > 0xffff ? 8 : 4, "0")}`,
        record.disassembly,
        record.handling,
        record.cost,
      ]
        .map(csvField)
        .join(","),
    );
  }
  return `${lines.join("\r\n")}\r\n`;
}

export function exitsToJson(records: readonly ExitRecordInfo[]): string {
  return `${JSON.stringify({ exits: records }, null, 2)}\n`;
}

/** The format a file name asks for; JSON for ".json", CSV otherwise. */
export function formatForPath(path: string): ExportFormat {
  return /\.json$/i.test(path) ? "json" : "csv";
}

export function exportExits(records: readonly ExitRecordInfo[], format: ExportFormat): string {
  return format === "json" ? exitsToJson(records) : exitsToCsv(records);
}
