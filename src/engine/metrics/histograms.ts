// Exchange form of trend histograms: base64 HDR (values in µs) keyed `metric{scenario=…,step=…}`, so runs of
// several processes or machines merge exactly (bucket counts add; only the exact avg/min/max beside the
// histograms are lost, and re-derived from the histogram at HDR precision).
import type { TrendStats } from '../../protocol';
import { addInto, decodeHistogram, encodeHistogram, newTotalHistogram, type Hist } from './hdr';
import { distributionOfHistogram, statsOf } from './trend';

function escapeTagValue(value: string): string {
  return value.replace(/[\\,=}]/g, (c) => `\\${c}`);
}

/** `http_req_duration{scenario=browse,step=list products}`; `,` `=` `}` `\` in values are backslash-escaped. */
export function histogramKey(metric: string, tags: ReadonlyArray<readonly [string, string]>): string {
  if (tags.length === 0) return metric;
  return `${metric}{${tags.map(([k, v]) => `${k}=${escapeTagValue(v)}`).join(',')}}`;
}

export function parseHistogramKey(key: string): { metric: string; tags: Record<string, string> } {
  const open = key.indexOf('{');
  if (open < 0) return { metric: key, tags: {} };
  const tags: Record<string, string> = {};
  let name = '';
  let value = '';
  let inValue = false;
  const flush = (): void => {
    if (name !== '') tags[name] = value;
    name = '';
    value = '';
    inValue = false;
  };
  for (let i = open + 1; i < key.length; i++) {
    let c = key[i];
    if (c === '\\' && i + 1 < key.length) {
      c = key[++i];
    } else if (c === '}' ) {
      break;
    } else if (c === ',') {
      flush();
      continue;
    } else if (c === '=' && !inValue) {
      inValue = true;
      continue;
    }
    if (inValue) value += c;
    else name += c;
  }
  flush();
  return { metric: key.slice(0, open), tags };
}

export function decodeHistograms(encoded: Record<string, string>): Map<string, Hist> {
  const out = new Map<string, Hist>();
  for (const [key, b64] of Object.entries(encoded)) out.set(key, decodeHistogram(b64));
  return out;
}

/** Adds histograms key by key: the exact merge of the runs (or workers) that produced them. */
export function mergeHistogramMaps(maps: ReadonlyArray<Record<string, string>>): Map<string, Hist> {
  const merged = new Map<string, Hist>();
  for (const map of maps) {
    for (const [key, b64] of Object.entries(map)) {
      let target = merged.get(key);
      if (target === undefined) {
        target = newTotalHistogram();
        merged.set(key, target);
      }
      addInto(target, decodeHistogram(b64));
    }
  }
  return merged;
}

export function mergeEncodedHistograms(maps: ReadonlyArray<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, h] of mergeHistogramMaps(maps)) out[key] = encodeHistogram(h);
  return out;
}

/** TrendStats (ms) of a histogram or its base64 form; avg, min and max at HDR precision. */
export function histogramStats(h: Hist | string): TrendStats {
  return statsOf(distributionOfHistogram(typeof h === 'string' ? decodeHistogram(h) : h));
}
