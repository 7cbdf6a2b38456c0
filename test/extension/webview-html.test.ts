import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contentSecurityPolicy, escapeHtml, newNonce, resultsHtml } from '../../src/extension/webview-html';

const SOURCE = 'https://file+.vscode-resource.vscode-cdn.net';

test('the policy allows only the nonce script and the extension\'s own styles, nothing inline', () => {
  const nonce = newNonce();
  const csp = contentSecurityPolicy(SOURCE, nonce);
  assert.match(csp, /^default-src 'none'; /);
  assert.match(csp, new RegExp(`script-src 'nonce-${nonce}'(;|$)`));
  assert.match(csp, new RegExp(`style-src ${SOURCE.replace(/[.+]/g, '\\$&')}(;|$)`));
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
});

test('every panel gets a fresh, long nonce, and the shell uses it on its one script', () => {
  const nonces = new Set(Array.from({ length: 50 }, newNonce));
  assert.equal(nonces.size, 50);
  for (const n of nonces) assert.match(n, /^[A-Za-z0-9_-]{24}$/);
  const nonce = newNonce();
  const html = resultsHtml({ cspSource: SOURCE, nonce, scriptUri: `${SOURCE}/dist/webview.js`, styleUri: `${SOURCE}/media/results.css`, title: 'Results <run>' });
  assert.equal(html.match(/<script/g)?.length, 1);
  assert.match(html, new RegExp(`<script nonce="${nonce}" src="${SOURCE.replace(/[.+]/g, '\\$&')}/dist/webview.js"></script>`));
  assert.match(html, /<title>Results &lt;run&gt;<\/title>/);
  assert.doesNotMatch(html, /\sstyle=|\son\w+=/);
  assert.throws(() => resultsHtml({ cspSource: SOURCE, nonce: 'short', scriptUri: '', styleUri: '', title: '' }));
});

test('escapeHtml covers the five characters', () => {
  assert.equal(escapeHtml(`<a href="x" title='y'>&</a>`), '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
});
