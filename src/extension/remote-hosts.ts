// Which of the hosts a scenario file would send load to are not this machine. The hosts come from the
// language server's facts of the file (baseUrl and every step's URL, read before anything runs); whether
// one is this machine is known here, where the engine will run. A host written as a template cannot be
// known without evaluating it, and nothing from the workspace is evaluated, so it counts as not local.
import { networkInterfaces } from 'node:os';
import { isLoopbackHost } from '../engine/demo/loopback';

export function localAddresses(): Set<string> {
  const addresses = new Set<string>();
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) addresses.add(a.address.toLowerCase());
  return addresses;
}

export function isThisMachine(host: string, local: ReadonlySet<string> = localAddresses()): boolean {
  if (host.includes('{{')) return false;
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return isLoopbackHost(bare) || local.has(bare);
}

/** Of a file's hosts (FileFacts.hosts), those other than this machine, in their order. */
export function remoteHosts(hosts: readonly string[], local: ReadonlySet<string> = localAddresses()): string[] {
  return hosts.filter((host) => !isThisMachine(host, local));
}
