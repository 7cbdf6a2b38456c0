// The checker is split by section (src/engine/scenario/check/) so that a reader of one section needs
// only the shared primitives and that section's own parts: these are the imports each module may
// have inside check/, and none keeps state at module level that sections could share instead of
// passing it (the split replaced a class whose methods shared five mutable fields).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const DIR = join(__dirname, '../../src/engine/scenario/check');
const PRIMITIVES = ['findings', 'read', 'ranges', 'fixes'];

/** Inside check/: what each module may import besides the primitives. */
const ALLOWED: Record<string, readonly string[]> = {
  findings: [],
  fixes: [],
  ranges: [],
  read: [],
  templates: [],
  request: ['templates'],
  checks: [],
  step: ['checks', 'request', 'templates'],
  flow: ['step', 'templates'],
  executors: [],
  scenario: ['executors', 'flow'],
  cache: ['flow', 'scenario'],
  thresholds: [],
  data: [],
  file: ['cache', 'data', 'flow', 'scenario', 'thresholds'],
  index: ['cache', 'file', 'flow', 'scenario'],
};

test('each section of the checker imports only the primitives and its own parts', () => {
  const modules = readdirSync(DIR).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3)).sort();
  assert.deepEqual(modules, Object.keys(ALLOWED).sort(), 'every module of check/ has its entry here');
  for (const module of modules) {
    const source = readFileSync(join(DIR, `${module}.ts`), 'utf8');
    const local = [...source.matchAll(/from '\.\/([\w-]+)'/g)].map((m) => m[1]);
    for (const imported of local) {
      const allowed = PRIMITIVES.includes(imported) && module !== 'findings' ? true : ALLOWED[module].includes(imported);
      assert.ok(allowed, `${module}.ts imports ./${imported}`);
    }
  }
});

test('no module of the checker keeps mutable state at module level', () => {
  for (const file of readdirSync(DIR).filter((f) => f.endsWith('.ts'))) {
    const source = readFileSync(join(DIR, file), 'utf8');
    assert.doesNotMatch(source, /^(export )?(let|var) /m, `${file} has a module-level let or var`);
    const consts = [...source.matchAll(/^(?:export )?const (\w+)(?:: [^=]+)? = (new (?:Map|Set)\b|\[|\{)/gm)].map((m) => m[1]);
    for (const name of consts) {
      assert.match(source, new RegExp(`const ${name}: (Readonly|readonly )`), `${file}: module-level ${name} is not typed read-only`);
    }
  }
});
