// `volley debug`'s text output: each step's request and response as curl -v and k6 --http-debug show
// them (> sent, < received), then its checks and captures, with the control steps' decisions between.
import { STATUS_CODES } from 'node:http';
import type { DebugBody, DebugControl, DebugReport, DebugStep, DebugTimings } from './report';
import { TIMING_PHASES } from '../../format';

const ms = (n: number): string => `${n.toFixed(n < 10 ? 2 : 1)} ms`;

function timings(t: DebugTimings): string {
  return `${ms(t.duration)} (${TIMING_PHASES.map(([label, key]) => `${label} ${ms(t[key])}`).join(', ')})`;
}

function body(b: DebugBody, indent: string): string[] {
  const lines = b.text.split('\n').map((l) => `${indent}${l}`);
  if (b.truncated) lines.push(`${indent}… cut: ${b.bytes} bytes in all, the first ${b.text.length} characters shown`);
  return lines;
}

function control(c: DebugControl, indent: string): string {
  const at = `(line ${c.position.line})`;
  switch (c.kind) {
    case 'if':
      return `${indent}if ${c.condition} ${at}: ${JSON.stringify(c.value)} → ${c.taken === 'flow' ? 'flow' : c.taken === 'else' ? 'else' : 'skipped (no else)'}`;
    case 'choose':
      return `${indent}choose ${at}: branch ${c.branch + 1} of ${c.branches} (weight ${c.weight})`;
    case 'repeat':
      return `${indent}repeat ${at}: ${c.rounds} round${c.rounds === 1 ? '' : 's'}`;
    case 'group':
      return `${indent}group ${c.name} ${at}`;
    case 'think':
      return `${indent}think ${c.ms} ms ${at}: not waited in a debug run`;
  }
}

function step(s: DebugStep, indent: string): string[] {
  const mark = s.ok ? '✓' : '✗';
  const round = s.rounds ? ` [round ${s.rounds.map((r) => r + 1).join('.')}]` : '';
  const lines = [`${indent}${mark} ${s.name}${round} (line ${s.position.line})`];
  const inner = `${indent}    `;
  lines.push(`${indent}  > ${s.request.method} ${s.request.url}`);
  for (const h of s.request.headers) lines.push(`${indent}  > ${h.name}: ${h.value}`);
  if (s.request.body) lines.push(...body(s.request.body, inner));
  const r = s.response;
  if (r.status === 0) {
    lines.push(`${indent}  < no response: ${r.errorClass ?? 'error'}${r.error ? ` (${r.error})` : ''}`);
  } else {
    lines.push(`${indent}  < ${r.status} ${STATUS_CODES[r.status] ?? ''}`.trimEnd());
    for (const h of r.headers) lines.push(`${indent}  < ${h.name}: ${h.value}`);
    if (r.body) lines.push(...body(r.body, inner));
  }
  lines.push(`${indent}  time: ${timings(s.timings)}`);
  if (s.checks.length > 0) lines.push(`${indent}  checks: ${s.checks.map((c) => `${c.passed ? '✓' : '✗'} ${c.name}`).join('  ')}`);
  for (const c of s.captures) {
    lines.push(c.found ? `${indent}  capture ${c.name} = ${JSON.stringify(c.value)} (${c.source})` : `${indent}  capture ${c.name}: nothing found at ${c.source} (empty for the rest of the iteration)`);
  }
  return lines;
}

export function formatDebugText(report: DebugReport): string {
  const out: string[] = [`volley debug ${report.file}: scenario ${report.scenario}, one iteration on one VU`, ''];
  let stage: string | undefined;
  const controls = [...report.control];
  report.steps.forEach((s, i) => {
    if (s.stage !== stage) {
      stage = s.stage;
      out.push(`${stage}:`);
    }
    while (controls.length > 0 && controls[0].beforeStep <= i) {
      const c = controls.shift()!;
      out.push(control(c, '  '.repeat(c.depth + 1)));
    }
    out.push(...step(s, '  '.repeat(s.depth + 1)), '');
  });
  for (const c of controls) out.push(control(c, '  '.repeat(c.depth + 1)));
  if (report.stopped) out.push(`stopped: ${report.stopped}`, '');
  if (report.suggestions.length > 0) {
    out.push('suggestions:');
    report.suggestions.forEach((s, i) => {
      out.push(`  ${i + 1}. ${s.message}`);
      out.push(`     capture on "${s.from.stepName}" (line ${s.from.position.line}): ${s.capture.name}: ${s.capture.source}${s.capture.existing ? ' (already captured)' : ''}`);
      for (const l of s.literals) out.push(`     replace with {{ ${s.capture.name} }}: ${l.stepName}, ${l.where} (line ${l.position.line}, column ${l.position.column})`);
    });
    out.push('');
  }
  const failedSteps = report.steps.filter((s) => !s.ok).length;
  const checks = report.steps.flatMap((s) => s.checks);
  const failedChecks = checks.filter((c) => !c.passed).length;
  out.push(
    `${report.steps.length} request${report.steps.length === 1 ? '' : 's'}, ${failedSteps} failed; ${checks.length} check${checks.length === 1 ? '' : 's'}, ${failedChecks} failed; ` +
      `${report.suggestions.length} suggestion${report.suggestions.length === 1 ? '' : 's'}; ${report.ok ? 'passed' : 'failed'} in ${report.durationMs} ms`,
  );
  return out.join('\n') + '\n';
}
