import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * Where webhooks may be sent. A subscriber chooses the URL, so without this a tenant could make the server call its
 * own internals (SSRF). The check runs on the address the name resolves to, at connect time, so a DNS name that
 * points at 127.0.0.1 is refused just like the literal.
 */
export interface EgressPolicy {
  /** Allow 127.0.0.0/8 and ::1 (tests and local demos that receive webhooks on this machine). */
  allowLoopback?: boolean;
  /** Allow RFC 1918, CGNAT and unique-local addresses (a deployment that calls partners over a private network). */
  allowPrivate?: boolean;
  /**
   * An explicit allow-list, narrower than the two switches above: `127.0.0.1`, `10.0.0.0/8`, `::1`, or with a port,
   * `127.0.0.1:4567` / `[::1]:4567` (that port only). An address on it may be called even though it is loopback or
   * private; link-local and metadata addresses stay refused whatever the list says. Tests list their own receivers.
   */
  allow?: readonly string[];
  /** How names are resolved (all addresses of a name); `dns.lookup` by default. For tests and custom resolvers. */
  resolve?: (hostname: string) => Promise<readonly LookupAddress[]>;
}

export class EgressDeniedError extends Error {
  override readonly name = 'EgressDeniedError';
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

const PRIVATE = new BlockList();
PRIVATE.addSubnet('10.0.0.0', 8, 'ipv4');
PRIVATE.addSubnet('172.16.0.0', 12, 'ipv4');
PRIVATE.addSubnet('192.168.0.0', 16, 'ipv4');
PRIVATE.addSubnet('100.64.0.0', 10, 'ipv4');
PRIVATE.addSubnet('fc00::', 7, 'ipv6');

// Never reachable, whatever the policy: link-local (which holds the cloud metadata service, 169.254.169.254),
// "this network", multicast and reserved ranges, and the metadata addresses that live elsewhere.
const ALWAYS_DENIED = new BlockList();
ALWAYS_DENIED.addSubnet('0.0.0.0', 8, 'ipv4');
ALWAYS_DENIED.addSubnet('169.254.0.0', 16, 'ipv4');
ALWAYS_DENIED.addSubnet('224.0.0.0', 3, 'ipv4');
ALWAYS_DENIED.addAddress('100.100.100.200', 'ipv4'); // Alibaba Cloud metadata
ALWAYS_DENIED.addAddress('168.63.129.16', 'ipv4'); // Azure wire server
ALWAYS_DENIED.addAddress('::', 'ipv6');
ALWAYS_DENIED.addSubnet('fe80::', 10, 'ipv6');
ALWAYS_DENIED.addSubnet('ff00::', 8, 'ipv6');
ALWAYS_DENIED.addAddress('fd00:ec2::254', 'ipv6'); // AWS metadata over IPv6

/**
 * Why `address` may not be called under `policy`, or undefined when it may. `port`, when known, is matched against
 * allow-list entries that name one.
 */
export function egressDenial(address: string, policy: EgressPolicy = {}, port?: number): string | undefined {
  const ip = unmapIPv4(address);
  const family = isIP(ip);
  if (family === 0) return `${address} is not an IP address`;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (ALWAYS_DENIED.check(ip, type)) return `${address} is a link-local, metadata or reserved address`;
  if (policy.allow?.length && allowListed(ip, type, port, policy.allow)) return undefined;
  if (LOOPBACK.check(ip, type) && !policy.allowLoopback) return `${address} is a loopback address`;
  if (PRIVATE.check(ip, type) && !policy.allowPrivate) return `${address} is a private network address`;
  return undefined;
}

/** Checks what can be checked without DNS: scheme, credentials, and a literal IP host. */
export function assertUrlAllowed(raw: string, policy: EgressPolicy = {}): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new EgressDeniedError(`url ${JSON.stringify(raw)} is not a valid URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new EgressDeniedError('url must be http or https');
  if (url.username || url.password) throw new EgressDeniedError('url must not contain credentials');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) {
    const denial = egressDenial(host, policy, portOf(url));
    if (denial) throw new EgressDeniedError(`url refused: ${denial}`);
  } else if (/^localhost$|\.localhost$/i.test(host) && !policy.allowLoopback) {
    throw new EgressDeniedError('url refused: localhost is a loopback address');
  }
  return url;
}

/** The port a URL connects to (its explicit port, or the scheme's default). */
export function portOf(url: URL): number {
  return url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
}

/**
 * A `lookup` for http.request that refuses a name if any address it resolves to is denied. It runs as part of the
 * connect, so the address checked is the address connected to (no DNS-rebinding window between check and use).
 */
export function guardedLookup(policy: EgressPolicy = {}, port?: number): LookupFunction {
  return (hostname: string, options: LookupOptions, callback) => {
    const resolved = (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', undefined);
      const denied = addresses.map((a) => egressDenial(a.address, policy, port)).find(Boolean);
      if (denied) return callback(new EgressDeniedError(`${hostname} refused: ${denied}`), '', undefined);
      if (addresses.length === 0) return callback(new Error(`${hostname} has no address`), '', undefined);
      if (options.all) return callback(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    };
    if (policy.resolve) {
      policy.resolve(hostname).then(
        (addresses) => resolved(null, [...addresses]),
        (error: NodeJS.ErrnoException) => resolved(error, []),
      );
    } else {
      dnsLookup(hostname, { ...options, all: true }, resolved);
    }
  };
}

function allowListed(ip: string, type: 'ipv4' | 'ipv6', port: number | undefined, allow: readonly string[]): boolean {
  for (const entry of allow) {
    const parsed = parseAllowEntry(entry);
    if (!parsed || parsed.type !== type) continue;
    if (parsed.port !== undefined && parsed.port !== port) continue;
    const list = new BlockList();
    if (parsed.prefix === undefined) list.addAddress(parsed.address, type);
    else list.addSubnet(parsed.address, parsed.prefix, type);
    if (list.check(ip, type)) return true;
  }
  return false;
}

/** `a.b.c.d`, `a.b.c.d/n`, `a.b.c.d:port`, `::1`, `fc00::/7`, `[::1]:port`; undefined if it is none of them. */
function parseAllowEntry(entry: string): { address: string; prefix?: number; port?: number; type: 'ipv4' | 'ipv6' } | undefined {
  let rest = entry.trim();
  let port: number | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(rest);
  if (bracketed) {
    rest = bracketed[1]!;
    if (bracketed[2]) port = Number(bracketed[2]);
  } else {
    const v4WithPort = /^(\d+\.\d+\.\d+\.\d+):(\d+)$/.exec(rest);
    if (v4WithPort) {
      rest = v4WithPort[1]!;
      port = Number(v4WithPort[2]);
    }
  }
  let prefix: number | undefined;
  const slash = rest.indexOf('/');
  if (slash >= 0) {
    prefix = Number(rest.slice(slash + 1));
    rest = rest.slice(0, slash);
  }
  const address = unmapIPv4(rest);
  const family = isIP(address);
  if (family === 0) return undefined;
  const max = family === 4 ? 32 : 128;
  if (prefix !== undefined && (!Number.isInteger(prefix) || prefix < 0 || prefix > max)) return undefined;
  if (port !== undefined && (!Number.isInteger(port) || port <= 0 || port > 65_535)) return undefined;
  return { address, prefix, port, type: family === 4 ? 'ipv4' : 'ipv6' };
}

/** `::ffff:127.0.0.1` and `::ffff:7f00:1` are IPv4 addresses in disguise; check them as such. */
function unmapIPv4(address: string): string {
  const lower = address.toLowerCase();
  const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return dotted[1]!;
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (hex) {
    const high = parseInt(hex[1]!, 16);
    const low = parseInt(hex[2]!, 16);
    return [high >> 8, high & 255, low >> 8, low & 255].join('.');
  }
  return address;
}
