// A minimal test harness for code that runs inside the extension host: tests run one after another, each
// with its own time limit, and the outcome is printed as one JSON line the runner reads (RESULT_LINE).
// No mocha: nothing to bundle, and a failure prints the assertion's own message.
import { inspect } from 'node:util';

type Body = () => Promise<void> | void;
const registered: { name: string; body: Body; timeoutMs: number }[] = [];

export function test(name: string, body: Body, timeoutMs = 30_000): void {
  registered.push({ name, body, timeoutMs });
}

export async function runRegistered(): Promise<void> {
  const passed: string[] = [];
  const failed: string[] = [];
  for (const { name, body, timeoutMs } of registered) {
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        Promise.resolve().then(body),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      passed.push(name);
      console.log(`[volley-e2e] ✔ ${name} (${Date.now() - started} ms)`);
    } catch (error) {
      failed.push(name);
      console.error(`[volley-e2e] ✖ ${name} (${Date.now() - started} ms)\n${inspect(error)}`);
    } finally {
      clearTimeout(timer);
    }
  }
  // Keep in step with RESULT_LINE in ../run-vscode.ts.
  console.log(`[volley-e2e] result ${JSON.stringify({ passed, failed })}`);
  if (failed.length > 0) throw new Error(`${failed.length} of ${registered.length} e2e tests failed: ${failed.join('; ')}`);
}
