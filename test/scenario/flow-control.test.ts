// The checker on flow control: each mistake reported once, at its place, with the code a quick fix or a
// test can key on; and the Plan a valid nested flow compiles to (steps flat in document order, the control
// structure over their indexes, groups with their paths).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadScenario, type ScenarioDiagnostic } from '../../src/engine/scenario';

const HEAD = `baseUrl: http://127.0.0.1:7878
variables: { pages: 2 }
scenarios:
  s:
    executor: constant-vus
    vus: 1
    duration: 1s
    flow:
`;

function check(flow: string, rest = ''): ScenarioDiagnostic[] {
  return loadScenario(HEAD + flow + rest, 'flow.volley.yaml').diagnostics;
}

/** `code line:col message` of each diagnostic, 1-based as the CLI prints them. */
function found(flow: string, rest = ''): string[] {
  return check(flow, rest).map((d) => `${d.code} ${d.range.start.line + 1}:${d.range.start.character + 1} ${d.message}`);
}

test('a valid nested flow compiles: steps flat in document order, the structure over their indexes, group paths', () => {
  const loaded = loadScenario(
    HEAD +
      `      - group: browse
        flow:
          - repeat: "{{ pages }}"
            as: page
            flow: [ { name: list, get: "/p?page={{ page }}" } ]
          - group: details
            flow: [ { think: 1s } ]
      - choose:
          - { weight: 2.5, flow: [ { name: a, get: /a } ] }
          - { weight: 1, flow: [ { name: b, get: /b } ] }
      - if: "{{ iteration > 0 }}"
        flow: [ { name: c, get: /c } ]
`,
    'flow.volley.yaml',
  );
  assert.deepEqual(loaded.diagnostics, []);
  const scenario = loaded.plan!.scenarios[0]!;
  assert.deepEqual(
    scenario.steps.map((s) => [s.index, s.name, s.group]),
    [
      [0, 'list', 'browse'],
      [1, 'think 1s', 'browse::details'],
      [2, 'a', undefined],
      [3, 'b', undefined],
      [4, 'c', undefined],
    ],
  );
  assert.deepEqual(scenario.groups?.map((g) => [g.name, g.index, g.range.start.line + 1]), [
    ['browse', 0, 9],
    ['browse::details', 1, 14],
  ]);
  const flow = scenario.flow!;
  assert.deepEqual(
    flow.map((n) => n.kind),
    ['group', 'choose', 'if'],
  );
  const choose = flow[1] as Extract<(typeof flow)[number], { kind: 'choose' }>;
  assert.deepEqual(choose.branches.map((b) => [b.weight, b.flow]), [
    [2.5, [{ kind: 'step', index: 2 }]],
    [1, [{ kind: 'step', index: 3 }]],
  ]);
});

test('a flow without control steps keeps no structure: the run takes its plain loop', () => {
  const loaded = loadScenario(HEAD + '      - get: /a\n      - think: 1s\n', 'flow.volley.yaml');
  assert.equal(loaded.plan!.scenarios[0]!.flow, undefined);
  assert.equal(loaded.plan!.scenarios[0]!.groups, undefined);
});

test('control keys in the wrong place, empty flows, a bad as: name, a condition without {{ }}', () => {
  assert.deepEqual(
    found(`      - get: /a
        flow: [ { get: /b } ]
      - repeat: 2
        if: "{{ true }}"
        flow: [ { get: /c } ]
      - repeat: "3"
        flow: [ { get: /d } ]
      - repeat: 1
        as: pages
        flow: []
      - if: yes
        flow: [ { get: /e } ]
      - group: "a::b"
        flow: [ { get: /f } ]
      - group: g
`),
    [
      'control-key-alone 10:9 flow belongs to repeat, if or group, which step 1 is not: add that key or remove flow',
      'multiple-controls 12:9 this step is already a repeat: put the if in a step of its own inside or after it',
      'invalid-repeat 14:17 repeat must be a whole number of at least 1, or a {{ }} template such as "{{ pages }}", not the text "3" (remove the quotes)',
      'index-name-taken 17:13 as: "pages" is already a variable (or a setup capture): give the index a name of its own',
      'empty-flow 18:15 the flow of repeat (line 16) is empty: add at least one step, e.g. - get: /',
      'if-not-template 19:13 if takes a {{ }} expression such as if: "{{ cartId != null }}"; the text "yes" is always true',
      'invalid-group-name 21:16 a group name cannot hold "::": it joins a nested group\'s name to its parent\'s (outer::inner); nest a group inside another instead',
      'missing-key 23:9 group (line 23) has no flow: add the list of steps it runs',
    ],
  );
});

test('unknown keys beside a control key get a did-you-mean from its own keys; a choose branch from weight and flow', () => {
  assert.deepEqual(
    found(`      - repeat: 2
        ass: i
        flow: [ { get: /a } ]
      - choose:
          - weigth: 1
            flow: [ { get: /b } ]
`),
    [
      'unknown-key 10:9 unknown key "ass" in repeat (line 9), which takes repeat, as, flow: did you mean "as"?',
      'unknown-key 13:13 unknown key "weigth" in choose branch 1: did you mean "weight"?',
    ],
  );
});

test('setup and teardown take no control steps', () => {
  const diagnostics = check('      - get: /a\n', 'setup:\n  - repeat: 2\n    flow: [ { get: /s } ]\n');
  assert.deepEqual(
    diagnostics.map((d) => [d.code, d.range.start.line + 1, d.message]),
    [['control-in-lifecycle', 11, 'repeat is for a scenario\'s flow: setup runs its steps once, in order']],
  );
});

test('an as: index is readable inside its repeat only', () => {
  const diagnostics = check(`      - repeat: 2
        as: round
        flow: [ { get: "/in/{{ round }}" } ]
      - get: "/out/{{ round }}"
`);
  assert.deepEqual(
    diagnostics.map((d) => [d.code, d.range.start.line + 1]),
    [['template-unknown-name', 12]],
  );
});

test('a group: threshold names a group path; k6\'s ::path is the same group; a nested group\'s own name gets a did-you-mean', () => {
  const flow = `      - group: outer
        flow:
          - group: inner
            flow: [ { get: /a } ]
`;
  assert.deepEqual(found(flow, 'thresholds:\n  "group_duration{group:::outer::inner}": [p(95)<100]\n  "http_reqs{group:outer}": [count>0]\n'), []);
  assert.deepEqual(found(flow, 'thresholds:\n  "group_duration{group:inner}": [p(95)<100]\n'), [
    'unknown-group 14:25 no group is named "inner": did you mean "outer::inner"?',
  ]);
});

test('captures in branches: read after the choose warned, under an if on the name not, in the if condition not', () => {
  const diagnostics = check(`      - choose:
          - weight: 1
            flow:
              - post: /cart
                capture: { cartId: json.id }
          - weight: 1
            flow: [ { get: /x } ]
      - if: "{{ cartId }}"
        flow: [ { get: "/a/{{ cartId }}" } ]
        else: [ { get: "/b/{{ cartId }}" } ]
      - get: "/c/{{ cartId }}"
      - if: "{{ iteration > 1 }}"
        flow: [ { get: "/d/{{ cartId }}" } ]
`);
  assert.deepEqual(
    diagnostics.map((d) => [d.code, d.severity, d.range.start.line + 1]),
    [
      ['capture-maybe-unset', 'warning', 19],
      ['capture-maybe-unset', 'warning', 21],
    ],
  );
});

test('a repeat count or an if condition reading a capture of a later step is an error, as a request reading it is', () => {
  const diagnostics = check(`      - repeat: "{{ pages2 }}"
        flow: [ { get: /a } ]
      - if: "{{ later }}"
        flow: [ { get: /b } ]
      - post: /c
        capture: { pages2: json.n, later: json.ok }
`);
  assert.deepEqual(
    diagnostics.map((d) => [d.code, d.range.start.line + 1, d.message]),
    [
      ['capture-not-yet-defined', 9, '"pages2" is captured by step 3 "POST /c", later in the flow: a step can only use captures of earlier steps'],
      ['capture-not-yet-defined', 11, '"later" is captured by step 3 "POST /c", later in the flow: a step can only use captures of earlier steps'],
    ],
  );
});
