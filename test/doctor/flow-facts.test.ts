// The doctor's requests per iteration for a flow with control steps: what an average pass sends, not the
// number of request steps written (a repeat multiplies, choose branches weigh, an if counts its larger side).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadScenario } from '../../src/engine/scenario';
import { scenarioFacts } from '../../src/engine/doctor/context';

test('requests per iteration follow repeat counts, choose weights and the larger side of an if', () => {
  const plan = loadScenario(
    `baseUrl: http://127.0.0.1:7878
scenarios:
  s:
    executor: constant-vus
    vus: 1
    duration: 1s
    flow:
      - group: g
        flow:
          - repeat: 3
            flow: [ { get: /a }, { think: 1s } ]
      - choose:
          - { weight: 70, flow: [ { get: /b } ] }
          - { weight: 30, flow: [ { get: /c }, { get: /d } ] }
      - if: "{{ iteration > 0 }}"
        flow: [ { get: /e } ]
        else: [ { get: /f }, { get: /g } ]
`,
    'facts.volley.yaml',
  ).plan!;
  const facts = scenarioFacts(plan, plan.scenarios[0]!);
  assert.ok(Math.abs(facts.requestsPerIteration - (3 + 0.7 * 1 + 0.3 * 2 + 2)) < 1e-9, String(facts.requestsPerIteration));
});
