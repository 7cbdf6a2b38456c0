// Where a debug run's steps and control steps are in the file: the Plan keeps a step's start only, and
// no position for `if`/`repeat`/`choose`; the flow's YAML list is walked beside the Plan's flow, item by
// item (a file that ran passed the checker, so the two have the same shape).
import { isMap, isPair, isScalar, isSeq, type Node, type YAMLMap } from 'yaml';
import type { PathSegment, ScenarioDocument } from '../scenario/document';
import type { CheckPlan, FlowNodePlan, ScenarioPlan } from '../scenario/plan';
import type { DebugPosition } from './report';

export interface StepNode {
  path: PathSegment[];
  map: YAMLMap;
}

export interface FlowNodes {
  /** Request steps' maps by their index in the stage's steps. */
  steps: Map<number, StepNode>;
  /** Control steps' positions. */
  controls: Map<FlowNodePlan, DebugPosition>;
}

export function positionOf(doc: ScenarioDocument, offset: number): DebugPosition {
  const p = doc.positionAt(offset);
  return { line: p.line + 1, column: p.character + 1 };
}

/** The nodes of a scenario's flow, or of `setup`/`teardown` (`scenario` undefined: `stage` names the list). */
export function flowNodes(doc: ScenarioDocument, listPath: PathSegment[], nodes: readonly FlowNodePlan[]): FlowNodes {
  const found: FlowNodes = { steps: new Map(), controls: new Map() };
  const walk = (path: PathSegment[], list: readonly FlowNodePlan[]): void => {
    const seq = doc.nodeAt(path);
    if (!isSeq(seq)) return;
    list.forEach((node, i) => {
      const item = seq.items[i] as Node | undefined;
      if (!isMap(item)) return;
      const itemPath = [...path, i];
      if (node.kind === 'step') {
        found.steps.set(node.index, { path: itemPath, map: item });
        return;
      }
      found.controls.set(node, positionOf(doc, doc.offsetsOf(item)[0]));
      if (node.kind === 'if') {
        walk([...itemPath, 'flow'], node.flow);
        walk([...itemPath, 'else'], node.else);
      } else if (node.kind === 'choose') {
        node.branches.forEach((branch, b) => walk([...itemPath, 'choose', b, 'flow'], branch.flow));
      } else {
        walk([...itemPath, 'flow'], node.flow);
      }
    });
  };
  walk(listPath, nodes);
  return found;
}

/** A scenario's flow as nodes: its control structure, or its plain steps in order. */
export function flowOf(scenario: ScenarioPlan): FlowNodePlan[] {
  return scenario.flow ?? scenario.steps.map((_, index) => ({ kind: 'step', index }));
}

/** The key of a map's pair named `key`, and its value. */
function pairNamed(map: YAMLMap, key: string): { key: Node; value: unknown } | undefined {
  for (const pair of map.items) if (isPair(pair) && isScalar(pair.key) && pair.key.value === key) return { key: pair.key, value: pair.value };
  return undefined;
}

/**
 * Where each check of a step is written: its key under `check:` (`status`, `header`, `bodyContains`), and
 * for `json` checks the path keys in order; the `check` key when it is not found.
 */
export function checkPositions(doc: ScenarioDocument, step: StepNode | undefined, checks: readonly CheckPlan[]): Array<DebugPosition | undefined> {
  const check = step && pairNamed(step.map, 'check');
  if (!check) return checks.map(() => undefined);
  const at = (node: Node): DebugPosition => positionOf(doc, doc.offsetsOf(node)[0]);
  const map = isMap(check.value) ? check.value : undefined;
  let jsonIndex = 0;
  return checks.map((c) => {
    const part = map && pairNamed(map, c.kind);
    if (!part) return at(check.key);
    if (c.kind === 'json' && isMap(part.value)) {
      const item = part.value.items[jsonIndex++];
      if (item && isScalar(item.key)) return at(item.key);
    }
    return at(part.key);
  });
}
