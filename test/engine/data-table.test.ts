// A data file read into shared memory and read back row by row (src/engine/data): every row of real files
// on disk equals what csv-parse or JSON.parse reads from the whole file, across the sparse index's
// checkpoints, with RFC 4180 quoting (commas, quotes, line breaks), CRLF, a BOM and empty lines; a worker
// thread reading the same SharedArrayBuffers sees the same rows and draws from the same counters.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { parse } from 'csv-parse/sync';
import { loadDataFile } from '../../src/engine/data/load';
import { DataTable, newCounters, UNIQUE_TICKET } from '../../src/engine/data/table';
import { ticketIndex } from '../../src/engine/data/picks';
import { executionTuple, parseSegment, parseSequence } from '../../src/engine/segments';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'volley-data-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function tableOf(name: string, text: string): DataTable {
  const path = join(dir, name);
  writeFileSync(path, text);
  const loaded = loadDataFile(path);
  assert.equal(loaded.problem, undefined, loaded.problem?.message);
  return new DataTable({ ...loaded.table!, counters: newCounters(1) });
}

test('CSV: every row equals csv-parse on the whole file, past many index checkpoints', () => {
  const rows: string[] = [];
  for (let i = 0; i < 53; i++) {
    const tricky = i % 4 === 0 ? `"multi\r\nline ${i}"` : i % 4 === 1 ? `"say ""${i}"""` : i % 4 === 2 ? `"a,b${i}"` : `plain ${i} é€`;
    rows.push(`${i},${tricky},`);
    if (i % 10 === 5) rows.push('');
  }
  const text = '\ufeffid,value,empty\r\n' + rows.join('\r\n') + '\r\n\r\n';
  const table = tableOf('tricky.csv', text);
  const expected = parse(text, { bom: true, skip_empty_lines: true }) as string[][];
  assert.deepEqual(table.columns, expected[0]);
  assert.equal(table.rows, 53);
  for (let row = 0; row < table.rows; row++) assert.deepEqual(table.read(row), expected[row + 1], `row ${row}`);
});

test('JSON: every element equals JSON.parse of the whole file; columns are the keys in order of appearance', () => {
  const elements = Array.from({ length: 21 }, (_, i) => ({ id: i, name: `n "${i}" ]}`, ...(i % 3 === 0 ? { nested: { list: [i, '[', { k: ',' }] } } : {}) }));
  const text = JSON.stringify(elements, null, '\t');
  const table = tableOf('rows.json', text);
  assert.deepEqual(table.columns, ['id', 'name', 'nested']);
  for (let row = 0; row < elements.length; row++) assert.deepEqual(table.read(row), elements[row]);
});

test('a worker thread reads the same rows from the same memory and shares the unique counter', async () => {
  const table = tableOf('shared.csv', 'email\n' + Array.from({ length: 100 }, (_, i) => `u${i}@x`).join('\n') + '\n');
  const source = `
    const { parentPort, workerData } = require('node:worker_threads');
    const counters = new BigInt64Array(workerData.counters);
    const bytes = Buffer.from(workerData.bytes);
    const tickets = [];
    for (let i = 0; i < 50; i++) tickets.push(Number(Atomics.add(counters, ${UNIQUE_TICKET}, 1n)));
    parentPort.postMessage({ tickets, firstByte: bytes[0] });
  `;
  const worker = new Worker(source, { eval: true, workerData: table.shared });
  const mine: number[] = [];
  for (let i = 0; i < 50; i++) mine.push(Number(Atomics.add(table.counters, UNIQUE_TICKET, 1n)));
  const theirs = await new Promise<{ tickets: number[]; firstByte: number }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
  assert.equal(theirs.firstByte, 'e'.charCodeAt(0));
  assert.deepEqual([...mine, ...theirs.tickets].sort((a, b) => a - b), Array.from({ length: 100 }, (_, i) => i), 'each ticket once');
  assert.deepEqual(table.read(99), ['u99@x']);
});

test('tickets of the segments of one sequence map to disjoint indexes that cover every index', () => {
  const sequence = parseSequence('0,1/3,1/2,1');
  const indexes = ['0:1/3', '1/3:1/2', '1/2:1'].flatMap((segment) => {
    const toIndex = ticketIndex(executionTuple(parseSegment(segment), sequence));
    return Array.from({ length: 200 }, (_, t) => toIndex(t)).filter((i) => i < 120);
  });
  assert.deepEqual(indexes.sort((a, b) => a - b), Array.from({ length: 120 }, (_, i) => i));
});

test('a CSV the scan refuses is one csv-parse refuses, with csv-parse message and line for the whole file', () => {
  const bad = [
    'a,b\n1,2\n3\n',
    'a,b\r\n1,2\r\n3,4,5\r\n',
    'a,b\n1,2\n\n\n3,4,5\n',
    'a,b\n1,2\n"x,1\n',
    'a,b\n1,x"y\n',
    'a,b\n"1"x,2\n',
    'a,b\n"multi\nline",2\n5\n',
  ];
  for (const [i, text] of bad.entries()) {
    const path = join(dir, `bad-${i}.csv`);
    writeFileSync(path, text);
    let expected: { message: string; line: number } | undefined;
    try {
      parse(text, { skip_empty_lines: true });
    } catch (error) {
      expected = { message: `bad CSV: ${(error as Error).message.replace(/\.$/, '')}`, line: (error as { lines: number }).lines };
    }
    assert.ok(expected, `csv-parse refuses case ${i}`);
    assert.deepEqual(loadDataFile(path).problem, expected, `case ${i}`);
  }
  for (const [i, text] of ['a,b\n"",""\n', 'a,b\n1,\n', 'a,b\r\n"x\r\ny",z', 'a\n\n1\n\n'].entries()) {
    const path = join(dir, `good-${i}.csv`);
    writeFileSync(path, text);
    const loaded = loadDataFile(path);
    assert.equal(loaded.problem, undefined, `case ${i}: ${loaded.problem?.message}`);
    const table = new DataTable({ ...loaded.table!, counters: newCounters(1) });
    const expected = (parse(text, { skip_empty_lines: true }) as string[][]).slice(1);
    assert.deepEqual(Array.from({ length: table.rows }, (_, row) => table.read(row)), expected, `case ${i}`);
  }
});
