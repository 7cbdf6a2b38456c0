// Reads a data file once, straight into a SharedArrayBuffer (no second copy), validates it and builds the
// sparse row index (./table.ts). CSV: one hand-written pass over the bytes (see indexCsv for why), with
// csv-parse, the kept RFC 4180 parser, reading the header row and judging any record the pass finds wrong.
// JSON must be an array of objects: each element is found by a small scanner (./rows.ts) and checked with
// JSON.parse on its own, so a million-element file never becomes a million live objects.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { extname } from 'node:path';
import { CsvError, parse } from 'csv-parse/sync';
import { csvRecordEnd, jsonValueEnd, skipJsonSeparator, skipLineBreaks } from './rows';
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
const QUOTE = 0x22;
const COMMA = 0x2c;
const CR = 0x0d;
const LF = 0x0a;

function bomLength(buffer: Buffer): number {
  return buffer.length >= 3 && buffer[0] === BOM[0] && buffer[1] === BOM[1] && buffer[2] === BOM[2] ? 3 : 0;
}

/**
 * Validates and indexes the CSV in one pass over its bytes. Hand-written because csv-parse, asked for each
 * record's end (`on_record` with its info), took 8 s and 2 s of garbage collection for 1,000,000 rows on
 * the shared 2-core VM, before every run and in the language server; this scan takes a fraction of that and
 * allocates nothing per row. csv-parse stays the judge of what the file means: it reads the header row,
 * and when the scan finds a record it would refuse (a quote inside a field, text after a closing quote, an
 * unclosed quote, a record of another length), csv-parse reads that record and its message is reported.
 */
function indexCsv(buffer: Buffer): Indexed | DataFileProblem {
  const end = buffer.length;
  const headerStart = skipLineBreaks(buffer, bomLength(buffer), end);
  if (headerStart >= end) return { message: 'the data set is empty: the file has no header row' };
  const headerEnd = csvRecordEnd(buffer, headerStart, end);
  let columns: string[];
  try {
    columns = (parse(buffer.subarray(headerStart, headerEnd)) as string[][])[0];
  } catch (error) {
    return csvParseProblem(error, 0);
  }
  const seen = new Set<string>();
  for (const column of columns) {
    if (column.trim() === '') return { message: 'the header row has an empty column name', line: lineAt(buffer, headerStart) };
    if (seen.has(column)) return { message: `the header row names column "${column}" twice`, line: lineAt(buffer, headerStart) };
    seen.add(column);
  }
  const width = columns.length;
  const offsets: number[] = [];
  let rows = 0;
  let pos = headerEnd;
  for (;;) {
    const recordStart = skipLineBreaks(buffer, pos, end);
    if (recordStart >= end) break;
    pos = recordStart;
    let fields = 1;
    let valid = true;
    record: while (pos < end) {
      let b = buffer[pos];
      if (b === QUOTE) {
        pos++;
        for (;;) {
          if (pos >= end) {
            valid = false;
            break record;
          }
          if (buffer[pos] === QUOTE) {
            if (pos + 1 < end && buffer[pos + 1] === QUOTE) {
              pos += 2;
              continue;
            }
            pos++;
            break;
          }
          pos++;
        }
        if (pos >= end) break;
        b = buffer[pos];
        if (b !== COMMA && b !== LF && b !== CR) {
          valid = false;
          break;
        }
      } else {
        while (b !== COMMA && b !== LF && b !== CR) {
          if (b === QUOTE) {
            valid = false;
            break record;
          }
          if (++pos >= end) break record;
          b = buffer[pos];
        }
      }
      if (b === COMMA) {
        fields++;
        pos++;
        continue;
      }
      pos = b === CR && pos + 1 < end && buffer[pos + 1] === LF ? pos + 2 : pos + 1;
      break;
    }
    if (!valid || fields !== width) return csvRecordProblem(buffer, headerStart, headerEnd, recordStart);
    if (rows % CHECKPOINT === 0) offsets.push(recordStart);
    rows++;
  }
  return { columns, rows, offsets, end };
}

/** csv-parse's own message for the record at `recordStart`, read after the header, with the file's line numbers. */
function csvRecordProblem(buffer: Buffer, headerStart: number, headerEnd: number, recordStart: number): DataFileProblem {
  const line = lineAt(buffer, recordStart);
  const header = buffer.subarray(headerStart, headerEnd);
  const headerLines = lineAt(header, header.length) - (header[header.length - 1] === LF ? 1 : 0);
  // The record and what follows it, bounded: an unclosed quote runs to the end of the file.
  const record = buffer.subarray(recordStart, Math.min(buffer.length, recordStart + (1 << 20)));
  try {
    parse(Buffer.concat([header, header[header.length - 1] === LF ? Buffer.alloc(0) : Buffer.from('\n'), record]), { skip_empty_lines: true, to_line: headerLines + 2 });
  } catch (error) {
    return csvParseProblem(error, line - headerLines - 1);
  }
  return { message: 'bad CSV: a record csv-parse reads differently from its neighbours', line };
}

function csvParseProblem(error: unknown, lineOffset: number): DataFileProblem {
  if (!(error instanceof CsvError)) throw error;
  const lines = (error as CsvError & { lines?: number }).lines;
  const message = error.message.replace(/\.$/, '').replace(/\bline (\d+)/g, (_, n: string) => `line ${Number(n) + lineOffset}`);
  return { message: `bad CSV: ${message}`, ...(lines !== undefined && lines > 0 ? { line: lines + lineOffset } : {}) };
}

function lineAt(buffer: Uint8Array, pos: number): number {
  let line = 1;
  for (let i = 0; i < pos && i < buffer.length; i++) if (buffer[i] === LF) line++;
  return line;
}

function indexJson(buffer: Buffer): Indexed | DataFileProblem {
  const end = buffer.length;
  let pos = skipJsonSeparator(buffer, bomLength(buffer), end);
  if (buffer[pos] !== 0x5b) return { message: 'the JSON file must hold an array of objects: `[ { "email": "…" }, … ]`', line: lineAt(buffer, pos) };
  pos = skipJsonSeparator(buffer, pos + 1, end);
  if (pos < end && buffer[pos] === 0x2c) return { message: 'bad JSON: unexpected ","', line: lineAt(buffer, pos) };
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
      return { message: `bad JSON in element ${rows + 1}: ${error instanceof Error ? error.message : String(error)}`, line: lineAt(buffer, pos) };
    }
    if (element === null || typeof element !== 'object' || Array.isArray(element)) {
      return { message: `element ${rows + 1} of the array is not an object: each element is one row, e.g. { "email": "…" }`, line: lineAt(buffer, pos) };
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
    if (next < end && buffer[next] !== 0x5d && !separated) return { message: 'bad JSON: expected "," or "]" after an element', line: lineAt(buffer, next) };
    if (next < end && buffer[next] === 0x5d && separated) return { message: 'bad JSON: a "," before "]"', line: lineAt(buffer, next) };
    pos = next;
  }
  if (pos >= end) return { message: 'bad JSON: the array is not closed with "]"', line: lineAt(buffer, end) };
  const arrayEnd = pos;
  for (pos++; pos < end; pos++) {
    const b = buffer[pos];
    if (b !== 0x20 && b !== 0x09 && b !== 0x0d && b !== 0x0a) return { message: 'bad JSON: text after the array', line: lineAt(buffer, pos) };
  }
  return { columns, rows, offsets, end: arrayEnd };
}
