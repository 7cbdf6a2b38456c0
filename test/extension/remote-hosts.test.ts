// Which hosts a file loads comes from the language server (FileFacts.hosts, asked through the real LSP);
// which of them are this machine is decided in the extension, where the engine runs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { LSP_REQUESTS } from '../../src/protocol';
import { isThisMachine, remoteHosts } from '../../src/extension/remote-hosts';
import { TestClient } from '../server/lsp-client';

const local = new Set(['192.168.1.20']);

let client: TestClient;
before(async () => {
  client = new TestClient();
  await client.initialize();
});
after(() => client.close());

let opened = 0;
async function remoteHostsOf(text: string): Promise<string[]> {
  const uri = `file:///work/hosts-${++opened}.volley.yaml`;
  await client.open(uri, text);
  const facts = await client.request(LSP_REQUESTS.fileFacts, { uri });
  assert.ok(facts, 'no facts');
  return remoteHosts(facts.hosts, local);
}

test('loopback and this machine\'s own addresses are local; names and templates are not', () => {
  for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '[::1]', '::1', '192.168.1.20']) assert.equal(isThisMachine(host, local), true, host);
  for (const host of ['example.com', '10.0.0.1', '{{ env.HOST }}', '192.168.1.21']) assert.equal(isThisMachine(host, local), false, host);
});

test('the hosts a file would load are read from baseUrl and every step URL, each once', async () => {
  const text = `name: x
baseUrl: https://api.example.com
scenarios:
  a:
    executor: constant-vus
    vus: 1
    duration: 1s
    flow:
      - get: /relative
      - get: http://127.0.0.1:8080/local
      - post: https://auth.example.org/login
      - get: http://{{ env.HOST }}/x
      - get: https://api.example.com/again
`;
  assert.deepEqual(await remoteHostsOf(text), ['api.example.com', 'auth.example.org', '{{ env.HOST }}']);
});

test('a file that only loads this machine asks nothing', async () => {
  const text = 'name: x\nbaseUrl: http://127.0.0.1:7878\nscenarios:\n  a:\n    executor: constant-vus\n    vus: 1\n    duration: 1s\n    flow:\n      - get: /\n';
  assert.deepEqual(await remoteHostsOf(text), []);
});
