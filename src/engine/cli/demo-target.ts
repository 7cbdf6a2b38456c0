// Starting the demo target from the CLI: `volley demo` and `volley run --demo`.
import { EXIT } from '../../protocol';
import { startDemoServer, type DemoServer, type DemoServerOptions } from '../demo/server';
import { isLoopbackHost } from '../demo/loopback';
import type { BeforeRun } from './run';

export type TargetStart = { ok: true; server: DemoServer } | { ok: false; exitCode: number; message: string };

export async function startTarget(options: DemoServerOptions): Promise<TargetStart> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopbackHost(host)) {
    return { ok: false, exitCode: EXIT.invalidInput, message: `--host ${host}: the demo target only listens on loopback addresses (127.0.0.0/8, ::1, localhost)` };
  }
  try {
    return { ok: true, server: await startDemoServer(options) };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const where = `${host}:${options.port ?? 7878}`;
    if (code === 'EADDRINUSE') {
      return { ok: false, exitCode: EXIT.engineError, message: `cannot start the demo target: ${where} is already in use (is a demo target already running? or pick another --port)` };
    }
    if (code === 'EADDRNOTAVAIL') {
      return { ok: false, exitCode: EXIT.invalidInput, message: `cannot start the demo target: ${host} is not an address of this machine` };
    }
    return { ok: false, exitCode: EXIT.engineError, message: `cannot start the demo target on ${where}: ${(err as Error).message}` };
  }
}

export function describeTarget(server: DemoServer, latencyMs: number, faultRate: number, resetRate: number): string {
  const faults = [faultRate > 0 ? `${+(faultRate * 100).toFixed(2)}% 500/503` : '', resetRate > 0 ? `${+(resetRate * 100).toFixed(2)}% resets` : '']
    .filter(Boolean)
    .join(', ');
  return `demo target listening on ${server.url} (latency ~${latencyMs}ms${faults ? `, faults: ${faults}` : ''})`;
}

/** `volley run --demo`: the target listens where the file's baseUrl points, which must be loopback. */
export const demoForPlan: BeforeRun = async (plan) => {
  if (!plan.baseUrl) {
    return { exitCode: EXIT.invalidInput, message: `--demo needs a baseUrl in ${plan.file}, e.g. baseUrl: http://127.0.0.1:7878` };
  }
  let url: URL;
  try {
    url = new URL(plan.baseUrl);
  } catch {
    return { exitCode: EXIT.invalidInput, message: `--demo: baseUrl ${plan.baseUrl} is not a URL` };
  }
  if (url.protocol !== 'http:') {
    return { exitCode: EXIT.invalidInput, message: `--demo: the demo target speaks plain http, but baseUrl is ${plan.baseUrl}` };
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const started = await startTarget({ host, port: url.port ? Number(url.port) : 80, latencyMs: 20 });
  if (!started.ok) return { exitCode: started.exitCode, message: started.message };
  process.stderr.write(`${describeTarget(started.server, 20, 0, 0)}\n`);
  return { cleanup: () => started.server.close() };
};
