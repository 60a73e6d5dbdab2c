import { BlockList, isIP } from 'node:net';
import { badOption } from '../builtin-option.checks.js';

type Family = 'ipv4' | 'ipv6';

/** IPv4 ranges no job should reach unless allowed: this network, private, CGNAT, loopback, link-local (metadata), documentation, reserved. */
const REFUSED_IPV4: Array<[string, number]> = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
];
/**
 * IPv6: unspecified, loopback and IPv4-compatible (::/96), discard-only, local-use NAT64, documentation, 6to4 (it embeds
 * any IPv4 address, so all of it), unique local (fd00:ec2::254 included), link-local, site-local, multicast.
 */
const REFUSED_IPV6: Array<[string, number]> = [
  ['::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
];
/** Names of cloud metadata services, refused before any lookup. */
const REFUSED_NAMES = new Set(['metadata.google.internal', 'metadata.goog']);

const familyOf = (address: string): Family => (isIP(address) === 6 ? 'ipv6' : 'ipv4');
/** URL hostnames keep IPv6 brackets, and a trailing dot names the same host. */
export const bareHost = (hostname: string): string =>
  hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();

function refusedRanges(): BlockList {
  const list = new BlockList();
  for (const [network, prefix] of REFUSED_IPV4) {
    list.addSubnet(network, prefix, 'ipv4');
    // The same range behind NAT64 (64:ff9b::/96); IPv4-mapped addresses (::ffff:a.b.c.d) BlockList matches by itself.
    const [a, b, c, d] = network.split('.').map(Number);
    const hex = (hi: number, lo: number) => ((hi << 8) | lo).toString(16);
    list.addSubnet(`64:ff9b::${hex(a, b)}:${hex(c, d)}`, 96 + prefix, 'ipv6');
  }
  for (const [network, prefix] of REFUSED_IPV6) list.addSubnet(network, prefix, 'ipv6');
  return list;
}

/**
 * Decides whether `http.request` may connect to an address. Checked on the resolved addresses of every hop, so neither
 * a hostname nor a redirect can lead a job to the host's own network or a cloud metadata service.
 */
export class DestinationPolicy {
  private readonly refused = refusedRanges();
  private readonly allowedAddresses = new BlockList();
  private readonly allowedNames = new Set<string>();
  private readonly allowedSuffixes: string[] = [];

  constructor(
    allowHosts: string[],
    private readonly restrictToAllowHosts: boolean,
  ) {
    allowHosts.forEach((entry, i) => this.allow(entry.trim(), `http.allowHosts.${i}`));
  }

  /** Why a hostname, before any lookup, may not be called; undefined when it may (its addresses are checked later). */
  refuseName(hostname: string): string | undefined {
    const host = bareHost(hostname);
    if (isIP(host)) return this.refuseAddress(host, host);
    if (this.nameAllowed(host)) return undefined;
    if (REFUSED_NAMES.has(host))
      return `Destination "${host}" is a cloud metadata service; list it in builtins.http.allowHosts to call it.`;
    return undefined;
  }

  /** Why an address that `hostname` resolved to may not be called; undefined when it may. */
  refuseAddress(hostname: string, address: string): string | undefined {
    const host = bareHost(hostname);
    if (this.nameAllowed(host) || this.allowedAddresses.check(address, familyOf(address))) return undefined;
    const shown = host === address ? `"${host}"` : `"${host}" (${address})`;
    if (this.restrictToAllowHosts) return `Destination ${shown} is not in builtins.http.allowHosts, and restrictToAllowHosts is on.`;
    if (this.refused.check(address, familyOf(address))) {
      return `Destination ${shown} is a loopback, private, link-local or metadata address; list it in builtins.http.allowHosts to call it.`;
    }
    return undefined;
  }

  private nameAllowed(host: string): boolean {
    return this.allowedNames.has(host) || this.allowedSuffixes.some((suffix) => host.endsWith(suffix));
  }

  private allow(entry: string, option: string): void {
    const [network, prefix, extra] = entry.split('/');
    if (prefix !== undefined) {
      const family = isIP(network);
      const bits = Number(prefix);
      if (!family || extra !== undefined || !/^\d+$/.test(prefix) || bits > (family === 4 ? 32 : 128))
        badOption(option, 'a hostname, an IP address or a CIDR range', entry);
      this.allowedAddresses.addSubnet(network, bits, family === 4 ? 'ipv4' : 'ipv6');
    } else if (isIP(bareHost(entry))) {
      const address = bareHost(entry);
      this.allowedAddresses.addAddress(address, familyOf(address));
    } else if (entry.startsWith('*.') && entry.length > 2) {
      this.allowedSuffixes.push(bareHost(entry.slice(1)));
    } else if (/^[a-z0-9_]([a-z0-9_.-]*[a-z0-9_])?\.?$/i.test(entry)) {
      this.allowedNames.add(bareHost(entry));
    } else {
      badOption(option, 'a hostname, *.domain, an IP address or a CIDR range', entry);
    }
  }
}
