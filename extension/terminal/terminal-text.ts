/**
 * Guest console text → terminal text. A UART guest writes "\n"; a terminal
 * needs "\r\n" to return the cursor. A "\r\n" split across two console
 * events must not become "\r\r\n", so the converter remembers the last char.
 */
export class TerminalText {
  private lastWasCr = false;

  convert(text: string): string {
    let out = "";
    for (const c of text) {
      if (c === "\n" && !this.lastWasCr) out += "\r\n";
      else out += c;
      this.lastWasCr = c === "\r";
    }
    return out;
  }
}
