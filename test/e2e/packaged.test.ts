// The packaged extension: `scripts/package.mjs` (what `npm run package` runs: a production build and
// @vscode/vsce) on a staged copy of the checkout, the .vsix's file list checked against what the manifest
// and the code need, then the .vsix installed into code-server (`--install-extension`) and the suite in
// ./suite/packaged.ts run against the installed copy, with nothing loaded from the checkout.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { PAGE_STEPS } from './page-steps';
import { REPO_ROOT, artifactsDirFor, buildSuite, describe, ensureSetup, exampleWorkspace, runInVSCode } from './run-vscode';
import { packageStaged, readZipEntry, zipEntries } from './vsix';

const SETUP_TIMEOUT_MS = 15 * 60_000;
const RUN_TIMEOUT_MS = 2 * 60_000;

interface Manifest {
  name: string;
  version: string;
  main: string;
  icon?: string;
  contributes: {
    languages: { configuration?: string }[];
    grammars: { path: string }[];
    snippets: { path: string }[];
    walkthroughs?: { steps: { media: { markdown?: string; image?: string } }[] }[];
  };
}

let dir: string;
let vsix: string | undefined;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'volley-e2e-package-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const filesUnder = (folder: string): string[] =>
  readdirSync(join(REPO_ROOT, folder), { recursive: true, encoding: 'utf8' })
    .map((f) => join(folder, f))
    .filter((f) => statSync(join(REPO_ROOT, f)).isFile());

test('npm run package makes <name>-<version>.vsix holding exactly what the extension needs', { timeout: 180_000 }, async (t) => {
  const started = Date.now();
  const packaged = await packageStaged(dir);
  t.diagnostic(`packaged in ${Date.now() - started} ms: ${packaged.vsix}`);
  vsix = packaged.vsix;
  const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as Manifest;
  assert.equal(relative(dir, vsix), `${manifest.name}-${manifest.version}.vsix`);

  const entries = zipEntries(vsix).map((e) => e.name);
  const shipped = entries.filter((e) => e.startsWith('extension/')).map((e) => e.slice('extension/'.length));
  // What the manifest points at, and what the code loads at run time (asAbsolutePath, asWebviewUri).
  const referenced = [
    'package.json',
    manifest.main.replace(/^\.\//, ''),
    manifest.icon!,
    ...manifest.contributes.languages.flatMap((l) => (l.configuration ? [l.configuration.replace(/^\.\//, '')] : [])),
    ...manifest.contributes.grammars.map((g) => g.path.replace(/^\.\//, '')),
    ...manifest.contributes.snippets.map((s) => s.path.replace(/^\.\//, '')),
    ...(manifest.contributes.walkthroughs ?? []).flatMap((w) => w.steps.flatMap((s) => [s.media.markdown, s.media.image].filter((m): m is string => !!m))),
    'dist/server.js',
    'dist/engine.js',
    'dist/webview/webview.js',
    'dist/webview/results.css',
    'media/volley.svg',
    // The top-level examples are the New Scenario templates; examples/shop/ needs its data files and stays out.
    ...filesUnder('examples').filter((f) => /^examples\/[^/]+\.volley\.yaml$/.test(f)),
  ];
  // For people: the marketplace page and other editors (the schema).
  const documents = ['readme.md', 'changelog.md', 'LICENSE.txt', 'schemas/volley.schema.json'];
  assert.deepEqual(shipped.sort(), [...new Set([...referenced, ...documents])].sort());
  assert.deepEqual(entries.filter((e) => !e.startsWith('extension/')).sort(), ['[Content_Types].xml', 'extension.vsixmanifest']);
  for (const file of shipped) assert.doesNotMatch(file, /^(src|test|node_modules|out|bench|scripts|docs)\/|\.map$|\.ts$/, file);

  // Production bundles: minified, without source map references.
  const extension = readZipEntry(vsix, 'extension/dist/extension.js').toString('utf8');
  assert.doesNotMatch(extension, /sourceMappingURL/);
  const icon = readZipEntry(vsix, 'extension/media/icon.png');
  assert.deepEqual([icon.readUInt32BE(16), icon.readUInt32BE(20)], [128, 128], 'the icon is 128×128');
  assert.match(readZipEntry(vsix, 'extension/changelog.md').toString('utf8'), /## \[0\.1\.0\]/);
  const vsixManifest = readZipEntry(vsix, 'extension.vsixmanifest').toString('utf8');
  assert.match(vsixManifest, /<Identity Language="en-US" Id="volley" Version="0\.1\.0" Publisher="volley"/);
  assert.match(vsixManifest, /Path="extension\/media\/icon\.png"/);
});

test('the .vsix installs into code-server, activates, and its language server and engine work', { timeout: SETUP_TIMEOUT_MS + RUN_TIMEOUT_MS + 60_000 }, async (t) => {
  assert.ok(vsix && existsSync(vsix), 'the package was not made');
  await ensureSetup(SETUP_TIMEOUT_MS);
  const suite = await buildSuite(join(__dirname, 'suite/packaged.ts'), join(REPO_ROOT, 'out/test/suite-packaged.js'));
  const workspace = exampleWorkspace();
  try {
    const result = await runInVSCode({
      workspace,
      suite,
      install: [vsix],
      timeoutMs: RUN_TIMEOUT_MS,
      artifactsDir: artifactsDirFor('packaged'),
      pageSteps: PAGE_STEPS,
      keepTemp: process.env.VOLLEY_E2E_KEEP === '1',
    });
    t.diagnostic(`ran in ${result.elapsedMs} ms; passed: ${result.summary?.passed.join('; ') ?? 'none'}`);
    const ok = result.exitCode === 0 && result.summary !== undefined && result.summary.failed.length === 0;
    assert.ok(ok, describe(result));
    assert.equal(result.summary!.passed.length, 3, describe(result));
    // Only the placeholder is under development; the checkout is never loaded as an extension.
    assert.match(result.serverOutput, /Loading development extension at \S+\/placeholder-extension/);
    assert.ok(!result.serverOutput.includes(`Loading development extension at ${REPO_ROOT}`), 'the checkout was loaded');
    assert.deepEqual(result.leftovers, [], 'processes outlived the run (they have been killed now)');
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
});
