// What the extension needs to know of a scenario file (`volley/fileFacts`): its scenarios, steps and
// thresholds with their ranges, and the hosts it sends load to — read from the server's one parse of the
// version, so the extension never parses the file itself. Nothing from the file is evaluated: a host
// written as a template is given as written.
import { isScalar } from 'yaml';
import type { FileFacts, StepFacts } from '../protocol';
import type { AnalysedDocument } from './documents';
import type { StepInfo } from './model';

const ABSOLUTE = /^[a-z][a-z0-9+.-]*:\/\//i;

/** The host a URL names, relative URLs against `base`; a templated authority as written (without user info). */
export function hostOf(url: string, base: string | undefined): string | undefined {
  const absolute = ABSOLUTE.test(url) ? url : base;
  if (absolute === undefined) return undefined;
  const authority = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(absolute)?.[1] ?? '';
  if (authority.includes('{{')) return authority.replace(/^[^@]*@/, '');
  try {
    return new URL(absolute.replace(/\{\{[^}]*\}\}/g, 'x')).hostname;
  } catch {
    return authority || undefined;
  }
}

/** `baseUrl`'s host and every step URL's, each once, in order of appearance. */
export function hostsOf(doc: AnalysedDocument): string[] {
  const baseNode = doc.scenario.nodeAt(['baseUrl']);
  const base = isScalar(baseNode) && typeof baseNode.value === 'string' ? baseNode.value : undefined;
  const hosts: string[] = [];
  const add = (host: string | undefined): void => {
    if (host !== undefined && host !== '' && !hosts.includes(host)) hosts.push(host);
  };
  if (base !== undefined) add(hostOf(base, undefined));
  // setup's and teardown's requests go to hosts as much as the scenarios' do.
  for (const flow of [...doc.model.scenarios, ...doc.model.lifecycle]) {
    for (const step of flow.steps) if (step.url !== undefined) add(hostOf(step.url, base));
  }
  return hosts;
}

export function fileFacts(doc: AnalysedDocument, version: number | null): FileFacts {
  const model = doc.model;
  const stepsOf = (flow: { steps: StepInfo[] }): StepFacts[] =>
    flow.steps.map((step) => ({ index: step.index, name: step.name, range: step.range, selectionRange: step.selectionRange }));
  return {
    version,
    scenarios: model.scenarios.map((s) => ({
      name: s.name,
      nameRange: s.nameRange,
      range: s.range,
      ...(s.executor !== undefined ? { executor: s.executor } : {}),
      steps: stepsOf(s),
      groups: s.groupSteps.map((g) => ({ name: g.path, range: g.range, selectionRange: g.selectionRange })),
    })),
    lifecycle: model.lifecycle.map((l) => ({ name: l.name, nameRange: l.nameRange, range: l.range, steps: stepsOf(l) })),
    thresholds: model.thresholds.map((t) => ({ name: t.name, nameRange: t.nameRange, expressions: t.expressions })),
    hosts: hostsOf(doc),
  };
}
