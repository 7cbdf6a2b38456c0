// Which hosts a scenario file would send load to that are not this machine, read from its text (baseUrl
// and every step's URL) before anything runs. A host written as a template cannot be known without
// evaluating it, and nothing from the workspace is evaluated here, so it counts as not local.
import { networkInterfaces } from 'node:os';
import { isScalar } from 'yaml';
import { parseScenarioDocument } from '../engine/scenario/document';
import { isLoopbackHost } from '../engine/demo/loopback';
import { buildModel } from '../server/model';

export function localAddresses(): Set<string> {
  const addresses = new Set<string>();
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) addresses.add(a.address.toLowerCase());
  return addresses;
}

function hostOf(url: string, base: string | undefined): string | undefined {
  const absolute = /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : base;
  if (absolute === undefined) return undefined;
  const authority = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(absolute)?.[1] ?? '';
  if (authority.includes('{{')) return authority.replace(/^[^@]*@/, '');
  try {
    return new URL(absolute.replace(/\{\{[^}]*\}\}/g, 'x')).hostname;
  } catch {
    return authority || undefined;
  }
}

export function isThisMachine(host: string, local: ReadonlySet<string> = localAddresses()): boolean {
  if (host.includes('{{')) return false;
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return isLoopbackHost(bare) || local.has(bare);
}

/** Hosts other than this machine, each once, in the order they appear. */
export function remoteHosts(text: string, local?: ReadonlySet<string>): string[] {
  const doc = parseScenarioDocument(text);
  const baseNode = doc.nodeAt(['baseUrl']);
  const base = isScalar(baseNode) && typeof baseNode.value === 'string' ? baseNode.value : undefined;
  const hosts: string[] = [];
  const consider = (host: string | undefined): void => {
    if (host !== undefined && host !== '' && !hosts.includes(host) && !isThisMachine(host, local)) hosts.push(host);
  };
  if (base !== undefined) consider(hostOf(base, undefined));
  for (const scenario of buildModel(doc).scenarios) {
    for (const step of scenario.steps) if (step.url !== undefined) consider(hostOf(step.url, base));
  }
  return hosts;
}
