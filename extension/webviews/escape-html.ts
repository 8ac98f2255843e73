/**
 * Escapes text for HTML element content and quoted attribute values. Every
 * string that can come from the guest (disassembly, device names, fault
 * texts, exit details) goes through here before it reaches a webview.
 */
const replacements: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
  "`": "&#96;",
};

export function escapeHtml(value: unknown): string {
  return String(value ?? "").replace(/[&<>"'`]/g, (c) => replacements[c]);
}

/** A random nonce for the Content-Security-Policy's script-src. */
export function makeNonce(): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  const bytes = new Uint8Array(32);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join("");
}

export interface PageShell {
  title: string;
  /** webview.cspSource */
  cspSource: string;
  /** Webview URIs (already converted with asWebviewUri). */
  styles: string[];
  scripts: string[];
  nonce: string;
  body: string;
}

/**
 * The one HTML page skeleton: nothing loads but the extension's own files,
 * scripts only with the nonce, no inline handlers, no eval.
 */
export function pageHtml(page: PageShell): string {
  const csp = [
    "default-src 'none'",
    `img-src ${page.cspSource} data:`,
    `style-src ${page.cspSource}`,
    `font-src ${page.cspSource}`,
    `script-src 'nonce-${page.nonce}'`,
  ].join("; ");
  const styles = page.styles.map((href) => `<link rel="stylesheet" href="${escapeHtml(href)}">`).join("\n");
  const scripts = page.scripts.map((src) => `<script nonce="${escapeHtml(page.nonce)}" src="${escapeHtml(src)}"></script>`).join("\n");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${styles}
<title>${escapeHtml(page.title)}</title>
</head>
<body>
${page.body}
${scripts}
</body>
</html>`;
}
