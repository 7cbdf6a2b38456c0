// One execution segment's run through the CLI's session, as `volley run --execution-segment` writes its run
// file (NDJSON text): what `volley merge` reads. Shared by the suites that merge real segment runs.
import assert from 'node:assert/strict';
import { startSession } from '../../src/engine/cli/session';
import type { Plan } from '../../src/engine/scenario/plan';
import { tupleFromFlags } from '../../src/engine/segments';

export async function runSegment(plan: Plan, segment: string, sequence: string): Promise<string> {
  const lines: string[] = [];
  const session = startSession({
    plan,
    scenarios: [],
    envOverrides: {},
    workers: 1,
    preflight: false,
    segment: tupleFromFlags(segment, sequence),
    noThresholds: true,
    onEvent: (event) => lines.push(JSON.stringify(event)),
  });
  const result = await session.done;
  assert.equal(result.exitCode, 0);
  return lines.join('\n') + '\n';
}
