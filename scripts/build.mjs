// Builds the four bundles, one per runtime (see docs/architecture.md).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import * as esbuild from 'esbuild';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
};

const node = { ...common, platform: 'node', target: 'node20', format: 'cjs' };

/**
 * Writes esbuild's metafile (every input and how much of it each output holds) beside the bundle, on every
 * build and rebuild: test/extension/bundle.test.ts reads it to keep the parser, the validator and the HDR
 * codec out of the extension. Not shipped (.vscodeignore is a whitelist).
 */
function writeMetafile(file) {
  return {
    name: 'write-metafile',
    setup(build) {
      build.onEnd((result) => {
        if (!result.metafile) return;
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, JSON.stringify(result.metafile, null, 1));
      });
    },
  };
}

const builds = [
  {
    ...node,
    entryPoints: ['src/extension/main.ts'],
    outfile: 'dist/extension.js',
    external: ['vscode'],
    metafile: true,
    plugins: [writeMetafile('dist/extension.meta.json')],
  },
  { ...node, entryPoints: ['src/server/main.ts'], outfile: 'dist/server.js' },
  { ...node, entryPoints: ['src/engine/main.ts'], outfile: 'dist/engine.js', banner: { js: '#!/usr/bin/env node' } },
  // The webview's own folder, the only one its panel may load from (localResourceRoots): script and styles.
  {
    ...common,
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
    entryPoints: { webview: 'src/webview/main.ts', results: 'src/webview/results.css' },
    outdir: 'dist/webview',
  },
];

if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
} else {
  const started = Date.now();
  await Promise.all(builds.map((options) => esbuild.build(options)));
  const { chmodSync } = await import('node:fs');
  chmodSync('dist/engine.js', 0o755);
  console.log(`built ${builds.length} bundles in ${Date.now() - started} ms`);
}
