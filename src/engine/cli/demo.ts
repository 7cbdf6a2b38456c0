// `volley demo`: serve the embedded demo target until Ctrl-C, or run one file against it and exit.
import { EXIT } from '../../protocol';
import { parseDuration } from '../scenario/duration';
import { UsageError, has, last, type ParsedArgs } from './args';
import { RUN_FLAGS } from './commands';
import { describeTarget, startTarget } from './demo-target';
import { plural } from './prepare';
import { runFile, runOptionsFrom } from './run';

function integerFlag(args: ParsedArgs, name: string, min: number, max: number): number | undefined {
  const text = last(args, name);
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < min || n > max) {
    throw new UsageError(`--${name} ${text}: expected a whole number from ${min} to ${max}`, 'demo');
  }
  return n;
}

function fractionFlag(args: ParsedArgs, name: string): number {
  const text = last(args, name);
  if (text === undefined) return 0;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) {
    throw new UsageError(`--${name} ${text}: expected a fraction from 0 to 1, e.g. 0.01 for 1%`, 'demo');
  }
  return n;
}

function latencyFlag(args: ParsedArgs): number {
  const text = last(args, 'latency');
  if (text === undefined) return 20;
  // A bare number is milliseconds: `--latency 50` means what it obviously means.
  if (/^\d+(\.\d+)?$/.test(text.trim())) return Number(text);
  const parsed = parseDuration(text);
  if (!parsed.ok) throw new UsageError(`--latency ${text}: ${parsed.message}`, 'demo');
  if (parsed.ms > 60_000) throw new UsageError(`--latency ${text}: at most 1m`, 'demo');
  return parsed.ms;
}

export async function demoCommand(args: ParsedArgs): Promise<number> {
  if (args.positionals.length > 0) {
    throw new UsageError(`unexpected argument "${args.positionals[0]}" (to run a file against the target: --run ${args.positionals[0]})`, 'demo');
  }
  const port = integerFlag(args, 'port', 0, 65535) ?? 7878;
  const host = last(args, 'host') ?? '127.0.0.1';
  const latencyMs = latencyFlag(args);
  const faultRate = fractionFlag(args, 'fault-rate');
  const resetRate = fractionFlag(args, 'reset-rate');
  const seed = integerFlag(args, 'seed', 0, 2 ** 32 - 1);
  const file = last(args, 'run');
  if (file === undefined) {
    const runOnly = RUN_FLAGS.find((f) => has(args, f.name));
    if (runOnly) throw new UsageError(`--${runOnly.name} applies to a run: add --run FILE`, 'demo');
  } else if (file === '') {
    throw new UsageError('--run needs a scenario file', 'demo');
  }
  const runOptions = file === undefined ? undefined : runOptionsFrom(args, 'demo', file);

  const target = { port, host, latencyMs, faultRate, resetRate, seed };
  if (runOptions) {
    // The file is validated before the target starts, so a bad file never leaves a port bound.
    return runFile(runOptions, async () => {
      const started = await startTarget(target);
      if (!started.ok) return started;
      process.stderr.write(`${describeTarget(started.server, latencyMs, faultRate, resetRate)}\n`);
      return { cleanup: () => started.server.close() };
    });
  }

  const started = await startTarget(target);
  if (!started.ok) {
    process.stderr.write(`volley: ${started.message}\n`);
    return started.exitCode;
  }
  const server = started.server;
  process.stderr.write(`${describeTarget(server, latencyMs, faultRate, resetRate)}\n`);

  process.stderr.write('endpoints: GET /health, GET /products?page=N, GET /products/:id, POST /login, POST /cart, GET /cart/:cartId\npress Ctrl-C to stop\n');
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await server.close();
  process.stderr.write(`demo target stopped: ${plural(server.stats.requests, 'request')} over ${plural(server.stats.connections, 'connection')}\n`);
  return EXIT.ok;
}
