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
  names: Set<string>;
  /** Variables and the captures of earlier steps. */
  visible: Set<string>;
  capturedBy: Map<string, Array<{ index: number; name: string }>>;
  /** The step being checked. */
  index: number;
  /** Data sets templates may read (`{{ users.email }}`), with their columns when known. */
  data?: ReadonlyMap<string, readonly string[] | undefined>;
  /** Collects the data sets the flow's templates read. */
  dataRead?: Set<string>;
}

export function checkTemplate(f: Findings, node: Scalar, source: string, scope: StepScope): Template {
  const compiled = compileTemplate(source, { names: scope.names, data: scope.data });
  // Problems are offsets into `source`; numbers and booleans are written as themselves.
  for (const p of compiled.problems) {
    const { range, exact } = innerRange(f.doc, node, p.offset, p.length);
    const code = p.code.includes('template') ? p.code : `template-${p.code}`;
    const fixes = exact && p.suggestion !== undefined ? [changeFix(range, p.suggestion)] : undefined;
    f.error(code, p.message, range, fixes);
  }
  for (const ref of compiled.references) {
    if (ref.kind === 'data') scope.dataRead?.add(ref.name);
    if (ref.kind !== 'variable' || !scope.names.has(ref.name) || scope.visible.has(ref.name)) continue;
    const by = (scope.capturedBy.get(ref.name) ?? []).find((c) => c.index >= scope.index);
    if (!by) continue;
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
