// The VU's cookie jar against real servers on 127.0.0.1: the three `http.cookies` modes, RFC 6265's rules
// as tough-cookie applies them (path, expiry, Max-Age=0, Domain, Secure), VUs apart, a step's `cookies:`
// and the `cookie.NAME` capture. Scenarios are written as users write them and compiled by loadScenario;
// what reached the wire is read from the target's `received` requests.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createHttpAgent } from '../../src/engine/http/agent';
import { FlowRunner } from '../../src/engine/flow';
import { loadScenario } from '../../src/engine/scenario/index';
import type { Plan } from '../../src/engine/scenario/plan';
import { startTarget, type Target } from '../support/target';
import { TestRecorder } from './helpers';

function planOf(yaml: string): Plan {
  const { plan, diagnostics } = loadScenario(yaml, 'cookies.volley.yaml');
  assert.ok(plan, JSON.stringify(diagnostics));
  return plan;
}

function scenario(baseUrl: string, http: string, flow: string): string {
  return `baseUrl: ${baseUrl}\nhttp: { ${http} }\nscenarios:\n  s:\n    executor: per-vu-iterations\n    flow:\n${flow}`;
}

/**
 * Runs `iterations` iterations on each of `vus` VUs at once (each VU's iterations in order) and tells what
 * reached `targets` meanwhile.
 */
async function run(plan: Plan, targets: Target[], iterations: number, vus = 1): Promise<CookiesSent> {
  const starts = new Map(targets.map((t) => [t, t.received.length]));
  const agent = createHttpAgent(plan.http);
  const flow = new FlowRunner({ plan, scenarioIndex: 0, agent, recorder: new TestRecorder(), env: {} });
  await Promise.all(
    Array.from({ length: vus }, async (_, v) => {
      const vu = flow.newVU(v + 1);
      for (let i = 0; i < iterations; i++) assert.equal(await flow.runIteration(vu, i), true);
      await flow.closeVU(vu);
    }),
  );
  await agent.close();
  return (target, url) => target.received.slice(starts.get(target)).filter((r) => r.url === url).map((r) => r.headers.cookie ?? '');
}

/** The Cookie header of each request `target` received to exactly `url` during a run ('' without one). */
type CookiesSent = (target: Target, url: string) => string[];

/** A step that has the target set `cookie` (a Set-Cookie value with its attributes). */
function setStep(origin: string, cookie: string): string {
  return `      - get: "${origin}/cookies/set?${new URLSearchParams(cookie)}"\n`;
}

const SET_AND_ECHO = [
  '      - get: /cookies',
  '      - get: /cookies/set?sid=v{{ iteration }}',
  '      - get: /cookies',
  '',
].join('\n');

describe('cookies', () => {
  let target: Target;
  let secure: Target;
  before(async () => {
    target = await startTarget();
    secure = await startTarget({ https: true });
  });
  after(async () => {
    await target.close();
    await secure.close();
  });

  it('per-iteration (the default): Set-Cookie goes back on later requests, and each iteration starts empty', async () => {
    // No cookies key: the default mode.
    const sent = await run(planOf(scenario(target.url, 'timeout: 10s', SET_AND_ECHO)), [target], 2);
    const echoes = sent(target, '/cookies');
    assert.deepEqual(echoes, ['', 'sid=v0', '', 'sid=v1']);
  });

  it('per-vu keeps the jar across iterations; a new value replaces the old', async () => {
    const sent = await run(planOf(scenario(target.url, 'cookies: per-vu', SET_AND_ECHO)), [target], 2);
    const echoes = sent(target, '/cookies');
    assert.deepEqual(echoes, ['', 'sid=v0', 'sid=v0', 'sid=v1']);
  });

  it('off stores and sends nothing, but still sends a step\'s own cookies', async () => {
    const flow = SET_AND_ECHO + '      - get: /cookies\n        cookies: { own: "{{ vu }}" }\n';
    const sent = await run(planOf(scenario(target.url, 'cookies: off', flow)), [target], 2);
    const echoes = sent(target, '/cookies');
    assert.deepEqual(echoes, ['', '', 'own=1', '', '', 'own=1']);
  });

  it('path, expiry, Max-Age=0 and Domain are the jar\'s rules (RFC 6265)', async () => {
    const set = (cookie: string) => setStep('', cookie);
    const flow =
      set('inpath=1; Path=/cookies/in') +
      set('short=2; Max-Age=1; Path=/') +
      set('gone=3; Path=/') +
      set('gone=; Max-Age=0; Path=/') +
      set('past=4; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/') +
      set('foreign=5; Domain=example.com; Path=/') +
      '      - get: /cookies/in/a\n' +
      '      - get: /cookies/out\n' +
      '      - think: 600ms\n' +
      '      - get: /cookies/mid\n' +
      '      - think: 600ms\n' +
      '      - get: /cookies/in/b\n' +
      '      - get: /cookies/out\n';
    const sent = await run(planOf(scenario(target.url, 'cookies: per-iteration', flow)), [target], 1);
    const at = (url: string) => sent(target, url)[0];
    // Path=/cookies/in reaches only its subtree; an expired, deleted or foreign-domain cookie never goes out.
    assert.deepEqual(at('/cookies/in/a').split('; ').sort(), ['inpath=1', 'short=2']);
    assert.equal(at('/cookies/out'), 'short=2');
    // Max-Age=1 counts from the Set-Cookie (RFC 6265 5.2.2), not from the last time the cookie was sent:
    // sent at 0.6 s, gone at 1.2 s, also for a URL whose cookies were looked up before.
    assert.equal(at('/cookies/mid'), 'short=2');
    assert.equal(at('/cookies/in/b'), 'inpath=1');
    assert.deepEqual(sent(target, '/cookies/out'), ['short=2', '']);
  });

  it('a Secure cookie set over https is sent over https only', async () => {
    const flow =
      setStep(secure.url, 'tls=1; Secure; Path=/') +
      setStep(secure.url, 'plain=2; Path=/') +
      `      - get: ${secure.url}/cookies\n` +
      `      - get: ${target.url}/cookies/plain\n`;
    const sent = await run(planOf(scenario(target.url, 'insecureSkipTLSVerify: true', flow)), [target, secure], 1);
    assert.deepEqual(sent(secure, '/cookies')[0].split('; ').sort(), ['plain=2', 'tls=1']);
    // Same host (cookies ignore the port, RFC 6265 §8.5), plain http: the Secure one stays home.
    assert.deepEqual(sent(target, '/cookies/plain'), ['plain=2']);
  });

  it('two VUs never see each other\'s cookies', async () => {
    const flow =
      '      - get: /cookies/set?sid=vu{{ vu }}\n' +
      '      - think: 20ms\n' +
      '      - get: /cookies/vu/{{ vu }}\n';
    const sent = await run(planOf(scenario(target.url, 'cookies: per-vu', flow)), [target], 3, 4);
    for (let vu = 1; vu <= 4; vu++) assert.deepEqual(sent(target, `/cookies/vu/${vu}`), [`sid=vu${vu}`, `sid=vu${vu}`, `sid=vu${vu}`]);
  });

  it('a step\'s cookies: are sent with the jar\'s, replacing a jar cookie of the same name, on this request only', async () => {
    const flow =
      '      - get: "/cookies/set?sid=jar&other=o"\n' +
      '      - get: /cookies/step\n' +
      '        cookies: { sid: "step-{{ vu }}", extra: x, odd: "a;b\\"c, d" }\n' +
      '      - get: /cookies/header\n' +
      '        headers: { Cookie: "h=1" }\n' +
      '      - get: /cookies/after\n';
    const sent = await run(planOf(scenario(target.url, 'cookies: per-iteration', flow)), [target], 1);
    const at = (url: string) => sent(target, url)[0];
    // A value is written as Go's net/http writes k6's: `;`, `"` and `\` dropped, quoted for a space or comma.
    assert.equal(at('/cookies/step'), 'other=o; sid=step-1; extra=x; odd="abc, d"');
    // A step's own Cookie header is kept, and the jar's cookies join it in the one Cookie header.
    assert.equal(at('/cookies/header'), 'h=1; sid=jar; other=o');
    assert.equal(at('/cookies/after'), 'sid=jar; other=o');
  });

  it('cookie.NAME captures what the response sets, else what the jar holds for the URL', async () => {
    const flow =
      '      - get: "/cookies/set?sid=abc&sid=abd"\n' +
      '        capture: { fromResponse: cookie.sid }\n' +
      // Under /cookies, the default path of a cookie set by /cookies/set (RFC 6265 5.1.4).
      '      - get: /cookies/later\n' +
      '        capture: { fromJar: cookie.sid, missing: cookie.nope }\n' +
      '      - get: /cookies/seen\n' +
      '        headers: { X-Seen: "{{ fromResponse }}|{{ fromJar }}|{{ missing == null }}" }\n';
    for (const mode of ['per-iteration', 'off']) {
      const start = target.received.length;
      await run(planOf(scenario(target.url, `cookies: ${mode}`, flow)), [target], 1);
      const seen = target.received.slice(start).find((r) => r.url === '/cookies/seen')!;
      // The last Set-Cookie of a name wins, as in the jar; with the jar off only the response's are there.
      assert.equal(seen.headers['x-seen'], mode === 'off' ? 'abd||true' : 'abd|abd|true', mode);
    }
  });
});
