// k6's VU sizing rule for arrival-rate scenarios, with the scenario's own numbers: what the hover on
// preAllocatedVUs and maxVUs explains.
import { parseDuration } from '../engine/scenario/duration';
import { formatNumber } from './docs';
import type { IterationEstimate } from './estimates';
import type { ScenarioInfo } from './model';

const RULE_LINK = 'https://grafana.com/docs/k6/latest/using-k6/scenarios/concepts/arrival-rate-vu-allocation/';

/** Iterations per second the scenario asks for (the peak for ramping-arrival-rate), when known. */
export function peakRatePerSecond(scenario: ScenarioInfo): number | undefined {
  const unitText = typeof scenario.values.timeUnit === 'string' ? scenario.values.timeUnit : '1s';
  const unit = parseDuration(unitText);
  if (!unit.ok || unit.ms <= 0) return undefined;
  let rate: number | undefined;
  if (scenario.executor === 'constant-arrival-rate') {
    rate = typeof scenario.values.rate === 'number' ? scenario.values.rate : undefined;
  } else if (scenario.executor === 'ramping-arrival-rate') {
    const start = typeof scenario.values.startRate === 'number' ? scenario.values.startRate : 0;
    rate = Math.max(start, ...scenario.stageTargets);
  }
  return rate === undefined ? undefined : (rate * 1000) / unit.ms;
}

export function sizingDoc(scenario: ScenarioInfo, estimate: IterationEstimate | undefined): string {
  const lines = [
    '**Sizing (k6\'s rule)**: preAllocatedVUs ≈ median iteration duration × rate / timeUnit + a constant for variance. ' +
      'Each VU runs one iteration at a time; when none is idle at an iteration\'s start time, the iteration is dropped ' +
      '(`dropped_iterations`) and one more VU is started, up to maxVUs.',
  ];
  const perSecond = peakRatePerSecond(scenario);
  if (perSecond === undefined || perSecond <= 0) {
    lines.push('', 'Set `rate` (or `stages`) and `timeUnit` to see this scenario\'s numbers.');
  } else {
    const ramping = scenario.executor === 'ramping-arrival-rate';
    const unit = typeof scenario.values.timeUnit === 'string' ? scenario.values.timeUnit : '1s';
    const rateText = ramping
      ? `peaks at ${formatNumber(perSecond)} iterations/s`
      : `starts ${String(scenario.values.rate)} iterations per ${unit} = **${formatNumber(perSecond)} iterations/s**`;
    lines.push('', `This scenario ${rateText}, so it needs ≈ ${formatNumber(perSecond / 1000)} VUs per ms of median iteration duration.`);
    const pre = typeof scenario.values.preAllocatedVUs === 'number' ? scenario.values.preAllocatedVUs : undefined;
    const max = typeof scenario.values.maxVUs === 'number' ? scenario.values.maxVUs : pre;
    if (pre !== undefined) {
      lines.push(`- preAllocatedVUs ${pre} keep up while iterations take at most **${formatNumber((pre / perSecond) * 1000)} ms**.`);
    }
    if (max !== undefined) {
      lines.push(`- maxVUs ${max} keep up to **${formatNumber((max / perSecond) * 1000)} ms** per iteration; slower, and iterations are dropped.`);
    }
    if (estimate) {
      const needed = Math.ceil((estimate.medianMs * perSecond) / 1000 - 1e-9);
      const suggested = estimate.suggestedPreAllocatedVUs;
      lines.push(
        `- Median iteration ${formatNumber(estimate.medianMs)} ms (${estimate.source}): ≈ ${needed} VUs busy` +
          (suggested !== undefined ? `; the estimate with headroom for variance is **${suggested}**.` : ', plus headroom for variance.'),
      );
      if (estimate.suggestedMaxVUs !== undefined) {
        lines.push(`- Recommended maxVUs **${estimate.suggestedMaxVUs}**: room for iterations to get slower than measured.`);
      }
      if (estimate.explanation) lines.push('', '**How the estimate adds up**', '', ...estimate.explanation.split('\n').map((l) => `- ${l}`));
    } else {
      lines.push('- No measured iteration duration yet: **Estimate VUs** (above the scenario) measures one.');
    }
  }
  lines.push('', `[k6 docs](${RULE_LINK})`);
  return lines.join('\n');
}
