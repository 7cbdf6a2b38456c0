// `{{ }}` templates in a step's values: compiled with the names in scope, problems reported at the
// characters they concern, and a name captured by this or a later step told apart from an unknown one.
import type { Scalar } from 'yaml';
import type { Template } from '../plan';
import { compileTemplate } from '../template';
import type { Findings } from './findings';
import { changeFix } from './fixes';
import { innerRange } from './ranges';
import { scalarText, type Entry } from './read';

/** Which captures a step may read: everything named, what earlier steps captured, and who captures what. */
export interface StepScope {
  /** Variables and every capture of the flow: names templates may read at all. */
  names: ReadonlySet<string>;
  /** Variables and the captures of earlier steps. */
  visible: ReadonlySet<string>;
  capturedBy: ReadonlyMap<string, readonly CaptureSite[]>;
  /** The step being checked (in document order, nested steps counted). */
  index: number;
  /** Data sets templates may read (`{{ users.email }}`), with their columns when known. */
  data?: ReadonlyMap<string, readonly string[] | undefined>;
  /** Collects the data sets the flow's templates read. */
  dataRead?: Set<string>;
  /** The branches (`if`'s flow or else, a `choose` branch) around the step, outermost first. */
  branches: readonly Branch[];
  /** Names an enclosing `if:` condition reads (a read of them is guarded), or 'all' in a condition itself. */
  guarded: ReadonlySet<string> | 'all';
  /** Names every pass holds whatever branch ran: the file's variables and setup's captures. */
  always: ReadonlySet<string>;
}

/** A step that captures a name, and the branches it is in. */
export interface CaptureSite {
  index: number;
  name: string;
  branches: readonly Branch[];
}

/** A part of a flow that runs on some passes only; compared by identity. */
export interface Branch {
  /** "choose branch 2 (line 34)", for messages. */
  where: string;
}

/** A scope for a flow's top level, where no branch is around. */
export function flowScope(
  names: ReadonlySet<string>,
  visible: ReadonlySet<string>,
  capturedBy: ReadonlyMap<string, readonly CaptureSite[]>,
  always: ReadonlySet<string>,
): StepScope {
  return { names, visible, capturedBy, index: 0, branches: [], guarded: new Set(), always };
}

/** Whether every branch of `site` is also around the reader: then the capture ran before the read. */
function enclosing(site: readonly Branch[], reader: readonly Branch[]): boolean {
  return site.length <= reader.length && site.every((b, i) => reader[i] === b);
}

/** The warning for a capture set only in branches that do not hold the read, or undefined. */
function unsetInBranch(name: string, scope: StepScope): string | undefined {
  if (scope.guarded === 'all' || scope.guarded.has(name) || scope.always.has(name)) return undefined;
  const sites = scope.capturedBy.get(name) ?? [];
  if (sites.length === 0 || sites.some((s) => enclosing(s.branches, scope.branches))) return undefined;
  const site = sites[0];
  const branch = site.branches.find((b, i) => scope.branches[i] !== b)!;
  return (
    `"${name}" is captured only in ${branch.where} (by step ${site.index + 1} "${site.name}"), so here it may be unset: ` +
    `read it in that branch, or guard this step with if: "{{ ${name} != null }}"`
  );
}

/** `reads`, when given, collects the names of variables and captures the template reads (an `if:` guard's). */
export function checkTemplate(f: Findings, node: Scalar, source: string, scope: StepScope, reads?: Set<string>): Template {
  const compiled = compileTemplate(source, { names: scope.names, data: scope.data });
  // Problems are offsets into `source`; numbers and booleans are written as themselves.
  for (const p of compiled.problems) {
    const { range, exact } = innerRange(f.doc, node, p.offset, p.length);
    const code = p.code.includes('template') ? p.code : `template-${p.code}`;
    const fixes = exact && p.suggestion !== undefined ? [changeFix(range, p.suggestion)] : undefined;
    f.error(code, p.message, range, fixes);
  }
  for (const ref of compiled.references) {
    if (ref.kind === 'variable') reads?.add(ref.name);
    if (ref.kind === 'data') scope.dataRead?.add(ref.name);
    if (ref.kind !== 'variable' || !scope.names.has(ref.name)) continue;
    if (scope.visible.has(ref.name)) {
      const unset = unsetInBranch(ref.name, scope);
      if (unset !== undefined) f.warning('capture-maybe-unset', unset, innerRange(f.doc, node, ref.offset, ref.length).range);
      continue;
    }
    const by = (scope.capturedBy.get(ref.name) ?? []).find((c) => c.index >= scope.index);
    if (!by) {
      const unset = unsetInBranch(ref.name, scope);
      if (unset !== undefined) f.warning('capture-maybe-unset', unset, innerRange(f.doc, node, ref.offset, ref.length).range);
      continue;
    }
    const { range } = innerRange(f.doc, node, ref.offset, ref.length);
    const message =
      by.index === scope.index
        ? `"${ref.name}" is captured by this step ("${by.name}") from its own response, so its request cannot use it: capture it in an earlier step`
        : `"${ref.name}" is captured by step ${by.index + 1} "${by.name}", later in the flow: a step can only use captures of earlier steps`;
    f.error('capture-not-yet-defined', message, range);
  }
  return compiled.template;
}

/** A string-valued template from an entry's value (numbers and booleans are text too). */
export function templateEntry(f: Findings, entry: Entry, scope: StepScope, what: string): Template | undefined {
  const text = scalarText(f, entry, what);
  if (text === undefined) return undefined;
  return checkTemplate(f, entry.value as Scalar, text, scope);
}
