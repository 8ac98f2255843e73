/**
 * Counts for the suite's summary line: every part adds what it tried, and
 * the entry file prints the totals once every test has passed, so CI logs
 * show how much was thrown at vmscope (issue 10, acceptance 1).
 */
export const tally = {
  hostilePrograms: 0,
  malformedInputs: 0,
  propertyCases: 0,
};

export function summaryLine(): string {
  return `reliability: ${tally.hostilePrograms} hostile programs, ${tally.malformedInputs} malformed inputs, ${tally.propertyCases} property cases — all survived`;
}
