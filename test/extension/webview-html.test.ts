import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { WEBVIEW_FILES, contentSecurityPolicy, escapeHtml, newNonce, resultsHtml } from '../../src/extension/webview-html';
import { ROOT } from './helpers';

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
  const html = resultsHtml({ cspSource: SOURCE, nonce, scriptUri: `${SOURCE}/dist/webview/webview.js`, styleUri: `${SOURCE}/dist/webview/results.css`, title: 'Results <run>' });
  assert.equal(html.match(/<script/g)?.length, 1);
  assert.match(html, new RegExp(`<script nonce="${nonce}" src="${SOURCE.replace(/[.+]/g, '\\$&')}/dist/webview/webview.js"></script>`));
  assert.match(html, /<title>Results &lt;run&gt;<\/title>/);
  assert.doesNotMatch(html, /\sstyle=|\son\w+=/);
  assert.throws(() => resultsHtml({ cspSource: SOURCE, nonce: 'short', scriptUri: '', styleUri: '', title: '' }));
});

test('escapeHtml covers the five characters', () => {
  assert.equal(escapeHtml(`<a href="x" title='y'>&</a>`), '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
});

test('the panel loads only its own folder: the build writes both files there, and the package ships them', () => {
  const root = join(ROOT, ...WEBVIEW_FILES.root);
  for (const file of [WEBVIEW_FILES.script, WEBVIEW_FILES.style]) {
    assert.deepEqual(file.slice(0, WEBVIEW_FILES.root.length), [...WEBVIEW_FILES.root], `${file.join('/')} is outside the webview's folder`);
    assert.ok(existsSync(join(ROOT, ...file)), `${file.join('/')} was not built (node scripts/build.mjs)`);
  }
  // Nothing of the other bundles is in the folder the webview may read.
  assert.deepEqual(readdirSync(root).filter((f) => !/^(webview\.js|results\.css)(\.map)?$/.test(f)), []);
  const whitelist = readFileSync(join(ROOT, '.vscodeignore'), 'utf8').split('\n');
  for (const file of [WEBVIEW_FILES.script, WEBVIEW_FILES.style]) assert.ok(whitelist.includes(`!${file.join('/')}`), `.vscodeignore does not ship ${file.join('/')}`);
});
