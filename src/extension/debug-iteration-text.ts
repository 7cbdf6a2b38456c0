// What Debug One Iteration writes in the editor: a step line's status and a quick fix's title. Pure (no
// vscode), so it is tested with plain Node.
import type { DebugStep, DebugSuggestion } from '../engine/debug/report';

/** A step's status at the end of its line: `✓ 200 · 12 ms`, or what failed. */
export function stepStatus(runs: readonly DebugStep[]): string {
  const failed = runs.find((s) => !s.ok);
  const shown = failed ?? runs[runs.length - 1]!;
  const status = shown.response.status === 0 ? (shown.response.errorClass ?? 'no response') : String(shown.response.status);
  const times = runs.length > 1 ? ` · ${runs.length} runs` : '';
  const ms = `${shown.timings.duration.toFixed(shown.timings.duration < 10 ? 1 : 0)} ms`;
  if (!failed) return `✓ ${status} · ${ms}${times}`;
  const checks = failed.checks.filter((c) => !c.passed).map((c) => c.name);
  return `✗ ${status}${checks.length > 0 ? ` · failed: ${checks.join(', ')}` : ''}${times}`;
}

export function suggestionTitle(s: DebugSuggestion): string {
  const places = s.literals.length === 1 ? '1 place' : `${s.literals.length} places`;
  return `Capture ${s.capture.name} (${s.capture.source}) from "${s.from.stepName}" and use it in ${places}`;
}
