// Text into HTML, for the two pages Volley writes: the results panel's shell (src/extension) and the
// self-contained report (src/engine/report/html.ts). Here, not in either part, so the engine does not
// import the extension's modules.
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}
