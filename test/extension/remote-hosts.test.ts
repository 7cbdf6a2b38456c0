import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isThisMachine, remoteHosts } from '../../src/extension/remote-hosts';

const local = new Set(['192.168.1.20']);

test('loopback and this machine\'s own addresses are local; names and templates are not', () => {
  for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '[::1]', '::1', '192.168.1.20']) assert.equal(isThisMachine(host, local), true, host);
  for (const host of ['example.com', '10.0.0.1', '{{ env.HOST }}', '192.168.1.21']) assert.equal(isThisMachine(host, local), false, host);
});

test('the hosts a file would load are read from baseUrl and every step URL, each once', () => {
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
  assert.deepEqual(remoteHosts(text, local), ['api.example.com', 'auth.example.org', '{{ env.HOST }}']);
});

test('a file that only loads this machine asks nothing', () => {
  const text = 'name: x\nbaseUrl: http://127.0.0.1:7878\nscenarios:\n  a:\n    executor: constant-vus\n    vus: 1\n    duration: 1s\n    flow:\n      - get: /\n';
  assert.deepEqual(remoteHosts(text, local), []);
});
