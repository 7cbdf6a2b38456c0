// Results cached for a block of lines (./incremental.ts) are reused when the block has moved: the same
// text one or more lines lower gives the same results with every line number moved, since a block
// always starts at the beginning of a line.
import type { Position, Range, ScenarioDiagnostic } from './plan';

export function shiftPosition(p: Position, delta: number): Position {
  return { line: p.line + delta, character: p.character };
}

export function shiftRange(r: Range, delta: number): Range {
  return { start: shiftPosition(r.start, delta), end: shiftPosition(r.end, delta) };
}

export function shiftDiagnostic(d: ScenarioDiagnostic, delta: number): ScenarioDiagnostic {
  const out: ScenarioDiagnostic = { ...d, range: shiftRange(d.range, delta) };
  if (d.fixes) out.fixes = d.fixes.map((f) => ({ ...f, range: shiftRange(f.range, delta) }));
  return out;
}

/**
 * A copy of plain data (arrays, plain objects, primitives) with every `{ line, character }` moved by
 * `delta` lines. Anything else (class instances, functions) is shared, not copied.
 */
export function shiftLines<T>(value: T, delta: number): T {
  if (delta === 0 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => shiftLines(v, delta)) as T;
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  const record = value as Record<string, unknown>;
  if (typeof record.line === 'number' && typeof record.character === 'number' && Object.keys(record).length === 2) {
    return { line: (record.line as number) + delta, character: record.character } as T;
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(record)) out[key] = shiftLines(record[key], delta);
  return out as T;
}

/**
 * Entries keyed by block content, kept from one run to the next: a run keeps what it used, so the
 * cache holds one version's blocks (plus the ones a run just computed).
 */
export class BlockCache<V extends { line: number }> {
  private current = new Map<string, V>();
  private used = new Map<string, V>();

  get(key: string): V | undefined {
    const hit = this.used.get(key) ?? this.current.get(key);
    if (hit) this.used.set(key, hit);
    return hit;
  }

  set(key: string, value: V): void {
    this.used.set(key, value);
  }

  /**
   * Ends a run: forgets the entries it did not use. A run that used none (a version parsed whole, with
   * no blocks) forgets nothing, so the next version parsed by blocks still finds them.
   */
  endRun(): void {
    if (this.used.size === 0) return;
    this.current = this.used;
    this.used = new Map();
  }

  get size(): number {
    return this.current.size;
  }
}
