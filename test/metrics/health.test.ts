import assert from 'node:assert/strict';
import { it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createHealthSampler } from '../../src/engine/metrics/health';

function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // spin: burns CPU and blocks the event loop
  }
}

it('measures CPU, event-loop delay and memory of the process', async () => {
  const sampler = createHealthSampler();
  try {
    await sleep(50);
    const idle = sampler.sample(3, 1);
    assert.deepEqual([idle.openSockets, idle.newConnections], [3, 1]);
    assert.ok(idle.cpuPercent >= 0 && idle.cpuPercent < 400, `idle cpu ${idle.cpuPercent}`);
    assert.ok(idle.eventLoopDelayP99Ms >= 0, `idle delay ${idle.eventLoopDelayP99Ms}`);
    assert.ok(idle.rssBytes > 1e6 && idle.heapUsedBytes > 1e5 && idle.heapUsedBytes < idle.rssBytes);

    // A 250 ms spin inside a timer: the loop is blocked that long, and the process uses close to a core.
    await new Promise<void>((resolve) => setTimeout(() => { busy(250); resolve(); }, 20));
    await sleep(20);
    const loaded = sampler.sample(0, 0);
    assert.ok(loaded.eventLoopDelayP99Ms >= 150, `blocked loop seen as ${loaded.eventLoopDelayP99Ms} ms`);
    assert.ok(loaded.cpuPercent > 25 && loaded.cpuPercent < 400, `busy cpu ${loaded.cpuPercent}`);

    // The delay histogram is reset at each sample: the stall is not reported twice.
    await sleep(60);
    const after = sampler.sample(0, 0);
    assert.ok(after.eventLoopDelayP99Ms < 150, `after the stall ${after.eventLoopDelayP99Ms} ms`);
  } finally {
    sampler.stop();
  }
});
