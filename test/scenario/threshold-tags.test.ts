// One table says which tags each metric's thresholds can be filtered by (METRIC_TAGS): the validator
// accepts exactly the filters the registry can answer, so a file the editor calls valid never fails at
// run time on a filter, and k6's usual `http_req_duration{expected_response:true}` validates.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { METRICS, METRIC_TAGS, THRESHOLD_TAGS } from '../../src/engine/metrics/catalogue';
import { loadScenario } from '../../src/engine/scenario';
import { MetricsRegistry } from '../../src/engine/metrics/registry';

const VALUES: Record<(typeof THRESHOLD_TAGS)[number], string> = {
  scenario: 's',
  group: 'g',
  step: 'home',
  method: 'GET',
  status: '200',
  expected_response: 'true',
};

const EXPRESSION = { trend: 'p(95)<300', rate: 'rate<0.1', counter: 'count>=0', gauge: 'value>=0' } as const;

const fileWith = (key: string): string => `name: tags
baseUrl: http://127.0.0.1:7878
scenarios:
  s:
    executor: constant-vus
    vus: 1
    duration: 5s
    flow:
      - group: g
        flow:
          - name: home
            get: /
thresholds:
  "${key}": ["${EXPRESSION[METRICS[key.slice(0, key.indexOf('{')) as keyof typeof METRICS]]}"]
`;

test('the validator accepts a metric and tag pair exactly when the registry can answer it', () => {
  let accepted = 0;
  for (const metric of Object.keys(METRICS) as Array<keyof typeof METRICS>) {
    for (const tag of THRESHOLD_TAGS) {
      const key = `${metric}{${tag}:${VALUES[tag]}}`;
      const loaded = loadScenario(fileWith(key), 'tags.volley.yaml');
      const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
      assert.ok(loaded.plan !== undefined || errors.length > 0);
      const plan = loaded.plan ?? loadScenario(fileWith(`${metric}{scenario:s}`), 'tags.volley.yaml').plan;
      assert.ok(plan !== undefined, `${metric}{scenario:s} compiles`);
      const registry = new MetricsRegistry(plan);
      const problem = registry.filterProblem(metric, { [tag]: VALUES[tag] });
      const carried = METRIC_TAGS[metric].includes(tag);
      assert.equal(errors.length === 0, carried, `${key}: ${errors.map((e) => e.message).join('; ')}`);
      assert.equal(problem === undefined, carried, `${key}: registry says ${problem}`);
      if (carried) accepted++;
    }
  }
  // Every metric takes at least `scenario`; the per-request ones take more.
  assert.ok(accepted > Object.keys(METRICS).length);
});

test("k6's default threshold on expected responses validates", () => {
  const loaded = loadScenario(fileWith('http_req_duration{expected_response:true}'), 'tags.volley.yaml');
  assert.deepEqual(loaded.diagnostics.filter((d) => d.severity === 'error'), []);
  assert.deepEqual(loaded.plan?.thresholds[0]?.tags, { expected_response: 'true' });
});
