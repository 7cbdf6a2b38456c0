// The package version, inlined by the bundler (only this field of package.json ends up in the bundle).
import { version } from '../../../package.json';
import { PROTOCOL_VERSION } from '../../protocol';

export const VOLLEY_VERSION: string = version;

export function versionText(): string {
  return `volley ${VOLLEY_VERSION} (protocol ${PROTOCOL_VERSION}, node ${process.versions.node}, ${process.platform}-${process.arch})\n`;
}
