// Listing the runs the editor offers to open or compare: every NDJSON in a run directory that starts with a
// `start` event (the file names and the directory are src/engine/runs', shared with the CLI; this reads
// the events, so runs written by hand with --out are listed too), and the ids the editor gives its runs.
import { readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { PlanInfo } from '../protocol';
import { readRunStart } from '../engine/runs/read';

export interface StoredRun {
  path: string;
  runId: string;
  startedAt: string;
  /** The scenario file, absolute, as the engine saw it. */
  file: string;
  /** The scenarios that ran (all of the plan's when the whole file ran). */
  scenarios: string[];
  mtimeMs: number;
}

function stamp(date: Date): string {
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  return `${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}-${pad(date.getHours())}${pad(date.getMinutes())}${pad(date.getSeconds())}`;
}

function slug(text: string): string {
  return text.replace(/\.volley\.ya?ml$/i, '').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'run';
}

/** `20261122-140312-demo-browse-1a2b3c` — a run id that is also a file name. */
export function newRunId(file: string, scenarios: readonly string[], now = new Date(), random = Math.random): string {
  const which = scenarios.length > 0 ? `-${slug(scenarios.join('+'))}` : '';
  const suffix = Math.floor(random() * 0xffffff).toString(16).padStart(6, '0');
  return `${stamp(now)}-${slug(basename(file))}${which}-${suffix}`;
}

function scenariosOf(plan: PlanInfo): string[] {
  return plan.scenarios.map((s) => s.name);
}

/** Every run in the directory, newest first. */
export function listRuns(runsDir: string): StoredRun[] {
  let names: string[];
  try {
    names = readdirSync(runsDir).filter((n) => n.endsWith('.ndjson'));
  } catch {
    return [];
  }
  const runs: StoredRun[] = [];
  for (const name of names) {
    const path = join(runsDir, name);
    const start = readRunStart(path);
    if (!start) continue;
    let mtimeMs = 0;
    try {
      mtimeMs = statSync(path).mtimeMs;
    } catch {
      continue;
    }
    runs.push({ path, runId: start.runId, startedAt: start.startedAt, file: start.plan.file, scenarios: scenariosOf(start.plan), mtimeMs });
  }
  return runs.sort((a, b) => b.startedAt.localeCompare(a.startedAt) || b.mtimeMs - a.mtimeMs);
}

/** The newest run of `file` that ran `scenario` (or any run of the file when no scenario is given). */
export function latestRun(runsDir: string, file: string, scenario?: string): StoredRun | undefined {
  return listRuns(runsDir).find((r) => r.file === file && (scenario === undefined || r.scenarios.includes(scenario)));
}
