// Shared by the doctor's tests: run a scenario text against a server and collect what the doctor said,
// live (the `diagnosis` events) and at the end (summary.diagnoses).
import assert from 'node:assert/strict';
import type { Diagnosis, RunEvent, RunSummary } from '../../src/protocol';
import { compile, run } from '../engine/harness';

export interface Diagnosed {
  summary: RunSummary;
  live: Array<{ t: number; diagnosis: Diagnosis }>;
  events: RunEvent[];
  took: number;
}

export async function diagnose(yaml: string): Promise<Diagnosed> {
  const collected = run(compile(yaml));
  const { summary, took } = await collected.finished;
  const live = collected.ofType('diagnosis').map(({ t, diagnosis }) => ({ t, diagnosis }));
  return { summary, live, events: collected.events, took };
}

/** The final diagnosis with this id (and scenario/step when given); fails the test when there is none. */
export function finalOf(d: Diagnosed, id: string): Diagnosis {
  const found = d.summary.diagnoses.find((x) => x.id === id);
  assert.ok(found, `no ${id} diagnosis; got: ${d.summary.diagnoses.map((x) => x.id).join(', ') || 'none'}`);
  return found;
}

export function ids(d: Diagnosed): string[] {
  return d.summary.diagnoses.map((x) => x.id);
}

/** Every diagnosis the run emitted live reaches the summary, and every event precedes the summary. */
export function assertStreamConsistent(d: Diagnosed): void {
  const summaryAt = d.events.findIndex((e) => e.type === 'summary');
  const lastDiagnosisAt = d.events.map((e) => e.type).lastIndexOf('diagnosis');
  assert.ok(lastDiagnosisAt < summaryAt, 'a diagnosis came after the summary');
  const keys = new Set(d.live.map(({ diagnosis: x }) => `${x.id}|${x.scenario ?? ''}|${x.step ?? ''}`));
  assert.equal(keys.size, d.live.length, 'a diagnosis was emitted twice for the same scenario/step');
  for (const key of keys) {
    assert.ok(
      d.summary.diagnoses.some((x) => `${x.id}|${x.scenario ?? ''}|${x.step ?? ''}` === key),
      `${key} was emitted live but is not in the summary`,
    );
  }
  for (const x of d.summary.diagnoses) {
    assert.ok(x.title && x.explanation && x.fix, `${x.id} lacks words`);
    assert.ok(Object.keys(x.evidence).length > 0, `${x.id} has no evidence`);
  }
}
