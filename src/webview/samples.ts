// Failure samples in the results panel (issue #18): the error table's rows open the failed requests the
// run kept for their step and kind — an expandable list of each sample's request, response, body starts
// and timings. Built with DOM APIs only (text from a run cannot inject markup); which lists are open
// survives the panel's re-renders, and the extension can open a step's lists (`showSamples`: the inline
// hover's link, a Problems entry's).
import type { ErrorClass, FailureSample, FailureSampleGroup } from '../protocol';
import { TIMING_PHASES, editorDuration } from '../format';
import { sampleKind } from '../samples-format';

/** The lists a person (or the extension) opened, by group key, kept across renders. */
const opened = new Set<string>();
/** A step whose lists the extension asked to open: scrolled to after the next render. */
let reveal: { scenario: string; stepIndex: number } | undefined;

function keyOf(scenario: string, stepIndex: number, kind: string): string {
  return `${scenario}\0${stepIndex}\0${kind}`;
}

/** Another run is shown: none of its lists is open. */
export function forgetOpenedSamples(): void {
  opened.clear();
}

/** The extension asked to show a step's samples: open its lists at the next render. */
export function openStepSamples(groups: readonly FailureSampleGroup[] | undefined, scenario: string, stepIndex: number): void {
  for (const g of groups ?? []) if (g.scenario === scenario && g.stepIndex === stepIndex) opened.add(keyOf(scenario, stepIndex, sampleKind(g)));
  reveal = { scenario, stepIndex };
}

/** After a render: bring the step's first opened list into view and give it focus. */
export function revealOpenedSamples(root: HTMLElement): void {
  if (reveal === undefined) return;
  const { scenario, stepIndex } = reveal;
  reveal = undefined;
  const list = Array.from(root.querySelectorAll<HTMLDetailsElement>('details.samples')).find(
    (d) => d.dataset.scenario === scenario && d.dataset.step === String(stepIndex) && d.open,
  );
  if (list === undefined) return;
  list.scrollIntoView({ block: 'center' });
  list.querySelector('summary')?.focus();
}

function text<K extends keyof HTMLElementTagNameMap>(tag: K, content: string, className?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.textContent = content;
  if (className !== undefined) node.className = className;
  return node;
}

function headersBlock(headers: Array<[string, string]>, label: string): HTMLElement {
  const pre = text('pre', headers.length === 0 ? '(no headers)' : headers.map(([n, v]) => `${n}: ${v}`).join('\n'), 'sample-headers');
  pre.setAttribute('aria-label', label);
  return pre;
}

function bodyBlock(bodyStart: string | undefined, size: number, label: string): HTMLElement[] {
  if (bodyStart === undefined) return [text('p', size === 0 ? 'No body.' : `Body: ${size} B (not text).`)];
  const shown = bodyStart.length < size ? `Body start (${bodyStart.length} of ${size} B, secrets redacted):` : `Body (${size} B, secrets redacted):`;
  const pre = text('pre', bodyStart === '' ? '(empty)' : bodyStart, 'body-prefix');
  pre.setAttribute('aria-label', label);
  return [text('p', shown), pre];
}

/** A <details> whose open state is kept in `opened` under `key`. */
function keptOpen(key: string, className: string): HTMLDetailsElement {
  const details = document.createElement('details');
  details.className = className;
  details.open = opened.has(key);
  details.addEventListener('toggle', () => {
    if (details.open) opened.add(key);
    else opened.delete(key);
  });
  return details;
}

function sampleItem(sample: FailureSample, n: number, key: string): HTMLElement {
  const item = document.createElement('li');
  const details = keptOpen(`${key}\0${n}`, 'sample');
  const outcome = sample.response ? `${sample.response.status}` : (sample.error ?? 'no response');
  details.append(text('summary', `#${n} · ${sample.time.slice(11, 23)} · ${outcome} · ${editorDuration(sample.timings.duration)}${sample.first ? ' · one of the first' : ''}`));
  details.append(text('h4', `Request: ${sample.request.method} ${sample.request.url}`));
  details.append(headersBlock(sample.request.headers, 'Request headers, secrets redacted'), ...bodyBlock(sample.request.bodyStart, sample.request.bodySize, 'Request body start'));
  if (sample.response) {
    details.append(text('h4', `Response: ${sample.response.status}`));
    details.append(headersBlock(sample.response.headers, 'Response headers, secrets redacted'), ...bodyBlock(sample.response.bodyStart, sample.response.bodySize, 'Response body start'));
  } else details.append(text('h4', `No response: ${sample.error ?? 'the request failed'}`));
  const t = sample.timings;
  details.append(
    text(
      'p',
      `Timings: ${TIMING_PHASES.map(([label, key]) => `${label} ${editorDuration(t[key])}`).join(' · ')} · duration ${editorDuration(t.duration)}`,
      'sample-timings',
    ),
  );
  item.append(details);
  return item;
}

/**
 * The error table's samples cell for a row (a step and an error class, or `HTTP 503`): an expandable list
 * of the samples kept, or `–` when there are none.
 */
export function samplesCell(groups: readonly FailureSampleGroup[] | undefined, scenario: string, stepIndex: number, errorClass: ErrorClass | string, status?: number): Node {
  const kind = sampleKind({ errorClass: errorClass as ErrorClass, status });
  const group = (groups ?? []).find((g) => g.scenario === scenario && g.stepIndex === stepIndex && sampleKind(g) === kind);
  if (group === undefined || group.samples.length === 0) return document.createTextNode('–');
  const key = keyOf(scenario, stepIndex, kind);
  const details = keptOpen(key, 'samples');
  details.dataset.scenario = scenario;
  details.dataset.step = String(stepIndex);
  details.append(text('summary', `${group.samples.length} sample${group.samples.length === 1 ? '' : 's'} of ${group.count}`));
  const list = document.createElement('ol');
  list.setAttribute('aria-label', `Failed requests kept for ${scenario} › ${group.step}, ${kind}`);
  group.samples.forEach((sample, i) => list.append(sampleItem(sample, i + 1, key)));
  details.append(list);
  return details;
}
