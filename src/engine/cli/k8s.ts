// `volley k8s FILE --parallelism N`: prints the Kubernetes manifests that run FILE as N execution segments
// (see src/engine/k8s). The file is validated first, exactly as `volley run` would: a pod must not be the
// first to find out that the file has an error.
import { readFileSync } from 'node:fs';
import { EXIT } from '../../protocol';
import { maxVUsOf, plannedDurationMs } from '../executors';
import { DEFAULT_IMAGE, manifestYaml, nameFromFile, nameProblem, sequenceFor } from '../k8s';
import type { Plan } from '../scenario/plan';
import { SegmentSequence, evenSequence } from '../segments';
import { UsageError, all, last, type ParsedArgs } from './args';
import { outputTargets } from '../output/out-flags';
import { PROMETHEUS_RW_ENV, prometheusRwSettings } from './prometheus-rw-settings';
import { prepareRun, systemReason } from './prepare';
import { parseStartAt } from './start-at';

const MAX_PARALLELISM = 1000;
/** Time to schedule the pods and pull the image before the common start. */
const DEFAULT_START_DELAY = '+2m';
/** Past the planned end, how long the Job may still run before Kubernetes stops it. */
const DEADLINE_MARGIN_S = 600;

function plannedEndMs(plan: Plan): number {
  let end = 0;
  for (const s of plan.scenarios) {
    const rampDown = s.executor.type === 'ramping-vus' ? s.executor.gracefulRampDownMs : 0;
    end = Math.max(end, s.startTimeMs + plannedDurationMs(s.executor) + Math.max(s.gracefulStopMs, rampDown));
  }
  return end;
}

/** Scenarios too small for N segments: some pods get none of their VUs (k6 splits VUs, never fractions). */
function thinScenarios(plan: Plan, parallelism: number): string[] {
  const sequence = new SegmentSequence(evenSequence(parallelism));
  const notes: string[] = [];
  for (const s of plan.scenarios) {
    const vus = maxVUsOf(s.executor);
    const idle = sequence.segments.filter((_, i) => sequence.scale(i, vus) === 0).length;
    if (idle > 0) notes.push(`scenario ${s.name} has ${vus} VUs: ${idle} of the ${parallelism} pods run none of it`);
  }
  return notes;
}

/** The id of the test as a whole: the Job's name and its start, `volley-load-20300101T120000Z`. */
export function distributedRunId(name: string, startAtMs: number): string {
  return `${name}-${new Date(startAtMs).toISOString().replace(/\.\d+Z$/, 'Z').replace(/[-:]/g, '')}`;
}

export async function k8sCommand(args: ParsedArgs): Promise<number> {
  const stderr = process.stderr;
  if (args.positionals.length !== 1) throw new UsageError('one scenario file: volley k8s FILE --parallelism N', 'k8s');
  const file = args.positionals[0];
  const parallelismText = last(args, 'parallelism');
  if (parallelismText === undefined) throw new UsageError('--parallelism N is required: how many pods run the test', 'k8s');
  const parallelism = Number(parallelismText);
  if (!/^\d+$/.test(parallelismText) || parallelism < 1 || parallelism > MAX_PARALLELISM) {
    throw new UsageError(`--parallelism "${parallelismText}": a whole number from 1 to ${MAX_PARALLELISM}`, 'k8s');
  }
  const image = last(args, 'image') ?? DEFAULT_IMAGE;
  if (image.trim() === '' || /\s/.test(image)) throw new UsageError(`--image "${image}" is not an image reference`, 'k8s');
  const namespace = last(args, 'namespace');
  if (namespace !== undefined) {
    const problem = nameProblem(namespace, '--namespace');
    if (problem) throw new UsageError(problem, 'k8s');
  }
  const name = last(args, 'name') ?? nameFromFile(file);
  // The ConfigMap is <name>-scenario and pods <name>-<index>-<random>: leave room within 63 characters.
  const nameIssue = nameProblem(name, '--name', 52);
  if (nameIssue) throw new UsageError(nameIssue, 'k8s');
  const resultsPvc = last(args, 'results-pvc');
  if (resultsPvc !== undefined) {
    const problem = nameProblem(resultsPvc, '--results-pvc', 253);
    if (problem) throw new UsageError(problem, 'k8s');
  }
  const nowMs = Date.now();
  const startAt = parseStartAt(last(args, 'start-at') ?? DEFAULT_START_DELAY, nowMs);
  if (!startAt.ok) throw new UsageError(startAt.message, 'k8s');
  if (startAt.atMs < nowMs) throw new UsageError('--start-at is in the past: the pods need time to start; give a time ahead (e.g. +2m)', 'k8s');
  const runId = distributedRunId(name, startAt.atMs);
  const remoteWriteUrl = outputTargets(all(args, 'out'), 'k8s', ['prometheus-rw'])['prometheus-rw'];
  let prometheusRw: { url: string; env: Record<string, string> } | undefined;
  if (remoteWriteUrl !== undefined) {
    // Checked here as `volley run` would check them in every pod; then handed on, with one testid for all.
    const settings = prometheusRwSettings(remoteWriteUrl, 'k8s');
    const env: Record<string, string> = {};
    for (const variable of PROMETHEUS_RW_ENV) {
      const value = process.env[variable];
      if (value !== undefined && value !== '') env[variable] = value;
    }
    env.VOLLEY_PROMETHEUS_RW_TESTID = settings.testid ?? runId;
    prometheusRw = { url: remoteWriteUrl, env };
  }

  const prepared = await prepareRun(file, []);
  for (const line of prepared.diagnostics) stderr.write(`${line}\n`);
  if (!prepared.ok) {
    stderr.write(`volley k8s: ${prepared.message}\n`);
    return prepared.exitCode;
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    stderr.write(`volley k8s: cannot read ${file}: ${systemReason(err)}\n`);
    return EXIT.invalidInput;
  }
  for (const note of thinScenarios(prepared.plan, parallelism)) stderr.write(`note: ${note}\n`);

  const activeDeadlineSeconds = Math.ceil((startAt.atMs - nowMs + plannedEndMs(prepared.plan)) / 1000) + DEADLINE_MARGIN_S;
  let yaml: string;
  try {
    yaml = manifestYaml({
      file,
      text,
      parallelism,
      image,
      name,
      namespace,
      startAt: new Date(startAt.atMs).toISOString(),
      activeDeadlineSeconds,
      resultsPvc,
      runId,
      prometheusRw,
    });
  } catch (err) {
    stderr.write(`volley k8s: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT.invalidInput;
  }
  process.stdout.write(yaml);
  stderr.write(
    `volley k8s: ${parallelism} pods, segments ${sequenceFor(parallelism)}, starting at ${new Date(startAt.atMs).toISOString()}: apply it now\n` +
      (prometheusRw ? `volley k8s: every pod pushes to ${prometheusRw.url} with testid="${prometheusRw.env.VOLLEY_PROMETHEUS_RW_TESTID}"\n` : ''),
  );
  return EXIT.ok;
}
