// Makes the extension's .vsix (`npm run package`): a production build of the four bundles (minified, no
// source maps), then @vscode/vsce with the whitelist .vscodeignore. Works in the current directory, so
// the e2e test packages a staged copy without touching the checkout's dist/.
//   node scripts/package.mjs [--out FILE.vsix]    (default: volley-<version>.vsix here)
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const vscePackage = require.resolve('@vscode/vsce/package.json');
const vsce = join(dirname(vscePackage), JSON.parse(readFileSync(vscePackage, 'utf8')).bin.vsce);

const outAt = process.argv.indexOf('--out');
const out = outAt >= 0 ? process.argv[outAt + 1] : undefined;
if (outAt >= 0 && !out) fail('--out needs a file name');

run([join(here, 'build.mjs'), '--production']);
run([
  vsce,
  'package',
  // The bundles hold every dependency; node_modules is not shipped.
  '--no-dependencies',
  // No repository to publish from yet: README links stay relative instead of being rewritten to one.
  '--allow-missing-repository',
  '--no-rewrite-relative-links',
  ...(out ? ['--out', out] : []),
]);

function run(args) {
  const result = spawnSync(process.execPath, args, { stdio: 'inherit' });
  if (result.status !== 0) fail(`${args.slice(0, 2).join(' ')} failed (${result.status ?? result.signal})`);
}

function fail(message) {
  console.error(`package: ${message}`);
  process.exit(1);
}
