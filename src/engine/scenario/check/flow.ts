// A flow: its steps in order, each a request, a think pause (./step.ts) or a control step holding steps
// (`repeat`, `if`/`else`, `choose`, `group`, nested in any combination), with the rules between steps:
// captures are read only after the step that captures them, and a capture set only in a branch is warned
// about where it is read outside it; request step names are unique in a flow; a trailing think does
// nothing under an arrival-rate executor. Read in two passes: the structure first (who captures what, in
// which branch), then every step in document order with what it may read.
import { isMap, isScalar, type Node, type YAMLMap, type YAMLSeq } from 'yaml';
import { keyText } from '../document';
import { nameProblem } from '../names';
import type { ExecutorType, FlowNodePlan, GroupPlan, Template } from '../plan';
import { CONTROL_STEP_KEYS, type ControlStepKey } from '../schema';
import { methodOfKey, stepNameOf } from '../step-name';
import type { Findings } from './findings';
import { emptyItemRange } from './ranges';
import { deref, describe, entries, expectSeq, isEmpty, missingKey, misspelled, readNumber, scalarText, unknownKey, type Entry } from './read';
import { captureNames, checkStep, stepNameNode, type CheckedStep, type FlowContext } from './step';
import { checkTemplate, type Branch, type CaptureSite, type StepScope } from './templates';

export type { CheckedStep, FlowContext } from './step';

export interface CheckedFlow {
  /** Every step (nested ones too, in document order), or none when one of them is broken. */
  steps: CheckedStep[];
  /** The names of all steps, broken ones too: a threshold on them is not a second error. */
  stepNames: string[];
  /** Every name the flow's steps capture, broken steps' too: templates reading them are not a second error. */
  captureNames: string[];
  /** The data sets the flow's templates read. */
  dataSets?: string[];
  /** The control structure over `steps`; absent when the flow is its steps in order. */
  nodes?: FlowNodePlan[];
  /** The flow's groups (their paths once each, in document order); their names too when a step is broken. */
  groups: GroupPlan[];
}

const CONTROL_KEYS = Object.keys(CONTROL_STEP_KEYS) as ControlStepKey[];

/** A flow item as the first pass read it. */
type Parsed =
  | { kind: 'leaf'; item: Node | null; seq: YAMLSeq; itemIndex: number; index: number; name: string; group: string | undefined }
  | { kind: 'repeat'; count: Entry; as: Entry | undefined; flow: Parsed[] | undefined }
  | { kind: 'if'; condition: Entry; flow: Parsed[] | undefined; else: Parsed[] | undefined; then: Branch; otherwise: Branch }
  | { kind: 'choose'; branches: ParsedBranch[] }
  | { kind: 'group'; group: number | undefined; flow: Parsed[] | undefined }
  /** A step whose own keys are wrong: reported, and the flow is not run; what it holds is still checked. */
  | { kind: 'broken'; inner: Parsed | undefined };

interface ParsedBranch {
  weight: number | undefined;
  flow: Parsed[] | undefined;
  branch: Branch;
}

/** The first pass: the structure, where each step is, and who captures what in which branch. */
class FlowReader {
  leaves = 0;
  readonly capturedBy = new Map<string, CaptureSite[]>();
  readonly groups: GroupPlan[] = [];
  readonly names: string[] = [];

  constructor(
    private readonly f: Findings,
    /** False for setup and teardown, which run their steps once, in order. */
    private readonly control: boolean,
    private readonly owner: string,
  ) {}

  list(seq: YAMLSeq, branches: readonly Branch[], group: string | undefined): Parsed[] {
    return seq.items.map((raw, itemIndex) => this.item(deref(this.f, raw as Node | null), seq, itemIndex, branches, group));
  }

  private item(item: Node | null, seq: YAMLSeq, itemIndex: number, branches: readonly Branch[], group: string | undefined): Parsed {
    const controls = isMap(item) ? CONTROL_KEYS.filter((k) => item.items.some((p) => keyText(p) === k)) : [];
    if (controls.length === 0) return this.leaf(item, seq, itemIndex, branches, group);
    const f = this.f;
    const map = item as YAMLMap;
    const stepEntries = entries(f, map);
    const key = controls[0];
    const keyEntry = stepEntries.find((e) => e.key === key)!;
    const line = f.doc.rangeOf(map).start.line + 1;
    if (!this.control) {
      f.error('control-in-lifecycle', `${key} is for a scenario's flow: ${this.owner} runs its steps once, in order`, keyEntry.keyNode);
      return { kind: 'broken', inner: undefined };
    }
    let broken = false;
    for (const extra of controls.slice(1)) {
      f.error('multiple-controls', `this step is already a ${key}: put the ${extra} in a step of its own inside or after it`, stepEntries.find((e) => e.key === extra)!.keyNode);
      broken = true;
    }
    const own: readonly string[] = CONTROL_STEP_KEYS[key];
    for (const e of stepEntries) {
      if (own.includes(e.key) || CONTROL_KEYS.includes(e.key as ControlStepKey)) continue;
      if (methodOfKey(e.key) !== undefined || e.key === 'think') {
        f.error(
          'control-and-request',
          `a step with ${key} holds steps, so it cannot also ${e.key === 'think' ? 'pause' : `send ${e.key.toUpperCase()}`}: move ${e.key} into a step of its ${key === 'choose' ? 'branches' : 'flow'}`,
          e.keyNode,
        );
      } else {
        unknownKey(f, e, own, `${key} (line ${line}), which takes ${own.join(', ')}`);
      }
      broken = true;
    }
    const byKey = new Map(stepEntries.map((e) => [e.key, e]));
    const parsed = this.controlStep(key, keyEntry, byKey, map, line, branches, group);
    return broken ? { kind: 'broken', inner: parsed } : parsed;
  }

  private leaf(item: Node | null, seq: YAMLSeq, itemIndex: number, branches: readonly Branch[], group: string | undefined): Parsed {
    const index = this.leaves++;
    const name = stepNameOf(this.f.doc, item);
    if (name !== '') this.names.push(name);
    for (const capture of captureNames(this.f, item)) {
      const sites = this.capturedBy.get(capture) ?? [];
      sites.push({ index, name, branches });
      this.capturedBy.set(capture, sites);
    }
    return { kind: 'leaf', item, seq, itemIndex, index, name, group };
  }

  private controlStep(
    key: ControlStepKey,
    keyEntry: Entry,
    byKey: Map<string, Entry>,
    map: YAMLMap,
    line: number,
    branches: readonly Branch[],
    group: string | undefined,
  ): Parsed {
    const f = this.f;
    const nested = (flowKey: string, inner: readonly Branch[], innerGroup: string | undefined, required: boolean): Parsed[] | undefined => {
      const e = byKey.get(flowKey);
      if (!e) {
        // A misspelt `flwo` already has its did-you-mean.
        if (required && !misspelled([...byKey.values()], CONTROL_STEP_KEYS[key], flowKey)) missingKey(f, `${key} (line ${line}) has no ${flowKey}: add the list of steps it runs`, keyEntry.keyNode, map, undefined, flowKey);
        return undefined;
      }
      return this.nestedList(e, `the ${flowKey} of ${key} (line ${line})`, inner, innerGroup);
    };
    switch (key) {
      case 'repeat':
        return { kind: 'repeat', count: keyEntry, as: byKey.get('as'), flow: nested('flow', branches, group, true) };
      case 'if': {
        const then: Branch = { where: `the flow of the if at line ${line}` };
        const otherwise: Branch = { where: `the else of the if at line ${line}` };
        return {
          kind: 'if',
          condition: keyEntry,
          flow: nested('flow', [...branches, then], group, true),
          else: byKey.has('else') ? nested('else', [...branches, otherwise], group, false) : [],
          then,
          otherwise,
        };
      }
      case 'choose':
        return { kind: 'choose', branches: this.branches(keyEntry, branches, group) };
      case 'group': {
        const name = this.groupName(keyEntry);
        const path = name === undefined ? undefined : group === undefined ? name : `${group}::${name}`;
        let index: number | undefined;
        if (path !== undefined) {
          index = this.groups.findIndex((g) => g.name === path);
          if (index < 0) index = this.groups.push({ name: path, index: this.groups.length, range: f.doc.rangeOf(map) }) - 1;
        }
        return { kind: 'group', group: index, flow: nested('flow', branches, path ?? group, true) };
      }
    }
  }

  private nestedList(e: Entry, what: string, branches: readonly Branch[], group: string | undefined): Parsed[] | undefined {
    const seq = expectSeq(this.f, e, 'a list of steps (each line starting with "- ")');
    if (!seq) return undefined;
    if (seq.items.length === 0) {
      this.f.error('empty-flow', `${what} is empty: add at least one step, e.g. - get: /`, seq);
      return undefined;
    }
    return this.list(seq, branches, group);
  }

  private branches(e: Entry, around: readonly Branch[], group: string | undefined): ParsedBranch[] {
    const f = this.f;
    const none = (): ParsedBranch[] => [{ weight: undefined, flow: undefined, branch: { where: 'choose' } }];
    const seq = expectSeq(f, e, 'a list of branches such as - { weight: 70, flow: [...] }');
    if (!seq) return none();
    if (seq.items.length === 0) {
      f.error('empty-flow', 'choose has no branches: add - { weight: 1, flow: [...] } items', seq);
      return none();
    }
    return seq.items.map((raw, i): ParsedBranch => {
      const item = deref(f, raw as Node | null);
      if (!isMap(item)) {
        const at = isEmpty(item) ? emptyItemRange(f.doc, seq, i) : f.doc.rangeOf(item!);
        f.error('wrong-type', `choose branch ${i + 1} must be a map { weight, flow }, not ${describe(f, item)}`, at);
        return none()[0];
      }
      const line = f.doc.rangeOf(item).start.line + 1;
      const branch: Branch = { where: `choose branch ${i + 1} at line ${line}` };
      const branchEntries = entries(f, item);
      const allowed = ['weight', 'flow'];
      let ok = true;
      for (const b of branchEntries) {
        if (allowed.includes(b.key)) continue;
        unknownKey(f, b, allowed, `choose branch ${i + 1}`);
        ok = false;
      }
      const weightEntry = branchEntries.find((b) => b.key === 'weight');
      const flowEntry = branchEntries.find((b) => b.key === 'flow');
      const anchor = branchEntries[0]?.keyNode ?? item;
      let weight: number | undefined;
      if (weightEntry) weight = readNumber(f, weightEntry, 'number', undefined, 0);
      else if (!misspelled(branchEntries, allowed, 'weight')) missingKey(f, `choose branch ${i + 1} has no weight: add weight: 1 (weights are relative)`, anchor, item, undefined, 'weight');
      let flow: Parsed[] | undefined;
      if (flowEntry) flow = this.nestedList(flowEntry, `the flow of choose branch ${i + 1}`, [...around, branch], group);
      else if (!misspelled(branchEntries, allowed, 'flow')) missingKey(f, `choose branch ${i + 1} has no flow: add the list of steps it runs`, anchor, item, undefined, 'flow');
      return { weight: ok ? weight : undefined, flow, branch };
    });
  }

  private groupName(e: Entry): string | undefined {
    const text = scalarText(this.f, e, 'the group\'s name');
    if (text === undefined) return undefined;
    if (text.trim() === '') {
      this.f.error('invalid-value', 'a group name must not be empty', e.value ?? e.keyNode);
      return undefined;
    }
    if (text.includes('::')) {
      this.f.error(
        'invalid-group-name',
        `a group name cannot hold "::": it joins a nested group's name to its parent's (outer::inner); nest a group inside another instead`,
        e.value!,
      );
      return undefined;
    }
    return text;
  }
}

/** The second pass: every step checked in document order with what it may read; the Plan's nodes. */
class FlowChecker {
  readonly steps: CheckedStep[] = [];
  ok = true;
  private readonly seen = new Map<string, number>();
  /** The data sets the flow's templates read. */
  readonly dataRead = new Set<string>();
  /** The index the next step in document order has: what a repeat count or an if condition reads before. */
  private next = 0;

  constructor(
    private readonly f: Findings,
    private readonly context: FlowContext,
    private readonly reader: FlowReader,
    private readonly inScope: Set<string>,
    private readonly visible: Set<string>,
    private readonly always: ReadonlySet<string>,
  ) {}

  private scope(index: number, branches: readonly Branch[], guarded: ReadonlySet<string> | 'all'): StepScope {
    const { inScope: names, visible, reader, always, dataRead } = this;
    return { names, visible, capturedBy: reader.capturedBy, index, branches, guarded, always, data: this.context.data, dataRead };
  }

  list(items: readonly Parsed[] | undefined, branches: readonly Branch[], guarded: ReadonlySet<string>): FlowNodePlan[] {
    if (items === undefined) {
      this.ok = false;
      return [];
    }
    return items.map((item) => this.item(item, branches, guarded));
  }

  private item(item: Parsed, branches: readonly Branch[], guarded: ReadonlySet<string>): FlowNodePlan {
    const f = this.f;
    switch (item.kind) {
      case 'broken':
        if (item.inner) this.item(item.inner, branches, guarded);
        this.ok = false;
        return { kind: 'step', index: -1 };
      case 'leaf':
        this.leaf(item, branches, guarded);
        return { kind: 'step', index: item.index };
      case 'repeat': {
        const count = this.repeatCount(item.count, branches, guarded);
        const as = item.as && this.indexName(item.as);
        if (count === undefined || (item.as && as === undefined)) this.ok = false;
        // The index is readable inside the repeat only.
        const added = as !== undefined && !this.inScope.has(as);
        if (added) {
          this.inScope.add(as);
          this.visible.add(as);
        }
        const flow = this.list(item.flow, branches, guarded);
        if (added) {
          this.inScope.delete(as);
          this.visible.delete(as);
        }
        return { kind: 'repeat', count: count ?? 0, as, flow };
      }
      case 'if': {
        const source = scalarText(f, item.condition, 'a {{ }} expression such as "{{ cartId != null }}"');
        let condition: Template | undefined;
        const reads = new Set<string>();
        if (source !== undefined && !source.includes('{{')) {
          f.error(
            'if-not-template',
            `if takes a {{ }} expression such as if: "{{ cartId != null }}"; the text "${source}" is always true`,
            item.condition.value!,
          );
        } else if (source !== undefined) {
          condition = checkTemplate(f, item.condition.value as never, source, this.scope(this.next, branches, 'all'), reads);
        }
        if (condition === undefined) this.ok = false;
        // A read of a name the condition mentions is guarded by it: `if: "{{ cartId != null }}"`.
        const inner = new Set([...guarded, ...reads]);
        const then = this.list(item.flow, [...branches, item.then], inner);
        const otherwise = this.list(item.else, [...branches, item.otherwise], inner);
        return { kind: 'if', condition: condition!, flow: then, else: otherwise };
      }
      case 'choose': {
        const branchPlans = item.branches.map((b) => {
          if (b.weight === undefined) this.ok = false;
          return { weight: b.weight ?? 0, flow: this.list(b.flow, [...branches, b.branch], guarded) };
        });
        return { kind: 'choose', branches: branchPlans };
      }
      case 'group':
        if (item.group === undefined) this.ok = false;
        return { kind: 'group', group: item.group ?? -1, flow: this.list(item.flow, branches, guarded) };
    }
  }

  private leaf(item: Extract<Parsed, { kind: 'leaf' }>, branches: readonly Branch[], guarded: ReadonlySet<string>): void {
    const f = this.f;
    this.next = item.index + 1;
    const step = checkStep(f, item.item, item.index, item.seq, item.itemIndex, this.scope(item.index, branches, guarded), item.name, this.context);
    if (step) {
      // Think steps have no metrics of their own: the same pause twice in a flow is normal.
      const previous = step.kind === 'request' ? this.seen.get(step.name) : undefined;
      if (previous !== undefined) {
        f.warning(
          'duplicate-step-name',
          `step name "${step.name}" is already used by step ${previous + 1} of this scenario: their metrics and results would mix; give this step its own name`,
          stepNameNode(item.item as YAMLMap) ?? (item.item as Node),
        );
      } else if (step.kind === 'request') {
        this.seen.set(step.name, item.index);
      }
      this.steps.push(item.group === undefined ? step : { ...step, group: item.group });
    } else {
      this.ok = false;
    }
    // Captures become visible to later steps even when this step has other errors.
    for (const key of captureNames(f, item.item)) this.visible.add(key);
  }

  /** `repeat: 3` or `repeat: "{{ pages }}"`. */
  private repeatCount(e: Entry, branches: readonly Branch[], guarded: ReadonlySet<string>): number | Template | undefined {
    const f = this.f;
    const node = e.value;
    if (isScalar(node) && typeof node.value === 'string' && node.value.includes('{{')) {
      return checkTemplate(f, node, node.value, this.scope(this.next, branches, guarded));
    }
    const what = 'a whole number of at least 1, or a {{ }} template such as "{{ pages }}"';
    if (isScalar(node) && typeof node.value === 'number') {
      if (Number.isInteger(node.value) && node.value >= 1) return node.value;
      f.error('invalid-repeat', `repeat must be ${what}, not ${describe(f, node).replace('the number ', '')}`, node);
      return undefined;
    }
    if (scalarText(f, e, what) !== undefined) {
      const quoted = /^\s*\d+\s*$/.test(String((node as { value: unknown }).value));
      f.error('invalid-repeat', `repeat must be ${what}, not ${describe(f, node)}${quoted ? ' (remove the quotes)' : ''}`, node!);
    }
    return undefined;
  }

  /** `as: page`: a name templates can read, that no variable or capture has already. */
  private indexName(e: Entry): string | undefined {
    const f = this.f;
    const text = scalarText(f, e, 'a name such as page');
    if (text === undefined) return undefined;
    const problem = nameProblem(text, 'repeat index');
    if (problem !== undefined) {
      f.error(problem.code, problem.message, e.value!);
      return undefined;
    }
    if (this.inScope.has(text)) {
      const what = this.always.has(text) ? 'a variable (or a setup capture)' : this.reader.capturedBy.has(text) ? 'a capture of this flow' : 'the index of an enclosing repeat';
      f.error('index-name-taken', `as: "${text}" is already ${what}: give the index a name of its own`, e.value!);
      return undefined;
    }
    return text;
  }
}

/** `owner` names the flow in messages: `the flow of scenario "browse"`, `setup`. */
export function checkFlow(
  f: Findings,
  entry: Entry,
  owner: string,
  executor: ExecutorType | undefined,
  context: FlowContext,
  control = true,
): CheckedFlow {
  const seq = expectSeq(f, entry, 'a list of steps (each line starting with "- ")');
  if (!seq) return { steps: [], stepNames: [], captureNames: [], groups: [] };
  if (seq.items.length === 0) {
    f.error('empty-flow', `${owner} is empty: add at least one step, e.g. - get: /`, seq);
    return { steps: [], stepNames: [], captureNames: [], groups: [] };
  }
  const reader = new FlowReader(f, control, owner);
  const parsed = reader.list(seq, [], undefined);
  const variableNames = [...Object.keys(context.variables), ...context.setupCaptures];
  const always = new Set(variableNames);
  const checker = new FlowChecker(f, context, reader, new Set([...variableNames, ...reader.capturedBy.keys()]), new Set(variableNames), always);
  const nodes = checker.list(parsed, [], new Set());
  const ok = checker.ok && checker.steps.length === reader.leaves;
  const last = parsed[parsed.length - 1];
  if ((executor === 'constant-arrival-rate' || executor === 'ramping-arrival-rate') && ok && parsed.length > 1 && last.kind === 'leaf') {
    const item = last.item;
    if (isMap(item) && item.items.some((p) => keyText(p) === 'think')) {
      f.warning(
        'trailing-think',
        'a think at the end of the flow only keeps the VU busy: arrival-rate executors start iterations on their schedule, not after a pause; remove it',
        item,
      );
    }
  }
  const flat = parsed.every((p) => p.kind === 'leaf');
  return {
    steps: ok ? checker.steps : [],
    stepNames: reader.names,
    captureNames: [...reader.capturedBy.keys()],
    dataSets: [...checker.dataRead],
    ...(ok && !flat ? { nodes } : {}),
    groups: reader.groups,
  };
}
