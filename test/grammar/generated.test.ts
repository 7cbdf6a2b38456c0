// The grammar JSON and the executors' snippets are generated; this keeps the committed files and their
// generators in step.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SNIPPETS_FILE, renderSnippets } from '../../scripts/gen-snippets';

test('syntaxes/volley.tmLanguage.json is what scripts/gen-grammar.mjs writes', () => {
  const root = resolve(__dirname, '../..');
  const out = join(mkdtempSync(join(tmpdir(), 'volley-grammar-')), 'grammar.json');
  execFileSync(process.execPath, ['--import', 'tsx', join(root, 'scripts/gen-grammar.mjs'), out], { cwd: root });
  assert.equal(readFileSync(out, 'utf8'), readFileSync(join(root, 'syntaxes/volley.tmLanguage.json'), 'utf8'));
});

test('the scenario snippets of snippets/volley.json are what scripts/gen-snippets.ts writes (npm run gen:snippets)', () => {
  const committed = readFileSync(SNIPPETS_FILE, 'utf8');
  assert.equal(renderSnippets(committed), committed);
});
