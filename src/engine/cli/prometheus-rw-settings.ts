// --out prometheus-rw=URL and the VOLLEY_PROMETHEUS_RW_* variables (k6's K6_PROMETHEUS_RW_* ones, renamed):
// TREND_STATS (default k6's p(99)), TREND_AS_NATIVE_HISTOGRAM (default false), PUSH_INTERVAL (default 5s) and
// TESTID (default the run id).
import { parseTrendStats, DEFAULT_PUSH_INTERVAL_MS } from '../output/prometheus-rw';
import type { TrendStat } from '../output/prometheus-rw/mapping';
import { parseDuration } from '../scenario/duration';
import { UsageError } from './args';

export interface PrometheusRwSettings {
  url: string;
  stats: TrendStat[];
  testid?: string;
  pushIntervalMs: number;
  /** Trends as one native histogram series each (k6's K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM) instead of stats. */
  nativeHistograms: boolean;
}

export const PROMETHEUS_RW_ENV = ['VOLLEY_PROMETHEUS_RW_TREND_STATS', 'VOLLEY_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM', 'VOLLEY_PROMETHEUS_RW_PUSH_INTERVAL', 'VOLLEY_PROMETHEUS_RW_TESTID'] as const;

export function prometheusRwSettings(url: string, command: string, env: NodeJS.ProcessEnv = process.env): PrometheusRwSettings {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--out prometheus-rw="${url}": not a URL (e.g. http://localhost:9090/api/v1/write)`, command);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UsageError(`--out prometheus-rw="${url}": an http:// or https:// URL`, command);
  }
  const stats = parseTrendStats(env.VOLLEY_PROMETHEUS_RW_TREND_STATS);
  if ('error' in stats) throw new UsageError(`VOLLEY_PROMETHEUS_RW_TREND_STATS: ${stats.error}`, command);
  let pushIntervalMs = DEFAULT_PUSH_INTERVAL_MS;
  const interval = env.VOLLEY_PROMETHEUS_RW_PUSH_INTERVAL;
  if (interval !== undefined && interval !== '') {
    const d = parseDuration(interval);
    if (!d.ok || d.ms < 100) throw new UsageError(`VOLLEY_PROMETHEUS_RW_PUSH_INTERVAL "${interval}": a duration of 100ms or more, e.g. 5s`, command);
    pushIntervalMs = d.ms;
  }
  const testid = env.VOLLEY_PROMETHEUS_RW_TESTID;
  if (testid !== undefined && !/^[^\s]{1,128}$/.test(testid)) throw new UsageError(`VOLLEY_PROMETHEUS_RW_TESTID "${testid}": 1 to 128 characters, no spaces`, command);
  const native = (env.VOLLEY_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM ?? '').trim().toLowerCase();
  if (!['', 'true', 'false', '1', '0'].includes(native)) {
    throw new UsageError(`VOLLEY_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM "${env.VOLLEY_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM}": true or false`, command);
  }
  return { url, stats, testid: testid === '' ? undefined : testid, pushIntervalMs, nativeHistograms: native === 'true' || native === '1' };
}
