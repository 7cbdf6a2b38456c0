// Flow control from the editor: a run of a flow with nested groups shows the panel's Groups table and puts
// each `group:` line's group_duration figures and each nested step's figures on their lines.
import * as vscode from 'vscode';
import assert from 'node:assert/strict';
import { startDemoServer } from '../../../src/engine/demo/server';
import { test } from './harness';
import { eventually, screenshot, volleyApi, writeWorkspaceFile } from './helpers';

const scenario = (baseUrl: string): string => `# e2e: groups and nested steps
baseUrl: ${baseUrl}
scenarios:
  shop:
    executor: per-vu-iterations
    vus: 1
    iterations: 2
    flow:
      - group: browse
        flow:
          - repeat: 2
            flow:
              - name: list
                get: /products
          - group: health
            flow:
              - name: health
                get: /health
`;

test('groups: the panel\'s Groups table, and group lines and nested steps with their figures', async () => {
  const volley = await volleyApi();
  const target = await startDemoServer({ port: 0, latencyMs: 2, seed: 23 });
  try {
    const uri = await writeWorkspaceFile('e2e-groups.volley.yaml', scenario(target.url));
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document, vscode.ViewColumn.One);
    const lineOf = (needle: string): number => document.getText().split('\n').findIndex((l) => l.includes(needle));

    const ran = vscode.commands.executeCommand('volley.runFile', uri);
    const panel = await eventually('the results panel', () => volley.livePanel());
    await ran;
    const shown = await eventually('the Groups table in the panel', () => (panel.rendered?.mode === 'summary' && panel.rendered.headings.includes('Groups') ? panel.rendered : undefined));
    assert.ok(shown.headings.includes('Scenarios and steps'), JSON.stringify(shown.headings));

    const review = await eventually('the inline review', () => volley.review.reviewOf(uri));
    assert.deepEqual(
      review.lines.groups.map((g) => [g.group, g.line, /^p95 .* · 2 passes$/.test(g.text)]),
      [
        ['browse', lineOf('- group: browse'), true],
        ['browse::health', lineOf('- group: health'), true],
      ],
    );
    assert.deepEqual(
      review.lines.steps.map((s) => [s.line, s.text.endsWith(' req') ? s.text.split(' · ').pop() : s.text]),
      [
        [lineOf('- name: list'), '4 req'],
        [lineOf('- name: health'), '2 req'],
      ],
    );
    await screenshot('groups');
  } finally {
    await target.close();
  }
}, 45_000);
