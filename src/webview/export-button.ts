// The results panel's "Export HTML Report" button. The exported report runs this same bundle with a
// stand-in host that marks its state `report: true`: there the button is not drawn (a file cannot export).
import type { FromWebview } from '../protocol';

export function exportHtmlButton(inReport: boolean | undefined, post: (message: FromWebview) => void): HTMLButtonElement | undefined {
  if (inReport) return undefined;
  const button = document.createElement('button');
  button.textContent = 'Export HTML Report';
  button.title = 'Save this run as one self-contained HTML file';
  button.addEventListener('click', () => post({ type: 'exportHtml' }));
  return button;
}
