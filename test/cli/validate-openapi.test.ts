// `volley validate` with `openapi:`: the same checks as the editor (warnings, exit 0), the key's problems
// located on its value; and `volley import` of an OpenAPI document writing the key relative to its output.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { demoOpenApiDocument } from '../../src/engine/demo/openapi';
import { volley, workspace, type Workspace } from './helpers';

let ws: Workspace;
before(() => {
  ws = workspace();
  ws.file('openapi.json', JSON.stringify(demoOpenApiDocument('http://127.0.0.1:8080'), null, 2));
});
after(() => ws.cleanup());

const scenario = (openapi: string, flow: string) => `baseUrl: http://127.0.0.1:8080
openapi: ${openapi}
scenarios:
  shop:
    executor: per-vu-iterations
    vus: 1
    iterations: 1
    flow:
${flow}`;

test('volley validate prints the OpenAPI warnings at file:line:col and exits 0', async () => {
  const file = ws.file('checked.volley.yaml', scenario('./openapi.json', `      - get: /products/1
      - post: /cart
        json: { id: 1 }
        check: { status: 200 }
      - put: /products/1
`));
  const r = await volley(ws, ['validate', file]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(
    r.stdout,
    [
      `${file}:11:9: warning: the json body lacks "user", required by POST /cart (addToCart)'s request schema`,
      `${file}:12:26: warning: POST /cart (addToCart) does not document status 200: it documents 201, 400`,
      `${file}:13:14: warning: PUT /products/1: the OpenAPI document has no PUT operation on this path (it documents GET)`,
      '',
    ].join('\n'),
  );
  assert.match(r.stderr, /1 file valid \(3 warnings\)/);
});

test('the key: a URL is an error on its value (exit 1); a missing document a warning there (exit 0)', async () => {
  const url = ws.file('url.volley.yaml', scenario('https://shop.example/openapi.json', '      - get: /health\n'));
  const refused = await volley(ws, ['validate', url]);
  assert.equal(refused.code, 1);
  assert.match(refused.stdout, new RegExp(`^${url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2:10: error: openapi takes a file, not a URL`));
  const missing = ws.file('missing.volley.yaml', scenario('docs/api.yaml', '      - get: /health\n'));
  const warned = await volley(ws, ['validate', missing]);
  assert.equal(warned.code, 0);
  assert.match(warned.stdout, /missing\.volley\.yaml:2:10: warning: the OpenAPI document docs\/api\.yaml cannot be used: .*docs\/api\.yaml: no such file/);
});

test('volley run does not read the document: a missing one does not stop a run', async () => {
  const file = ws.file('run.volley.yaml', scenario('./nowhere.json', '      - think: 1ms\n'));
  const r = await volley(ws, ['run', file, '--quiet', '--no-store']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
});

test('volley import writes openapi: relative to the output file; to stdout as given; from stdin none, with a comment', async () => {
  mkdirSync(join(ws.dir, 'tests'), { recursive: true });
  const toFile = await volley(ws, ['import', 'openapi.json', '-o', 'tests/shop.volley.yaml']);
  assert.equal(toFile.code, 0, toFile.stderr);
  const written = readFileSync(join(ws.dir, 'tests/shop.volley.yaml'), 'utf8');
  assert.match(written, /\nopenapi: \.\.\/openapi\.json\n/);
  const validated = await volley(ws, ['validate', join(ws.dir, 'tests/shop.volley.yaml')]);
  assert.equal(validated.stdout, '', 'the import matches its own document');

  const toStdout = await volley(ws, ['import', 'openapi.json']);
  assert.match(toStdout.stdout, /\nopenapi: openapi\.json\n/);

  const fromStdin = spawnSync(process.execPath, [ws.engine, 'import', '-', '--from', 'openapi'], { cwd: ws.dir, input: readFileSync(join(ws.dir, 'openapi.json')), encoding: 'utf8', timeout: 30_000 });
  assert.equal(fromStdin.status, 0, fromStdin.stderr);
  assert.doesNotMatch(fromStdin.stdout, /^openapi:/m);
  assert.match(fromStdin.stdout, /^# No openapi key: the document came from standard input\. Add `openapi: PATH`/m);
});
