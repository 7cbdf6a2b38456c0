// Volley only sends traffic to, and only serves its demo target on, the local machine.
import { isIP } from 'node:net';

/** True for localhost, 127.0.0.0/8 and ::1 (also written [::1] or as an IPv4-mapped 127.x address). */
export function isLoopbackHost(host: string): boolean {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (h === 'localhost') return true;
  if (h.startsWith('::ffff:')) h = h.slice('::ffff:'.length);
  const family = isIP(h);
  if (family === 4) return h.split('.')[0] === '127';
  if (family === 6) return h === '::1' || h === '0:0:0:0:0:0:0:1';
  return false;
}
