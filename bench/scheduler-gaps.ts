// How much a busy thread on the generator core is kept from running by the machine itself (the
// hypervisor, the kernel, interrupts): a loop that only reads the clock, counting the gaps between two
// reads. No timer can start an iteration on time during a gap, whatever the load generator's code, so
// the bench prints these beside the arrival-rate lateness. Prints one JSON line.
const GAP_MS = 0.2;

function main(): void {
  const seconds = Number(process.argv[2] ?? 5);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new Error('scheduler-gaps: the argument is a positive number of seconds');
  const gaps: number[] = [];
  const start = performance.now();
  const end = start + seconds * 1000;
  let last = start;
  for (;;) {
    const t = performance.now();
    if (t - last > GAP_MS) gaps.push(t - last);
    last = t;
    if (t >= end) break;
  }
  gaps.sort((a, b) => b - a);
  const lostMs = gaps.reduce((sum, gap) => sum + gap, 0);
  process.stdout.write(
    JSON.stringify({
      seconds,
      lostMsPerSecond: lostMs / seconds,
      gapsOver1MsPerSecond: gaps.filter((gap) => gap > 1).length / seconds,
      gapsOver2MsPerSecond: gaps.filter((gap) => gap > 2).length / seconds,
      largestGapMs: gaps[0] ?? 0,
    }) + '\n',
  );
}

main();
