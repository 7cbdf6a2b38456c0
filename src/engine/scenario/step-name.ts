// What a flow step is called: its `name:`, else k6-like "METHOD url" for a request, else "think 1s" for
// a pause, with values as written. One definition for the checker (its messages, the Plan's step
// names, the names thresholds' `step:` tags may use) and the language server's model (symbols,
// completion of `step:` tags), so what the editor offers is what the run reports.
import { isMap, type Node, type YAMLMap } from 'yaml';
import { keyText, resolveAlias, scalarSource, type ScenarioDocument } from './document';
import type { HttpMethod } from './plan';
import { HTTP_METHOD_KEYS } from './schema';

const METHOD_BY_KEY: ReadonlyMap<string, HttpMethod> = new Map(HTTP_METHOD_KEYS.map((key) => [key, key.toUpperCase() as HttpMethod]));

/** The HTTP method a step key sends (`get` → GET), undefined for any other key. */
export function methodOfKey(key: string | undefined): HttpMethod | undefined {
  return key === undefined ? undefined : METHOD_BY_KEY.get(key);
}

export function requestStepName(method: string, url: string): string {
  return `${method} ${url}`;
}

export function thinkStepName(duration: string): string {
  return `think ${duration}`;
}

/**
 * A flow item's name: its first non-blank `name:`, else its first method key and URL, else its first
 * `think:` and duration; '' when it has none of them. Aliases are followed.
 */
export function stepNameOf(doc: ScenarioDocument, item: Node | null): string {
  if (!isMap(item)) return '';
  let request: string | undefined;
  let think: string | undefined;
  for (const p of (item as YAMLMap).items) {
    const key = keyText(p);
    const text = scalarSource(resolveAlias(doc.yaml, p.value));
    if (key === 'name' && text.trim() !== '') return text;
    const method = methodOfKey(key);
    if (method !== undefined) request ??= requestStepName(method, text);
    else if (key === 'think') think ??= thinkStepName(isMap(p.value) ? thinkRangeText(doc, p.value as YAMLMap) : text);
  }
  return request ?? think ?? '';
}

/** `{ min: 1s, max: 3s }` → `1s-3s`, as a think range's name says it. */
function thinkRangeText(doc: ScenarioDocument, range: YAMLMap): string {
  const bound = (name: string) => scalarSource(resolveAlias(doc.yaml, range.items.find((p) => keyText(p) === name)?.value ?? null));
  return `${bound('min')}-${bound('max')}`;
}
