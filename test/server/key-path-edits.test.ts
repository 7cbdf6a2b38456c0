// `volley/keyPathEdits`: "set this key path to this value" (a diagnosis's fix, an estimate's VUs) turned by
// the language server into one text edit that keeps the rest of the file as written. Asked through the
// real LSP, as the extension asks it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LSP_REQUESTS, type KeyPathEdit, type KeyPathEditsResult } from '../../src/protocol';
import { yamlValue } from '../../src/server/yaml-edit';
import { TestClient, applyEdits } from './lsp-client';

let client: TestClient;
before(async () => {
  client = new TestClient();
  await client.initialize();
});
after(() => client.close());

let opened = 0;
/** Opens the text as a new document and asks for the edit of `edits` in it. */
async function editsIn(text: string, edits: KeyPathEdit[]): Promise<KeyPathEditsResult> {
  const uri = `file:///work/edit-${++opened}.volley.yaml`;
  await client.open(uri, text, 3);
  const result = await client.request(LSP_REQUESTS.keyPathEdits, { uri, edits });
  if (result.ok) assert.equal(result.version, 3, 'the edit is against the open version');
  return result;
}

const editIn = (text: string, path: KeyPathEdit['path'], value: unknown) => editsIn(text, [{ path, value }]);

const apply = (text: string, change: KeyPathEditsResult): string => {
  assert.ok(change.ok, change.ok ? '' : change.message);
  return applyEdits(text, [{ range: change.range, newText: change.newText }]);
};

const FILE = `name: x
scenarios:
  browse:
    executor: constant-arrival-rate
    rate: 20
    duration: 10s
    preAllocatedVUs: 5   # too few?
    flow:
      - get: /
  other:
    executor: constant-vus
    vus: 1
    duration: 1s
    flow: [{ get: / }]
`;

test('an existing value is replaced, and the comment after it stays', async () => {
  const out = apply(FILE, await editIn(FILE, ['scenarios', 'browse', 'preAllocatedVUs'], 9));
  assert.equal(out, FILE.replace('preAllocatedVUs: 5   # too few?', 'preAllocatedVUs: 9   # too few?'));
});

test('a missing key is added as the last key of its map, lined up with its siblings', async () => {
  const out = apply(FILE, await editIn(FILE, ['scenarios', 'other', 'maxVUs'], 12));
  assert.equal(out, FILE.replace('    flow: [{ get: / }]\n', '    flow: [{ get: / }]\n    maxVUs: 12\n'));
  const nested = apply(FILE, await editIn(FILE, ['scenarios', 'browse', 'maxVUs'], 30));
  assert.equal(nested, FILE.replace('      - get: /\n', '      - get: /\n    maxVUs: 30\n'));
});

test('edits that cannot be made keep the file and say why', async () => {
  const flow = 'scenarios:\n  a: { executor: constant-vus, vus: 1 }\n';
  const refused = await editIn(flow, ['scenarios', 'a', 'duration'], '1s');
  assert.equal(refused.ok, false);
  assert.match(refused.ok ? '' : refused.message, /inline/);
  assert.equal((await editIn(FILE, ['scenarios', 'browse', 'flow'], 1)).ok, false);
  assert.equal((await editIn(FILE, ['scenarios', 'missing', 'rate'], 1)).ok, false);
});

test('values are written so they read back the same', () => {
  assert.equal(yamlValue(3), '3');
  assert.equal(yamlValue('30s'), '30s');
  assert.equal(yamlValue('1e3'), '"1e3"');
  assert.equal(yamlValue('yes'), '"yes"');
  assert.equal(yamlValue('a: b'), '"a: b"');
  assert.equal(yamlValue(['p(95)<300']), '["p(95)<300"]');
});

test('several edits together become one change: a replaced value and an added key', async () => {
  const change = await editsIn(FILE, [
    { path: ['scenarios', 'browse', 'preAllocatedVUs'], value: 9 },
    { path: ['scenarios', 'browse', 'maxVUs'], value: 14 },
  ]);
  const out = apply(FILE, change);
  assert.equal(out, FILE.replace('preAllocatedVUs: 5', 'preAllocatedVUs: 9').replace('      - get: /\n', '      - get: /\n    maxVUs: 14\n'));
  assert.equal((await editsIn(FILE, [{ path: ['scenarios', 'browse', 'flow'], value: 1 }])).ok, false);
});

test('the edit follows the open version; a file that is not open is edited as it is on disk', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'volley-edits-'));
  try {
    const path = join(dir, 'disk.volley.yaml');
    writeFileSync(path, FILE);
    const uri = pathToFileURL(path).href;
    const edits = [{ path: ['scenarios', 'other', 'vus'], value: 4 }];
    const fromDisk = await client.request(LSP_REQUESTS.keyPathEdits, { uri, edits });
    assert.ok(fromDisk.ok && fromDisk.version === null, JSON.stringify(fromDisk));
    assert.equal(apply(FILE, fromDisk), FILE.replace('vus: 1', 'vus: 4'));

    const edited = FILE.replace('name: x\n', 'name: x\n# moved down a line\n');
    await client.open(uri, FILE, 1);
    await client.change(uri, edited, 2);
    const fromOpen = await client.request(LSP_REQUESTS.keyPathEdits, { uri, edits });
    assert.ok(fromOpen.ok && fromOpen.version === 2, JSON.stringify(fromOpen));
    assert.equal(apply(edited, fromOpen), edited.replace('vus: 1', 'vus: 4'));

    const missing = await client.request(LSP_REQUESTS.keyPathEdits, { uri: pathToFileURL(join(dir, 'gone.volley.yaml')).href, edits });
    assert.equal(missing.ok, false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
