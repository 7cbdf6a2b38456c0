// Reads a data file once, straight into a SharedArrayBuffer (no second copy), validates it and builds the
// sparse row index (./table.ts). CSV is validated by csv-parse (RFC 4180, the field's kept parser): its
// `bytes` count after each record is the record's end, which is all the index needs; records are dropped
// as they come (`on_record` returns null), so validation holds no rows. JSON must be an array of objects:
// each element is found by a small scanner (./rows.ts) and checked with JSON.parse on its own, so a
// million-element file never becomes a million live objects.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { extname } from 'node:path';
import { CsvError, parse } from 'csv-parse/sync';
import { jsonValueEnd, skipJsonSeparator } from './rows';
import { CHECKPOINT, type DataFormat, type SharedDataTable } from './table';

/** Why a data file cannot be used; `line` (1-based) is the file's own line, when the problem has one. */
export interface DataFileProblem {
  message: string;
  line?: number;
}

/** A file's rows without the counters of a run (a file read once may back several data sets). */
export type DataFileContents = Omit<SharedDataTable, 'counters'>;

export type LoadedDataFile = { table: DataFileContents; problem?: undefined } | { table?: undefined; problem: DataFileProblem };

export function dataFormatOf(path: string): DataFormat {
  return extname(path).toLowerCase() === '.json' ? 'json' : 'csv';
}

/** The file at `path` (absolute), read and indexed. */
export function loadDataFile(path: string): LoadedDataFile {
  let bytes: SharedArrayBuffer;
  try {
    bytes = readShared(path);
  } catch (error) {
    return { problem: { message: readProblem(error) } };
  }
  const buffer = Buffer.from(bytes);
  try {
    const indexed = dataFormatOf(path) === 'json' ? indexJson(buffer) : indexCsv(buffer);
    if ('message' in indexed) return { problem: indexed };
    if (indexed.rows === 0) return { problem: { message: 'the data set is empty: it has no rows' } };
    const wide = bytes.byteLength > 0xffffffff;
    const index = new SharedArrayBuffer(indexed.offsets.length * (wide ? 8 : 4));
    (wide ? new Float64Array(index) : new Uint32Array(index)).set(indexed.offsets);
    return {
      table: { format: dataFormatOf(path), columns: indexed.columns, rows: indexed.rows, bytes, index, end: indexed.end },
    };
  } catch (error) {
    return { problem: { message: `cannot read it: ${error instanceof Error ? error.message : String(error)}` } };
  }
}

function readShared(path: string): SharedArrayBuffer {
  const fd = openSync(path, 'r');
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    const bytes = new SharedArrayBuffer(stat.size);
    const view = new Uint8Array(bytes);
    for (let read = 0; read < stat.size; ) {
      const n = readSync(fd, view, read, stat.size - read, read);
      if (n === 0) break;
      read += n;
    }
    return bytes;
  } finally {
    closeSync(fd);
  }
}

export function readProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'it is a directory, not a file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
}

interface Indexed {
  columns: string[];
  rows: number;
  offsets: number[];
  end: number;
}

const BOM = [0xef, 0xbb, 0xbf];

function bomLength(buffer: Buffer): number {
  return buffer.length >= 3 && buffer[0] === BOM[0] && buffer[1] === BOM[1] && buffer[2] === BOM[2] ? 3 : 0;
}

function indexCsv(buffer: Buffer): Indexed | DataFileProblem {
  const start = bomLength(buffer);
  let columns: string[] | undefined;
  const offsets: number[] = [];
  let rows = 0;
  let recordEnd = start;
  let duplicate: DataFileProblem | undefined;
  try {
    parse(buffer.subarray(start), {
      skip_empty_lines: true,
      on_record: (record: string[], context: { bytes: number; lines: number }) => {
        if (columns === undefined) {
          columns = record;
          const seen = new Set<string>();
          for (const column of record) {
            if (column.trim() === '') duplicate ??= { message: 'the header row has an empty column name', line: context.lines };
            else if (seen.has(column)) duplicate ??= { message: `the header row names column "${column}" twice`, line: context.lines };
            seen.add(column);
          }
        } else {
          if (rows % CHECKPOINT === 0) offsets.push(recordEnd);
          rows++;
        }
        recordEnd = start + context.bytes;
        return null;
      },
    });
  } catch (error) {
    if (error instanceof CsvError) {
      const line = (error as CsvError & { lines?: number }).lines;
      return { message: `bad CSV: ${error.message.replace(/\.$/, '')}`, ...(line !== undefined && line > 0 ? { line } : {}) };
    }
    throw error;
  }
  if (duplicate !== undefined) return duplicate;
  if (columns === undefined) return { message: 'the data set is empty: the file has no header row' };
  return { columns, rows, offsets, end: buffer.length };
}

function indexJson(buffer: Buffer): Indexed | DataFileProblem {
  const end = buffer.length;
  const lineAt = (pos: number): number => {
    let line = 1;
    for (let i = 0; i < pos && i < end; i++) if (buffer[i] === 0x0a) line++;
    return line;
  };
  let pos = skipJsonSeparator(buffer, bomLength(buffer), end);
  if (buffer[pos] !== 0x5b) return { message: 'the JSON file must hold an array of objects: `[ { "email": "…" }, … ]`', line: lineAt(pos) };
  pos = skipJsonSeparator(buffer, pos + 1, end);
  if (pos < end && buffer[pos] === 0x2c) return { message: 'bad JSON: unexpected ","', line: lineAt(pos) };
  const columns: string[] = [];
  const known = new Set<string>();
  const offsets: number[] = [];
  let rows = 0;
  while (pos < end && buffer[pos] !== 0x5d) {
    const valueEnd = jsonValueEnd(buffer, pos, end);
    let element: unknown;
    try {
      element = JSON.parse(buffer.toString('utf8', pos, valueEnd));
    } catch (error) {
      return { message: `bad JSON in element ${rows + 1}: ${error instanceof Error ? error.message : String(error)}`, line: lineAt(pos) };
    }
    if (element === null || typeof element !== 'object' || Array.isArray(element)) {
      return { message: `element ${rows + 1} of the array is not an object: each element is one row, e.g. { "email": "…" }`, line: lineAt(pos) };
    }
    for (const key of Object.keys(element)) {
      if (known.has(key)) continue;
      known.add(key);
      columns.push(key);
    }
    if (rows % CHECKPOINT === 0) offsets.push(pos);
    rows++;
    const next = skipJsonSeparator(buffer, valueEnd, end);
    const separated = buffer.subarray(valueEnd, next).includes(0x2c);
    if (next < end && buffer[next] !== 0x5d && !separated) return { message: 'bad JSON: expected "," or "]" after an element', line: lineAt(next) };
    if (next < end && buffer[next] === 0x5d && separated) return { message: 'bad JSON: a "," before "]"', line: lineAt(next) };
    pos = next;
  }
  if (pos >= end) return { message: 'bad JSON: the array is not closed with "]"', line: lineAt(end) };
  const arrayEnd = pos;
  for (pos++; pos < end; pos++) {
    const b = buffer[pos];
    if (b !== 0x20 && b !== 0x09 && b !== 0x0d && b !== 0x0a) return { message: 'bad JSON: text after the array', line: lineAt(pos) };
  }
  return { columns, rows, offsets, end: arrayEnd };
}
