// The scale-out flags of `volley run`, parsed by the real CLI parser: --execution-segment and its
// sequence (k6's syntax and validation), --execution-segment-index, and --start-at.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError, parseArgs } from '../../src/engine/cli/args';
import { commandNamed } from '../../src/engine/cli/commands';
import { runOptionsFrom } from '../../src/engine/cli/run';
import { segmentFromArgs } from '../../src/engine/cli/segment-flags';
import { START_AT_LATE_TOLERANCE_MS, parseStartAt, waitForStart } from '../../src/engine/cli/start-at';

const runFlags = commandNamed('run')!.flags;
const segmentOf = (...argv: string[]) => segmentFromArgs(parseArgs(argv, runFlags, 'run'), 'run');
const refused = (pattern: RegExp, ...argv: string[]): void =>
  assert.throws(() => segmentOf(...argv), (err: unknown) => err instanceof UsageError && pattern.test(err.message), argv.join(' '));

describe('--execution-segment and --execution-segment-sequence', () => {
  it("reads k6's forms: fractions, decimals, percentages, and a single value V as 0:V", () => {
    assert.equal(segmentOf('--execution-segment', '1/3:2/3')?.segment.toString(), '1/3:2/3');
    assert.equal(segmentOf('--execution-segment=0.5:1')?.segment.toString(), '1/2:1');
    assert.equal(segmentOf('--execution-segment', '50%:75%')?.segment.toString(), '1/2:3/4');
    assert.equal(segmentOf('--execution-segment', '25%')?.segment.toString(), '0:1/4');
  });

  it('is the whole test without flags, or with 0:1', () => {
    assert.equal(segmentOf(), undefined);
    assert.equal(segmentOf('--execution-segment', '0:1'), undefined);
  });

  it('splits 10 VUs 4/3/3 within the sequence 0,1/3,2/3,1 (without it the parts need not add up)', () => {
    const sequence = ['--execution-segment-sequence', '0,1/3,2/3,1'];
    const within = ['0:1/3', '1/3:2/3', '2/3:1'].map((s) => segmentOf('--execution-segment', s, ...sequence)!.scale(10));
    assert.deepEqual(within, [4, 3, 3]);
    const byIndex = [0, 1, 2].map((i) => segmentOf('--execution-segment-index', String(i), ...sequence)!.scale(10));
    assert.deepEqual(byIndex, [4, 3, 3]);
    // Alone, each segment is striped against its own filled-in sequence (0:1/3 in 0,1/3,1 …): 3 + 3 + 3 is
    // not 10, which is why every process must be given the same sequence.
    assert.deepEqual(['0:1/3', '1/3:2/3', '2/3:1'].map((s) => segmentOf('--execution-segment', s)!.scale(10)), [3, 3, 3]);
  });

  it("refuses bad segments with k6's messages, naming the flag", () => {
    refused(/--execution-segment "2\/3:1\/3": segment start \(2\/3\) must be less than its end \(1\/3\)/, '--execution-segment', '2/3:1/3');
    refused(/segment end value can't be more than 1 but was 3\/2/, '--execution-segment', '0:1.5');
    refused(/'abc' is not a valid percentage, decimal, fraction or interval value/, '--execution-segment', 'abc:1');
    refused(/provided segment 1\/4:1\/2 can't be found in sequence 0,1\/3,2\/3,1/, '--execution-segment', '1/4:1/2', '--execution-segment-sequence', '0,1/3,2/3,1');
    refused(/at least 2 points are needed/, '--execution-segment', '0:1/2', '--execution-segment-sequence', '1/2');
    refused(/needs --execution-segment \(or --execution-segment-index\)/, '--execution-segment-sequence', '0,1/2,1');
    refused(/needs --execution-segment-sequence/, '--execution-segment-index', '1');
    refused(/not both/, '--execution-segment-index', '1', '--execution-segment', '0:1/2', '--execution-segment-sequence', '0,1/2,1');
    refused(/"-1" is not a segment index|unknown flag/, '--execution-segment-index=-1', '--execution-segment-sequence', '0,1/2,1');
    refused(/indexes 0 to 1/, '--execution-segment-index', '2', '--execution-segment-sequence', '0,1/2,1');
  });

  it('reaches the run options', () => {
    const options = runOptionsFrom(parseArgs(['--execution-segment', '1/2:1', '--no-thresholds', '--start-at', '+5s'], runFlags, 'run'), 'run', 'x.volley.yaml');
    assert.equal(options.segment?.segment.toString(), '1/2:1');
    assert.equal(options.noThresholds, true);
    assert.ok(Math.abs(options.startAtMs! - (Date.now() + 5000)) < 1000);
  });
});

describe('--start-at', () => {
  const now = Date.parse('2030-06-01T12:00:00Z');

  it('takes an ISO time with a zone, or +DURATION from now', () => {
    assert.deepEqual(parseStartAt('2030-06-01T12:00:30Z', now), { ok: true, atMs: now + 30_000 });
    assert.deepEqual(parseStartAt('2030-06-01T14:01:00+02:00', now), { ok: true, atMs: now + 60_000 });
    assert.deepEqual(parseStartAt('2030-06-01T12:00:00.250Z', now), { ok: true, atMs: now + 250 });
    assert.deepEqual(parseStartAt('+1m30s', now), { ok: true, atMs: now + 90_000 });
  });

  it('refuses times without a zone, far in the past or the future, and non-times, saying why', () => {
    const message = (text: string): string => {
      const r = parseStartAt(text, now);
      assert.equal(r.ok, false, text);
      return (r as { message: string }).message;
    };
    assert.match(message('2030-06-01T12:00:30'), /has no time zone: add Z \(UTC\) or an offset/);
    assert.match(message('2030-06-01T11:55:00Z'), /was 5m ago \(more than 10s\): the other segments would have started without this one/);
    assert.match(message('2030-06-03T12:00:00Z'), /is 48h from now \(more than 24h\): check the date and the time zone/);
    assert.match(message('tomorrow'), /is not a time: write an ISO time with a zone/);
    assert.match(message('+5 minutes'), /--start-at "\+5 minutes": /);
    assert.match(message('2030-13-01T12:00:00Z'), /not a valid date/);
  });

  it('still starts a little late, within the tolerance', () => {
    const r = parseStartAt(new Date(now - START_AT_LATE_TOLERANCE_MS + 1000).toISOString(), now);
    assert.equal(r.ok, true);
  });

  it('waits until the instant, says so, and can be cancelled', async () => {
    const lines: string[] = [];
    const at = Date.now() + 150;
    const wait = waitForStart(at, (line) => lines.push(line));
    assert.equal(await wait.reached, true);
    assert.ok(Date.now() >= at);
    assert.match(lines[0], /^waiting \d+ms until .*Z \(--start-at\)$/);

    const cancelled = waitForStart(Date.now() + 60_000, () => undefined);
    cancelled.cancel();
    assert.equal(await cancelled.reached, false);

    const late: string[] = [];
    assert.equal(await waitForStart(Date.now() - 2000, (line) => late.push(line)).reached, true);
    assert.match(late[0], /passed 2s ago: starting now/);
  });
});
