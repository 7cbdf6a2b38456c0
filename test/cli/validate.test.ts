import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { formatDiagnostic, loadScenarioFile } from '../../src/engine/scenario/index';
import { volley, workspace, type Workspace } from './helpers';

let ws: Workspace;
before(() => {
  ws = workspace();
});
after(() => ws.cleanup());

const GOOD = `name: ok
baseUrl: http://127.0.0.1:7878
scenarios:
  browse:
    executor: constant-vus
    vus: 1
    duration: 1s
    flow:
      - get: /health
`;

// Line 5 (1-based) has a misspelt executor, starting at column 15.
const BAD = `name: bad
baseUrl: http://127.0.0.1:7878
scenarios:
  browse:
    executor: constant-arival-rate
    rate: 10
    duration: 1s
    preAllocatedVUs: 1
    flow:
      - get: /health
`;

test('a valid file: no output lines, "1 file valid", exit 0', async () => {
  const good = ws.file('good.volley.yaml', GOOD);
  const r = await volley(ws, ['validate', good]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr, '1 file valid\n');
});

test('a bad file: one file:line:col line per diagnostic, the count, exit 1', async () => {
  const bad = ws.file('bad.volley.yaml', BAD);
  const good = ws.file('good2.volley.yaml', GOOD);
  const r = await volley(ws, ['validate', good, bad]);
  assert.equal(r.code, 1);
  const { diagnostics } = await loadScenarioFile(bad);
  const expected = diagnostics.map((d) => formatDiagnostic(bad, d) + '\n').join('');
  assert.equal(r.stdout, expected, 'the CLI prints exactly the scenario module\'s diagnostics');
  const first = r.stdout.split('\n')[0];
  assert.ok(first.startsWith(`${bad}:5:15: error: `), first);
  assert.match(first, /constant-arrival-rate/, 'names the fix');
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.filter((d) => d.severity === 'warning').length;
  assert.equal(r.stderr, `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}\n`);
});

test('a missing file is an error line, not a stack trace', async () => {
  const r = await volley(ws, ['validate', 'nope.volley.yaml']);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, 'nope.volley.yaml: error: cannot read: no such file\n');
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});

test('usage errors exit 104 with the message and the usage', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['validate'], /volley validate: which files\?/],
    [['validate', '--strict', 'x'], /volley validate: unknown flag --strict/],
    [['valdate', 'x'], /unknown command "valdate" \(did you mean "validate"\?\)/],
    [['--frobnicate'], /expected a command before --frobnicate/],
    [['run'], /volley run: which file\?/],
    [['run', 'a.yaml', 'b.yaml'], /one file per run/],
    [['run', 'a.yaml', '--scenaro', 'x'], /unknown flag --scenaro \(did you mean --scenario\?\)/],
    [['run', 'a.yaml', '--out', 'json=x.json'], /--out takes ndjson=FILE/],
    [['run', 'a.yaml', '-e', 'NOEQUALS'], /-e needs NAME=VALUE/],
    // One reader of -e for run and estimate: estimate used to call a bad name "needs NAME=VALUE".
    [['run', 'a.yaml', '-e', '1X=2'], /-e: "1X" is not a valid variable name/],
    [['estimate', 'a.yaml', '-e', '1X=2'], /-e: "1X" is not a valid variable name/],
    [['estimate', 'a.yaml', '-e', 'NOEQUALS'], /-e needs NAME=VALUE, got "NOEQUALS" \(to pass an empty value/],
    [['demo', '--port', '99999'], /--port 99999: expected a whole number from 0 to 65535/],
    [['demo', '--fault-rate', '2'], /--fault-rate 2: expected a fraction/],
    [['demo', '--latency', '20parsecs'], /--latency 20parsecs/],
    [['demo', '--quiet'], /--quiet applies to a run: add --run FILE/],
  ];
  const results = await Promise.all(cases.map(([args]) => volley(ws, args)));
  results.forEach((r, i) => {
    const [args, message] = cases[i];
    assert.equal(r.code, 104, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message, args.join(' '));
    assert.match(r.stderr, /Usage: volley/, `${args.join(' ')} prints usage`);
  });
});

test('run refuses a missing file and a file with errors with 104, running nothing', async () => {
  const missing = await volley(ws, ['run', 'missing.volley.yaml']);
  assert.equal(missing.code, 104);
  assert.equal(missing.stderr, 'volley: cannot read missing.volley.yaml: no such file\n');
  const bad = ws.file('bad-run.volley.yaml', BAD);
  const r = await volley(ws, ['run', bad, '--out', `ndjson=${ws.dir}/never.ndjson`]);
  assert.equal(r.code, 104);
  assert.match(r.stderr, new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:5:15: error: `));
  assert.match(r.stderr, /has 1 error: nothing was run/);
  assert.equal(r.stdout, '');
});

test('help and version', async () => {
  const [main, runHelp, helpDemo, version, flagVersion] = await Promise.all([
    volley(ws, ['--help']),
    volley(ws, ['run', '--help']),
    volley(ws, ['help', 'demo']),
    volley(ws, ['version']),
    volley(ws, ['--version']),
  ]);
  assert.equal(main.code, 0);
  assert.match(main.stdout, /Usage: volley COMMAND/);
  for (const c of ['run', 'validate', 'demo', 'version']) assert.match(main.stdout, new RegExp(`\\n  ${c} `));
  assert.equal(runHelp.code, 0);
  assert.match(runHelp.stdout, /--summary-export FILE/);
  assert.match(runHelp.stdout, /105 +stopped from outside/);
  assert.match(helpDemo.stdout, /--fault-rate FRACTION/);
  assert.match(version.stdout, /^volley \d+\.\d+\.\d+ \(protocol 1, node /);
  assert.equal(flagVersion.stdout, version.stdout);
});

test("a multipart file that does not exist, relative to the scenario file (not the working directory): file:line:col, exit 1", async () => {
  mkdirSync(join(ws.dir, 'sub', 'data'), { recursive: true });
  const upload = ws.file(
    'sub/upload.volley.yaml',
    GOOD.replace('      - get: /health\n', '      - post: /up\n        multipart:\n          receipt: { file: data/receipt.pdf }\n'),
  );
  const r = await volley(ws, ['validate', upload]);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, `${upload}:11:28: error: cannot read "data/receipt.pdf" (${join(ws.dir, 'sub', 'data', 'receipt.pdf')}): no such file\n`);
  ws.file('sub/data/receipt.pdf', '%PDF');
  const fixed = await volley(ws, ['validate', upload]);
  assert.equal(fixed.code, 0, fixed.stdout);
});
