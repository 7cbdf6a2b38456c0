// Failure samples in the editor (issue #18): the inline figure of a step with failures gets a hover with
// the latest sample's status and body start and a link to the rest in the results panel; a failed threshold
// or a diagnosis in Problems links (its code's target) to the samples of the step it is about. Both links
// are the command `volley.showFailureSamples`, which shows the run in the panel and opens that step's lists.
import * as vscode from 'vscode';
import type { Diagnosis, FailureSampleGroup, RunEvent, RunSummary, ThresholdResult } from '../protocol';
import { readRunView } from './past-runs';
import type { ResultsPanel } from './results-panel';
import type { ActiveRun } from './runner';
import { editorCount } from '../format';
import { groupsOfStep, latestSample, oneLine, sampleKind, sampleOutcome } from '../samples-format';

export const SHOW_SAMPLES_COMMAND = 'volley.showFailureSamples';

/** Which samples to show: a step of a run (its file, else the run the editor holds for the scenario file). */
export interface SamplesTarget {
  runFile?: string;
  /** The scenario file, to find its last run when there is no run file. */
  file?: string;
  scenario: string;
  stepIndex: number;
}

const HOVER_BODY_CHARS = 300;

export function samplesCommandUri(target: SamplesTarget): vscode.Uri {
  return vscode.Uri.parse(`command:${SHOW_SAMPLES_COMMAND}?${encodeURIComponent(JSON.stringify([target]))}`);
}

/**
 * The command: the run in the panel (the last run when it is the one, else read from its file), then the
 * step's samples opened in its error table.
 */
export function showFailureSamples(
  arg: unknown,
  last: ActiveRun | undefined,
  show: (label: string, events: RunEvent[], runFile: string | undefined) => ResultsPanel,
): void {
  const target = arg as SamplesTarget | undefined;
  if (typeof target?.scenario !== 'string' || typeof target.stepIndex !== 'number') return;
  let panel: ResultsPanel | undefined;
  if (last && (last.runFile === target.runFile || (target.runFile === undefined && last.uri.fsPath === target.file))) {
    panel = show(last.label, [...last.events], last.runFile);
  } else if (target.runFile !== undefined) {
    const read = readRunView(target.runFile);
    if (!read.ok) return void vscode.window.showErrorMessage(`Volley: ${read.message}`);
    panel = show(read.view.label, read.view.events, target.runFile);
  }
  if (!panel) return void vscode.window.showErrorMessage('Volley: the run of these failure samples is no longer available.');
  panel.showSamples(target.scenario, target.stepIndex);
}

/** The hover of a failing step's inline figure; undefined when the run kept no sample of it. */
export function samplesHover(summary: RunSummary | undefined, target: SamplesTarget): vscode.MarkdownString | undefined {
  const groups = groupsOfStep(summary?.failureSamples, target.scenario, target.stepIndex);
  if (groups.length === 0) return undefined;
  const latest = groups
    .map((group) => ({ group, sample: latestSample(group) }))
    .filter((x): x is { group: FailureSampleGroup; sample: NonNullable<ReturnType<typeof latestSample>> } => x.sample !== undefined)
    .sort((a, b) => (a.sample.time < b.sample.time ? 1 : -1))[0];
  if (latest === undefined) return undefined;
  const { group, sample } = latest;
  const md = new vscode.MarkdownString('', true);
  md.isTrusted = { enabledCommands: [SHOW_SAMPLES_COMMAND] };
  md.appendMarkdown(`**Latest failure** (${sampleKind(group)}, ${editorCount(group.count)} in the run): `);
  md.appendText(`${sample.request.method} ${sample.request.url} → ${sampleOutcome(sample)}`);
  const body = sample.response?.bodyStart;
  if (body !== undefined && body !== '') md.appendCodeblock(oneLine(body, HOVER_BODY_CHARS), 'text');
  const kept = groups.reduce((n, g) => n + g.samples.length, 0);
  md.appendMarkdown(`\n\n[Show all ${kept} failure samples of this step](${samplesCommandUri(target).toString()})`);
  return md;
}

/** `{step:NAME}` / `{scenario:NAME}` of a threshold key. */
function tagOf(key: string, tag: string): string | undefined {
  const match = new RegExp(`[{,]\\s*${tag}\\s*:\\s*([^,}]+)`).exec(key);
  return match?.[1]?.trim();
}

/** The step a failed threshold or a diagnosis is about that has samples: named by it, else the one that failed most. */
export function samplesTargetOf(summary: RunSummary | undefined, about: { threshold: ThresholdResult } | { diagnosis: Diagnosis }): Omit<SamplesTarget, 'runFile' | 'file'> | undefined {
  const groups = summary?.failureSamples ?? [];
  if (groups.length === 0) return undefined;
  const step = 'threshold' in about ? tagOf(about.threshold.key, 'step') : about.diagnosis.step;
  const scenario = 'threshold' in about ? tagOf(about.threshold.key, 'scenario') : about.diagnosis.scenario;
  // A diagnosis about no step in particular (the generator, a scenario's VUs) has no samples of its own.
  if ('diagnosis' in about && step === undefined) return undefined;
  const matching = groups.filter((g) => (step === undefined || g.step === step) && (scenario === undefined || g.scenario === scenario));
  const top = matching.sort((a, b) => b.count - a.count)[0];
  return top === undefined ? undefined : { scenario: top.scenario, stepIndex: top.stepIndex };
}

/** A Problems entry's code that links to the samples: its value stays the plain code. */
export function codeWithSamples(code: string, target: SamplesTarget | undefined): vscode.Diagnostic['code'] {
  return target === undefined ? code : { value: code, target: samplesCommandUri(target) };
}

/** The plain code of a Problems entry, whether or not it links. */
export function plainCode(code: vscode.Diagnostic['code']): string | number | undefined {
  return typeof code === 'object' ? code.value : code;
}
