// What dist/extension.js is made of, from the metafile scripts/build.mjs writes beside it: the extension
// asks the language server about scenario files, so the YAML parser, the validator and the engine's HDR
// codec (hdr-histogram-js, pako) must not be bundled into it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './helpers';

const BUNDLE = 'dist/extension.js';
const METAFILE = 'dist/extension.meta.json';

/** Inputs that must stay out, each with why. */
const FORBIDDEN: Array<[RegExp, string]> = [
  [/(^|\/)node_modules\/yaml\//, 'the YAML parser (ask the language server: LSP_REQUESTS)'],
  [/(^|\/)node_modules\/hdr-histogram-js\//, "the engine's HDR histograms"],
  [/(^|\/)node_modules\/pako\//, "pako (the HDR codec's compression)"],
  [/^src\/engine\/scenario\/validate[^/]*$/, 'the validator'],
  [/^src\/engine\/scenario\/check\//, 'the validator'],
  [/^src\/engine\/scenario\//, 'the scenario format (the language server reads it)'],
  [/^src\/server\//, "the language server's own modules"],
];

interface Metafile {
  outputs: Record<string, { bytes: number; inputs: Record<string, { bytesInOutput: number }> }>;
}

test('dist/extension.js holds neither yaml, the validator, hdr-histogram-js nor pako', () => {
  const metaPath = join(ROOT, METAFILE);
  assert.ok(existsSync(metaPath), `${METAFILE} is missing: run node scripts/build.mjs`);
  const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as Metafile;
  const output = meta.outputs[BUNDLE];
  assert.ok(output, `${METAFILE} has no ${BUNDLE}: ${Object.keys(meta.outputs).join(', ')}`);
  // The metafile describes the bundle on disk, not an older build.
  assert.equal(output.bytes, statSync(join(ROOT, BUNDLE)).size, `${METAFILE} is from another build than ${BUNDLE}: run node scripts/build.mjs`);

  const inputs = Object.keys(output.inputs).filter((input) => output.inputs[input]!.bytesInOutput > 0);
  // Not vacuous: the extension's own entry and its language client are there.
  assert.ok(inputs.includes('src/extension/main.ts'), inputs.join('\n'));
  assert.ok(inputs.some((i) => /node_modules\/vscode-languageclient\//.test(i)), 'no language client in the bundle');
  const found = inputs.flatMap((input) => FORBIDDEN.filter(([pattern]) => pattern.test(input)).map(([, why]) => `${input}: ${why}`));
  assert.deepEqual(found, [], `bundled into ${BUNDLE}`);
});
