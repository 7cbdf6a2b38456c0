// A flow with `repeat`, `if`, `choose` or `group` runs as a flat program compiled once per scenario: the
// control steps become jumps between the prepared steps, loop counters and group start times live in
// per-VU slots, so a pass allocates nothing. The FlowRunner (./flow.ts) walks it; a flow of steps only
// keeps its plain loop there.
import type { FlowNodePlan, Template, TemplateContext } from './scenario/plan';

/** Enters a repeat: works out the count; jumps to `end` when it is 0. */
export interface RepeatOp {
  kind: 'repeat';
  slot: number;
  count: number | Template;
  as: string | undefined;
  end: number;
}

/** Ends a repeat's round: back to `start` while rounds remain. */
export interface NextRoundOp {
  kind: 'next';
  slot: number;
  as: string | undefined;
  start: number;
}

export interface IfOp {
  kind: 'if';
  condition: Template;
  /** Where the else (or what follows the if) starts. */
  otherwise: number;
}

export interface JumpOp {
  kind: 'jump';
  to: number;
}

export interface ChooseOp {
  kind: 'choose';
  total: number;
  /** Running sums of the branches' weights. */
  cumulative: number[];
  targets: number[];
}

export interface GroupOp {
  kind: 'group-start' | 'group-end';
  slot: number;
  /** The group's index in ScenarioPlan.groups (its series). */
  group: number;
}

/** `S`: the runner's prepared request and think steps. */
export type FlowOp<S> = S | RepeatOp | NextRoundOp | IfOp | JumpOp | ChooseOp | GroupOp;

export interface FlowProgram<S> {
  ops: Array<FlowOp<S>>;
  loops: number;
  groups: number;
}

/** `steps`: the prepared steps by their index in the scenario's steps. */
export function compileProgram<S>(nodes: readonly FlowNodePlan[], steps: readonly S[]): FlowProgram<S> {
  const program: FlowProgram<S> = { ops: [], loops: 0, groups: 0 };
  const ops = program.ops;
  const emit = (list: readonly FlowNodePlan[]): void => {
    for (const node of list) {
      switch (node.kind) {
        case 'step':
          ops.push(steps[node.index]);
          break;
        case 'repeat': {
          const slot = program.loops++;
          const enter: RepeatOp = { kind: 'repeat', slot, count: node.count, as: node.as, end: -1 };
          ops.push(enter);
          emit(node.flow);
          ops.push({ kind: 'next', slot, as: node.as, start: ops.indexOf(enter) + 1 });
          enter.end = ops.length;
          break;
        }
        case 'if': {
          const test: IfOp = { kind: 'if', condition: node.condition, otherwise: -1 };
          ops.push(test);
          emit(node.flow);
          if (node.else.length === 0) {
            test.otherwise = ops.length;
            break;
          }
          const over: JumpOp = { kind: 'jump', to: -1 };
          ops.push(over);
          test.otherwise = ops.length;
          emit(node.else);
          over.to = ops.length;
          break;
        }
        case 'choose': {
          let sum = 0;
          const cumulative = node.branches.map((b) => (sum += b.weight));
          const choose: ChooseOp = { kind: 'choose', total: sum, cumulative, targets: [] };
          ops.push(choose);
          const exits: JumpOp[] = [];
          for (const branch of node.branches) {
            choose.targets.push(ops.length);
            emit(branch.flow);
            const exit: JumpOp = { kind: 'jump', to: -1 };
            ops.push(exit);
            exits.push(exit);
          }
          for (const exit of exits) exit.to = ops.length;
          break;
        }
        case 'group': {
          const slot = program.groups++;
          ops.push({ kind: 'group-start', slot, group: node.group });
          emit(node.flow);
          ops.push({ kind: 'group-end', slot, group: node.group });
          break;
        }
      }
    }
  };
  emit(nodes);
  return program;
}

/** A repeat's count, from its template's value when it has one: a whole number ≥ 1, else no round. */
export function roundsOf(count: number | Template, ctx: TemplateContext): number {
  if (typeof count === 'number') return count;
  const value = count.renderValue(ctx);
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isInteger(n) && n > 0 ? n : 0;
}

/** An `if:` condition's value as a test: false, null, unset, 0, NaN and '' are false. */
export function isTrue(value: unknown): boolean {
  return value !== undefined && value !== null && value !== false && value !== 0 && value !== '' && !Number.isNaN(value);
}
