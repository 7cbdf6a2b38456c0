// Which row of each data set an iteration holds, fixed when the iteration starts (the `pick:` of the set):
// sequential — the scenario's n-th iteration in the whole test (k6's iterationInTest) reads row n mod rows;
// unique — each row at most once in the whole test; per-vu — global VU n keeps row (n − 1) mod rows;
// random — any row. Tickets come from counters shared by the process's threads (Atomics on the table's
// SharedArrayBuffer); a process that runs one execution segment turns its k-th ticket into the k-th index
// of its segment's stripe, as k6 numbers iterations across instances, so segments never share a ticket.
import type { DataSetPlan } from '../scenario/plan';
import type { ExecutionTuple } from '../segments';
import { exhaustedFlag, iterationTicket, UNIQUE_TICKET, type DataTable } from './table';

/** What a template reads: one data set's row of the VU's current iteration. */
export class DataRow {
  /** The row this iteration holds. */
  row = 0;
  private decoded: readonly string[] | Readonly<Record<string, unknown>> | undefined;

  constructor(private readonly table: DataTable) {}

  hold(row: number): void {
    if (row === this.row && this.decoded !== undefined) return;
    this.row = row;
    this.decoded = undefined;
  }

  /** A column's value; the row is decoded on the iteration's first read. */
  field(column: string): unknown {
    const table = this.table;
    const decoded = (this.decoded ??= table.read(this.row));
    if (Array.isArray(decoded)) {
      const i = table.columnIndex.get(column);
      return i === undefined ? undefined : decoded[i];
    }
    const record = decoded as Readonly<Record<string, unknown>>;
    return Object.hasOwn(record, column) ? record[column] : undefined;
  }
}

/** The k-th ticket of this process → its index in the whole test. */
export type TicketIndex = (ticket: number) => number;

/** The process's own segment (the whole test when absent or full): its stripe of indexes. */
export function ticketIndex(segment: ExecutionTuple | undefined): TicketIndex {
  if (segment === undefined || segment.isFull) return (ticket) => ticket;
  const { start, offsets, lcd } = segment.stripedOffsets();
  const prefix = [0];
  for (const offset of offsets) prefix.push(prefix[prefix.length - 1] + offset);
  const cycle = offsets.length;
  return (ticket) => start + Math.floor(ticket / cycle) * lcd + prefix[ticket % cycle];
}

/** The data sets one scenario reads, and the rows its VUs hold. */
export class ScenarioData {
  constructor(
    private readonly sets: readonly DataSetPlan[],
    private readonly scenarioIndex: number,
    private readonly scenarioCount: number,
    private readonly toIndex: TicketIndex,
  ) {}

  /** A VU's row views, by set name; per-vu rows are fixed here for the VU's life. */
  rowsFor(vuId: number): Record<string, DataRow> {
    const rows: Record<string, DataRow> = Object.create(null) as Record<string, DataRow>;
    for (const set of this.sets) {
      const view = new DataRow(set.table);
      if (set.pick === 'per-vu') view.hold((vuId - 1) % set.table.rows);
      rows[set.name] = view;
    }
    return rows;
  }

  /** Fixes this iteration's rows; false when a unique set has no row left (the scenario then ends). */
  claim(rows: Readonly<Record<string, DataRow>>): boolean {
    const sets = this.sets;
    for (let i = 0; i < sets.length; i++) {
      const set = sets[i];
      const table = set.table;
      switch (set.pick) {
        case 'sequential': {
          const n = this.toIndex(Number(Atomics.add(table.counters, iterationTicket(this.scenarioIndex), 1n)));
          rows[set.name].hold(n % table.rows);
          break;
        }
        case 'unique': {
          const n = this.toIndex(Number(Atomics.add(table.counters, UNIQUE_TICKET, 1n)));
          if (n >= table.rows) {
            Atomics.store(table.counters, exhaustedFlag(this.scenarioIndex, this.scenarioCount), 1n);
            return false;
          }
          rows[set.name].hold(n);
          break;
        }
        case 'random':
          rows[set.name].hold(Math.floor(Math.random() * table.rows));
          break;
        case 'per-vu':
          break;
      }
    }
    return true;
  }
}

/** The data sets whose unique rows ran out, with the scenarios that ended for it (for the summary). */
export function exhaustedDataSets(data: readonly DataSetPlan[], scenarioNames: readonly string[]): Array<{ dataSet: string; rows: number; scenarios: string[] }> {
  const out: Array<{ dataSet: string; rows: number; scenarios: string[] }> = [];
  for (const set of data) {
    if (set.pick !== 'unique') continue;
    const scenarios = scenarioNames.filter((_, i) => Atomics.load(set.table.counters, exhaustedFlag(i, scenarioNames.length)) !== 0n);
    if (scenarios.length > 0) out.push({ dataSet: set.name, rows: set.table.rows, scenarios });
  }
  return out;
}
