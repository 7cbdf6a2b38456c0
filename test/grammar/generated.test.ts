// The grammar JSON is generated; this keeps the committed file and its generator in step.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

test('syntaxes/volley.tmLanguage.json is what scripts/gen-grammar.mjs writes', () => {
  const root = resolve(__dirname, '../..');
  const out = join(mkdtempSync(join(tmpdir(), 'volley-grammar-')), 'grammar.json');
  execFileSync(process.execPath, ['--import', 'tsx', join(root, 'scripts/gen-grammar.mjs'), out], { cwd: root });
  assert.equal(readFileSync(out, 'utf8'), readFileSync(join(root, 'syntaxes/volley.tmLanguage.json'), 'utf8'));
});
