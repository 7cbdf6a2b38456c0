// src/protocol.ts is the one module every part imports for the messages between them (engine, server,
// extension, webview), so it holds wire types and message names only: it imported engine code (the
// registry window) and held the metric catalogue, which pulled engine modules into every bundle that
// spoke the protocol.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import * as protocol from '../../src/protocol';

const SOURCE = readFileSync(join(__dirname, '..', '..', 'src', 'protocol.ts'), 'utf8');

test('protocol.ts imports nothing', () => {
  const { importedFiles } = ts.preProcessFile(SOURCE, true, true);
  assert.deepEqual(importedFiles.map((f) => f.fileName), []);
});

test('protocol.ts exports no catalogue: only message names, exit codes and the protocol version are values', () => {
  assert.deepEqual(Object.keys(protocol).sort(), ['EXIT', 'LSP_NOTIFICATIONS', 'LSP_REQUESTS', 'PROTOCOL_VERSION']);
  for (const name of ['METRICS', 'METRIC_TAGS', 'THRESHOLD_TAGS']) assert.equal(name in protocol, false, name);
});
