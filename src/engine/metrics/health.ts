// The load generator's own health, sampled once a second: a saturated generator (CPU near a full core, a
// long event-loop delay) measures its own queueing, not the system under test.
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { GeneratorHealth } from '../../protocol';

export interface HealthSampler {
  /** Figures since the previous sample (or since creation); the caller counts sockets. */
  sample(openSockets: number, newConnections: number): GeneratorHealth;
  stop(): void;
}

export function createHealthSampler(): HealthSampler {
  // 10 ms resolution is the default; it bounds how short a stall can be seen, which is fine at 1 Hz.
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  let lastCpu = process.cpuUsage();
  let lastWall = performance.now();
  let lastMemory: { rss: number; heapUsed: number } = { rss: 0, heapUsed: 0 };

  return {
    sample(openSockets: number, newConnections: number): GeneratorHealth {
      const cpuNow = process.cpuUsage();
      const wall = performance.now();
      const cpuMicros = cpuNow.user - lastCpu.user + (cpuNow.system - lastCpu.system);
      const wallMicros = (wall - lastWall) * 1000;
      lastCpu = cpuNow;
      lastWall = wall;
      // The histogram reports nanoseconds; with no sample yet its percentiles are 0.
      const p99 = loopDelay.count > 0 ? loopDelay.percentile(99) / 1e6 : 0;
      loopDelay.reset();
      // memoryUsage reads /proc/self/stat, which needs a descriptor: when they are exhausted (EMFILE, the
      // very condition the doctor reports) the previous figures stand in rather than failing the run.
      let memory = lastMemory;
      try {
        memory = process.memoryUsage();
        lastMemory = memory;
      } catch {
        // keep lastMemory
      }
      return {
        cpuPercent: wallMicros > 0 ? (cpuMicros / wallMicros) * 100 : 0,
        eventLoopDelayP99Ms: Number.isFinite(p99) && p99 > 0 ? p99 : 0,
        rssBytes: memory.rss,
        heapUsedBytes: memory.heapUsed,
        openSockets,
        newConnections,
      };
    },
    stop(): void {
      loopDelay.disable();
    },
  };
}
