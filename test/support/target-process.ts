// The shared target in a process of its own (see startTargetProcess in ./target.ts): prints its URL,
// and closes once its stdin ends.
import { startTarget, type TargetOptions } from './target';

void startTarget(JSON.parse(process.argv[2] ?? '{}') as TargetOptions).then((target) => {
  process.stdout.write(`${target.url}\n`);
  process.stdin.on('end', () => void target.close().then(() => process.exit(0))).resume();
});
