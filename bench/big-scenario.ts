// A big scenario file for the language server benchmark and the incremental-parse tests: the DESIGN
// example's scenario repeated under `scenarios:` until the file has about `lines` lines.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const EXAMPLE = readFileSync(resolve(__dirname, '../test/fixtures/design-example.volley.yaml'), 'utf8');

export function bigScenario(lines = 2000): string {
  const head = EXAMPLE.slice(0, EXAMPLE.indexOf('scenarios:\n') + 'scenarios:\n'.length);
  const block = EXAMPLE.slice(head.length, EXAMPLE.indexOf('thresholds:'));
  const tail = EXAMPLE.slice(EXAMPLE.indexOf('thresholds:'));
  const count = (text: string) => text.split('\n').length - 1;
  const per = count(block);
  const n = Math.max(1, Math.round((lines - count(head) - count(tail)) / per));
  const scenarios: string[] = [];
  for (let i = 0; i < n; i++) scenarios.push(block.replace('  browse:', `  browse${i}:`));
  return head + scenarios.join('') + tail;
}
