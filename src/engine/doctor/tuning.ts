// The exact OS tuning lines the doctor prints, shared by preflight and the live rules, so both say the
// same thing. Values follow k6's "Running large tests" guide (ports 1024-65535, tcp_tw_reuse=1).
import { DOCTOR_THRESHOLDS } from './thresholds';

/** Descriptors a run needs: its connections plus what the process holds already (at least a fixed reserve). */
export function descriptorsNeeded(connections: number, openFilesInUse: number | undefined): number {
  return connections + Math.max(openFilesInUse ?? 0, DOCTOR_THRESHOLDS.preflight.reserveDescriptors);
}

/** `ulimit -n` for this need: the need with headroom, rounded up to a multiple of 1024. */
export function suggestedOpenFiles(needed: number): number {
  return Math.ceil((needed * DOCTOR_THRESHOLDS.preflight.headroom) / 1024) * 1024;
}

export function ulimitLines(openFiles: number, hard: number | undefined): string[] {
  const lines = [`ulimit -n ${openFiles}    # in the shell that starts volley (or LimitNOFILE=${openFiles} in a systemd unit)`];
  if (hard !== undefined && hard < openFiles) {
    lines.push(`# the hard limit is ${hard}: raise it first, e.g. in /etc/security/limits.conf:  *  hard  nofile  ${openFiles}`);
  }
  return lines;
}

export const WIDE_PORT_RANGE = 'sudo sysctl -w net.ipv4.ip_local_port_range="1024 65535"';
export const TIME_WAIT_REUSE = 'sudo sysctl -w net.ipv4.tcp_tw_reuse=1';

/** Server-side lines for a SUT whose accept queue or SYN backlog overflows. */
export const SUT_BACKLOG_LINES = [
  'on the SUT: ss -lnt  (Recv-Q near Send-Q = full accept queue); nstat -az TcpExtListenOverflows TcpExtListenDrops',
  'sudo sysctl -w net.core.somaxconn=4096 net.ipv4.tcp_max_syn_backlog=8192  (and a larger listen backlog in the server)',
];

export function block(lines: readonly string[]): string {
  return lines.map((line) => `  ${line}`).join('\n');
}
