/** How a guest ends the run: sifive_test, HTIF, SBI SRST. */
export interface PowerControl {
  /** Power off with an exit code (0 = pass). `source` names the device, e.g. "sifive_test". */
  powerOff(code: number, source: string): void;
  /** Request a machine reset. */
  reset(source: string): void;
}
