// A data file as the run holds it: the file's bytes and a sparse row index, each in one SharedArrayBuffer,
// so every worker thread of the process reads the same memory (workerData shares a SharedArrayBuffer, it
// does not copy it), plus the counters that hand out rows across those threads (Atomics). Fields are
// decoded only when an iteration reads its row (./rows.ts). Memory for the whole process: the file's size,
// plus one offset per CHECKPOINT rows (at most a quarter of the file, as a row takes 2 bytes or more).
import { csvRecordEnd, decodeCsvRecord, jsonValueEnd, skipJsonSeparator, skipLineBreaks } from './rows';

/** How rows are handed to iterations (the `pick:` of a data set). */
export type DataPick = 'sequential' | 'random' | 'unique' | 'per-vu';

export type DataFormat = 'csv' | 'json';

/** Every CHECKPOINT-th row's byte offset is indexed; a read walks at most CHECKPOINT − 1 records past it. */
export const CHECKPOINT = 8;

/** What crosses into worker threads (workerData): plain fields and shared buffers only. */
export interface SharedDataTable {
  format: DataFormat;
  columns: string[];
  rows: number;
  /** The file's bytes. */
  bytes: SharedArrayBuffer;
  /** Byte offsets of rows 0, CHECKPOINT, 2·CHECKPOINT, …: Uint32 for files under 4 GiB, else Float64. */
  index: SharedArrayBuffer;
  /** Where the rows end (a JSON array's `]`, the CSV's end). */
  end: number;
  /**
   * BigInt64 counters, shared by every thread of the process: [0] the next unique row's ticket, then per
   * scenario of the plan the next iteration's ticket (sequential), then per scenario 1 once it ran out of
   * unique rows.
   */
  counters: SharedArrayBuffer;
}

export const UNIQUE_TICKET = 0;

export function iterationTicket(scenario: number): number {
  return 1 + scenario;
}

export function exhaustedFlag(scenario: number, scenarios: number): number {
  return 1 + scenarios + scenario;
}

export function newCounters(scenarios: number): SharedArrayBuffer {
  return new SharedArrayBuffer(BigInt64Array.BYTES_PER_ELEMENT * (1 + 2 * scenarios));
}

export class DataTable {
  readonly format: DataFormat;
  readonly columns: readonly string[];
  readonly rows: number;
  /** Column name → position in a decoded CSV record. */
  readonly columnIndex: ReadonlyMap<string, number>;
  readonly counters: BigInt64Array;
  private readonly bytes: Buffer;
  private readonly index: Uint32Array | Float64Array;
  private readonly end: number;

  constructor(readonly shared: SharedDataTable) {
    this.format = shared.format;
    this.columns = shared.columns;
    this.rows = shared.rows;
    this.columnIndex = new Map(shared.columns.map((c, i) => [c, i]));
    this.bytes = Buffer.from(shared.bytes);
    this.index = indexView(shared);
    this.end = shared.end;
    this.counters = new BigInt64Array(shared.counters);
  }

  /** Row `row`'s fields: text by column for CSV, the object's values for JSON. */
  read(row: number): readonly string[] | Readonly<Record<string, unknown>> {
    const bytes = this.bytes;
    const end = this.end;
    let pos = this.index[Math.floor(row / CHECKPOINT)];
    if (this.format === 'csv') {
      for (let skip = row % CHECKPOINT; skip > 0; skip--) pos = csvRecordEnd(bytes, skipLineBreaks(bytes, pos, end), end);
      return decodeCsvRecord(bytes, skipLineBreaks(bytes, pos, end), end);
    }
    for (let skip = row % CHECKPOINT; skip > 0; skip--) pos = skipJsonSeparator(bytes, jsonValueEnd(bytes, pos, end), end);
    return JSON.parse(bytes.toString('utf8', pos, jsonValueEnd(bytes, pos, end))) as Record<string, unknown>;
  }
}

/** The index's typed view: offsets past 4 GiB need Float64. */
export function indexView(shared: Pick<SharedDataTable, 'bytes' | 'index'>): Uint32Array | Float64Array {
  return shared.bytes.byteLength > 0xffffffff ? new Float64Array(shared.index) : new Uint32Array(shared.index);
}
