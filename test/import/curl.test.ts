// cURL import: commands exactly as Chromium's "Copy as cURL (bash)" / "Copy all as cURL (bash)" write
// them, imported by the real CLI, validated, and run against a loopback target that checks what arrives.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXECUTOR_TYPES } from '../../src/engine/scenario/schema';
import { startTarget, type Target } from '../support/target';
import { volley, workspace, type Workspace } from '../cli/helpers';
import { assertNoSecret, importValid, runImported } from './helpers';

const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.c3RhbGU.s1gnatur3';
const PASSWORD = 'hunter2!';
const SESSION = 's3ss10n-7f9a';
const BASIC_PASSWORD = 'b4sic-pw';

let ws: Workspace;
let target: Target;
before(async () => {
  ws = workspace();
  target = await startTarget();
});
after(async () => {
  await target.close();
  ws.cleanup();
});

const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

/** The headers Chromium 131 writes for a fetch of the page (its client hints and fetch metadata). */
function fetchHeaders(): string {
  return `  -H 'Sec-Fetch-Dest: empty' \\
  -H 'Sec-Fetch-Mode: cors' \\
  -H 'Sec-Fetch-Site: same-origin' \\
  -H 'User-Agent: ${UA}' \\
  -H 'sec-ch-ua: "Google Chrome";v="131", "Chromium";v="131", "Not_A Brand";v="24"' \\
  -H 'sec-ch-ua-mobile: ?0' \\
  -H 'sec-ch-ua-platform: "Linux"'`;
}

/** Chromium 131's "Copy all as cURL (bash)" of a page's three requests: commands joined by " ;\n". */
function chromiumCopyAll(origin: string): string {
  return `curl '${origin}/products?page=2' \\
  -H 'Accept: application/json, text/plain, */*' \\
  -H 'Accept-Language: en-GB,en;q=0.9' \\
  -H 'Connection: keep-alive' \\
  -b 'theme=dark; sid=${SESSION}' \\
  -H 'Referer: ${origin}/' \\
${fetchHeaders()} ;
curl '${origin}/login' \\
  -H 'Accept: */*' \\
  -H 'Accept-Language: en-GB,en;q=0.9' \\
  -H 'Connection: keep-alive' \\
  -H 'Content-Type: application/json' \\
  -H 'Origin: ${origin}' \\
  -H 'Referer: ${origin}/' \\
${fetchHeaders()} \\
  --data-raw $'{"user":"alice","password":"${PASSWORD.replace('!', '\\u0021')}","note":"it\\'s me"}' ;
curl '${origin}/cart' \\
  -X 'PUT' \\
  -H 'Accept: */*' \\
  -H 'Connection: keep-alive' \\
  -H 'Content-Type: application/x-www-form-urlencoded; charset=UTF-8' \\
  -H 'Origin: ${origin}' \\
  -H 'User-Agent: ${UA}' \\
  -H 'authorization: Bearer ${TOKEN}' \\
  --data-raw 'id=3&user=alice+b&note=caf%C3%A9'`;
}

test("Chromium's Copy all as cURL: one step per command, noise dropped, secrets from env, and what it sends reaches the target", async () => {
  const input = ws.file('copied.sh', chromiumCopyAll(target.url));
  const imported = await importValid(ws, input, 'copied.volley.yaml');
  assertNoSecret(imported.text, [TOKEN, PASSWORD, SESSION]);
  assert.match(imported.text, /^# Imported by volley import from .*copied\.sh: 3 curl commands\./);
  assert.match(imported.text, /BEARER_TOKEN/);
  assert.doesNotMatch(imported.text, /sec-ch-ua|Sec-Fetch|Connection/i, 'browser noise and hop-by-hop headers are dropped');
  assert.match(imported.text, new RegExp(`baseUrl: ${target.url}`));
  assert.match(imported.text, /form:\n\s+id: "3"\n\s+user: alice b\n\s+note: café/, 'a urlencoded body becomes form:');
  assert.match(imported.text, /json:\n\s+user: alice\n\s+password: "\{\{ env\.PASSWORD \}\}"\n\s+note: it's me/, "a JSON body becomes json:, $'…' decoded");
  assert.match(imported.text, /cookies:\n\s+theme: dark\n\s+sid: "\{\{ env\.SID \}\}"/, '-b becomes cookies:, the session cookie from env');

  const before = target.received.length;
  await runImported(ws, imported.file, { BEARER_TOKEN: 'fresh-token', PASSWORD: 'pw-from-env', SID: 'sid-from-env' });
  const got = target.received.slice(before);
  assert.deepEqual(got.map((r) => `${r.method} ${r.url}`), ['GET /products?page=2', 'POST /login', 'PUT /cart']);
  assert.equal(got[0].headers.cookie, 'theme=dark; sid=sid-from-env');
  assert.equal(got[0].headers['user-agent'], UA);
  assert.deepEqual(JSON.parse(got[1].body), { user: 'alice', password: 'pw-from-env', note: "it's me" });
  assert.equal(got[2].headers.authorization, 'Bearer fresh-token');
  assert.equal(got[2].headers['content-type'], 'application/x-www-form-urlencoded');
  assert.equal(got[2].body, 'id=3&user=alice+b&note=caf%C3%A9');
});

test('-F becomes multipart: (files relative to the output), -u an Authorization from env, -k insecureSkipTLSVerify, -G a query', async () => {
  writeFileSync(join(ws.dir, 'receipt.txt'), 'receipt bytes\n');
  const input = ws.file(
    'upload.sh',
    `curl -k -u alice:${BASIC_PASSWORD} -F 'note=load test' -F 'receipt=@receipt.txt;type=text/plain' ${target.url}/upload
curl -G -d q=kettle -d limit=5 "${target.url}/search" -H "X-Api-Key: k3y-123"`,
  );
  const imported = await importValid(ws, input, 'out/upload.volley.yaml');
  assertNoSecret(imported.text, [BASIC_PASSWORD, 'k3y-123']);
  assert.match(imported.text, /insecureSkipTLSVerify: true/);
  assert.match(imported.text, /receipt:\n\s+file: \.\.\/receipt\.txt\n\s+contentType: text\/plain/);
  assert.match(imported.text, /Authorization: Basic \{\{ base64\('alice:' \+ env\.PASSWORD\) \}\}/);

  const before = target.received.length;
  await runImported(ws, imported.file, { PASSWORD: BASIC_PASSWORD, X_API_KEY: 'k3y-123' });
  const [upload, search] = target.received.slice(before);
  assert.equal(upload.headers.authorization, `Basic ${Buffer.from(`alice:${BASIC_PASSWORD}`).toString('base64')}`);
  assert.match(String(upload.headers['content-type']), /^multipart\/form-data; boundary=/);
  assert.match(upload.body, /name="note"\r\n\r\nload test\r\n/);
  assert.match(upload.body, /filename="receipt.txt"\r\nContent-Type: text\/plain\r\n\r\nreceipt bytes\n\r\n/);
  assert.equal(search.url, '/search?q=kettle&limit=5');
  assert.equal(search.headers['x-api-key'], 'k3y-123');
});

test('standard input, --executor, and a flag without an equivalent warned on stderr and beside the step', async () => {
  const input = ws.file('one.sh', `curl --retry 3 --proxy http://127.0.0.1:9 '${target.url}/ok'\n`);
  const imported = await importValid(ws, input, 'one.volley.yaml', ['--executor', 'constant-arrival-rate']);
  assert.match(imported.text, /executor: constant-arrival-rate\n\s+rate: 1\n/);
  assert.match(imported.stderr, /one\.sh:1:1: warning: curl flag --proxy http:\/\/127\.0\.0\.1:9 has no equivalent/);
  assert.match(imported.text, /# warning: curl flag --proxy http:\/\/127\.0\.0\.1:9 has no equivalent in a scenario: ignored\n\s+- get: \/ok/);
  assert.doesNotMatch(imported.stderr, /--retry/, 'flags that change nothing are not warned about');
  // From standard input, to stdout.
  const { spawnSync } = await import('node:child_process');
  const piped = spawnSync(process.execPath, [ws.engine, 'import', '-'], { input: `curl ${target.url}/health`, encoding: 'utf8' });
  assert.equal(piped.status, 0, piped.stderr);
  assert.match(piped.stdout, /^# Imported by volley import from standard input: 1 curl command\./);
  assert.match(piped.stdout, /- get: \/health/);
});

test('bad input: a located error, exit 104, no stack trace', async () => {
  const unclosed = ws.file('bad.sh', `curl '${target.url}/ok' \\\n  -H 'Accept: */*' \\\n  --data-raw '{"a":1}\n`);
  const r = await volley(ws, ['import', unclosed]);
  assert.equal(r.code, 104);
  assert.equal(r.stderr, `${unclosed}:3:14: error: this ' is never closed\n`);
  const method = await volley(ws, ['import', ws.file('m.sh', `\n\ncurl -X BREW ${target.url}/pot`)]);
  assert.equal(method.code, 104);
  assert.match(method.stderr, /m\.sh:3:1: error: -X BREW: Volley sends GET, POST/);
  const unknown = await volley(ws, ['import', ws.file('x.txt', 'hello there')]);
  assert.equal(unknown.code, 104);
  assert.match(unknown.stderr, /x\.txt:1:1: error: cannot tell what this is/);
  const flag = await volley(ws, ['import', 'x.txt', '--from', 'crul']);
  assert.equal(flag.code, 104);
  assert.match(flag.stderr, /--from crul: expected one of .* \(did you mean curl\?\)/);
  for (const run of [r, method, unknown]) assert.doesNotMatch(run.stderr, /\n\s+at /);
});

test('--executor: every executor gets values that validate', async () => {
  const input = ws.file('smoke.sh', `curl ${target.url}/health`);
  for (const executor of EXECUTOR_TYPES) {
    const imported = await importValid(ws, input, `smoke-${executor}.volley.yaml`, ['--executor', executor]);
    assert.match(imported.text, new RegExp(`executor: ${executor}\\n`));
  }
  const unknown = await volley(ws, ['import', input, '--executor', 'constant-vu']);
  assert.equal(unknown.code, 104);
  assert.match(unknown.stderr, /--executor constant-vu: expected one of .* \(did you mean constant-vus\?\)/);
});

test('bodies from files: -d @file, --data-binary @file, --data-urlencode name@file, -F name=<file / name=@file, < file and -T, read beside the input; a missing or binary file is a located warning', async () => {
  const dir = join(ws.dir, 'saved');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(dir, { recursive: true });
  const files: Record<string, string | Buffer> = {
    'login.json': '{\n  "user": "alice",\n  "password": "file-pw-1"\n}\n',
    'note.txt': 'line one\nline two\n',
    'query.txt': 'red kettle & mug',
    'meta.json': '{"kind":"receipt"}',
    'doc.txt': 'the document\n',
    'body.xml': '<order id="7"/>',
    'put.txt': 'put me',
    'image.bin': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]),
  };
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  const t = target.url;
  const input = join(dir, 'commands.sh');
  writeFileSync(
    input,
    [
      `curl ${t}/login -H 'Content-Type: application/json' -d @login.json`,
      `curl ${t}/notes -H 'Content-Type: text/plain' --data-binary @note.txt`,
      `curl ${t}/search --data-urlencode 'q@query.txt' --data-urlencode 'lang=en'`,
      `curl ${t}/upload -F 'meta=<meta.json' -F 'doc=@doc.txt;type=text/plain'`,
      `curl ${t}/orders -H 'Content-Type: application/xml' --compressed --data-binary @- < body.xml`,
      `curl -T put.txt ${t}/files/`,
      `curl ${t}/missing -d @nope.json`,
      `curl ${t}/image --data-binary @image.bin`,
    ].join('\n'),
  );
  // The CLI runs in ws.dir, not beside the commands: the files are found relative to the input.
  const imported = await importValid(ws, input, 'files.volley.yaml');
  assertNoSecret(imported.text, ['file-pw-1']);
  assert.match(imported.text, /post: \/login\n\s+json:\n\s+user: alice\n\s+password: "\{\{ env\.PASSWORD \}\}"/);
  assert.match(imported.text, /post: \/search\n\s+form:\n\s+q: red kettle & mug\n\s+lang: en/);
  assert.match(imported.text, /multipart:\n\s+meta: '\{"kind":"receipt"\}'\n\s+doc:\n\s+file: saved\/doc\.txt\n\s+contentType: text\/plain/);
  assert.match(imported.text, /put: \/files\/put\.txt\n/);
  assert.match(imported.stderr, /commands\.sh:7:1: warning: -d @nope\.json: cannot read nope\.json \(no such file; files are read relative to the input's directory\): the step has no body from it/);
  assert.match(imported.stderr, /commands\.sh:8:1: warning: --data-binary @image\.bin: image\.bin is binary/);
  assert.match(imported.text, /# warning: -d @nope\.json: cannot read nope\.json[^\n]*\n\s+- post: \/missing/);

  const before = target.received.length;
  await runImported(ws, imported.file, { PASSWORD: 'file-pw-1' });
  const sent = target.received.slice(before);
  assert.deepEqual(sent.map((r) => `${r.method} ${r.url}`), ['POST /login', 'POST /notes', 'POST /search', 'POST /upload', 'POST /orders', 'PUT /files/put.txt', 'POST /missing', 'POST /image']);
  const [login, notes, search, upload, orders, put] = sent;
  assert.deepEqual(JSON.parse(login!.body), { user: 'alice', password: 'file-pw-1' });
  assert.equal(notes!.body, 'line one\nline two\n', '--data-binary keeps the line breaks');
  assert.equal(notes!.headers['content-type'], 'text/plain');
  assert.deepEqual(Object.fromEntries(new URLSearchParams(search!.body)), { q: 'red kettle & mug', lang: 'en' });
  assert.match(upload!.body, /name="meta"\r\n\r\n\{"kind":"receipt"\}\r\n/);
  assert.match(upload!.body, /filename="doc\.txt"\r\nContent-Type: text\/plain\r\n\r\nthe document\n\r\n/);
  assert.equal(orders!.body, '<order id="7"/>');
  assert.equal(orders!.headers['accept-encoding'], 'gzip, deflate, br', '--compressed offers what the engine decodes');
  assert.equal(put!.body, 'put me');
});

test("Firefox's Copy as cURL (POSIX): one line, -X POST before the headers, its Cookie header, TE and Priority; imported and sent", async () => {
  const FIREFOX_UA = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
  const copied = `curl '${target.url}/orders?page=1' -X POST -H 'User-Agent: ${FIREFOX_UA}' -H 'Accept: application/json' -H 'Accept-Language: en-US,en;q=0.5' -H 'Accept-Encoding: gzip, deflate, br, zstd' -H 'Content-Type: application/json' -H 'Authorization: Bearer ${TOKEN}' -H 'Origin: ${target.url}' -H 'Connection: keep-alive' -H 'Referer: ${target.url}/' -H 'Cookie: theme=dark; sid=${SESSION}' -H 'Sec-Fetch-Dest: empty' -H 'Sec-Fetch-Mode: cors' -H 'Sec-Fetch-Site: same-origin' -H 'Priority: u=0' -H 'TE: trailers' --data-raw '{"item":"kettle","qty":2}'`;
  const imported = await importValid(ws, ws.file('firefox.sh', copied), 'firefox-curl.volley.yaml');
  assertNoSecret(imported.text, [TOKEN, SESSION]);
  assert.doesNotMatch(imported.text, /Sec-Fetch|Priority|TE:|Connection:|zstd|Cookie:/);
  assert.match(imported.text, /post: \/orders\n\s+headers:\n( +.*\n)*?\s+Authorization: Bearer \{\{ env\.BEARER_TOKEN \}\}\n( +.*\n)*?\s+query:\n\s+page: "1"\n\s+cookies:\n\s+theme: dark\n\s+sid: "\{\{ env\.SID \}\}"\n\s+json:\n\s+item: kettle\n\s+qty: 2/);

  const before = target.received.length;
  await runImported(ws, imported.file, { BEARER_TOKEN: 'fresh-ff', SID: 'sid-ff' });
  const [sent] = target.received.slice(before);
  assert.equal(sent!.url, '/orders?page=1');
  assert.equal(sent!.headers.authorization, 'Bearer fresh-ff');
  assert.match(String(sent!.headers.cookie), /theme=dark/);
  assert.match(String(sent!.headers.cookie), /sid=sid-ff/);
  assert.deepEqual(JSON.parse(sent!.body), { item: 'kettle', qty: 2 });
});
