// Code lenses: "▶ Run file" at the top, "▶ Run scenario" and "Debug One Iteration" above each scenario,
// and "Estimate VUs" above each arrival-rate scenario. The commands are the extension's.
import type { CodeLens } from 'vscode-languageserver/node';
import type { AnalysedDocument } from './documents';

const ARRIVAL_RATE = new Set(['constant-arrival-rate', 'ramping-arrival-rate']);

export function codeLenses(doc: AnalysedDocument): CodeLens[] {
  const model = doc.model;
  if (model.scenarios.length === 0) return [];
  const top = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  const lenses: CodeLens[] = [{ range: top, command: { title: '▶ Run file', command: 'volley.runFile', arguments: [doc.uri] } }];
  for (const scenario of model.scenarios) {
    const range = scenario.nameRange;
    lenses.push({
      range,
      command: { title: '▶ Run scenario', command: 'volley.runScenario', arguments: [doc.uri, scenario.name] },
    });
    lenses.push({ range, command: { title: 'Debug One Iteration', command: 'volley.debugIteration', arguments: [doc.uri, scenario.name] } });
    if (scenario.executor !== undefined && ARRIVAL_RATE.has(scenario.executor)) {
      lenses.push({
        range,
        command: { title: 'Estimate VUs', command: 'volley.estimateVUs', arguments: [doc.uri, scenario.name] },
      });
    }
    // The "last result" lens (per-scenario figures of the last run) joins here with the run store.
  }
  return lenses;
}
