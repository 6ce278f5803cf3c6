import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/** The switch that opens private ranges to tenants' upstreams (KEYPLANE_ALLOW_PRIVATE_UPSTREAMS, README Configuration). */
export const ALLOW_PRIVATE_UPSTREAMS = 'KEYPLANE_ALLOW_PRIVATE_UPSTREAMS';

const HOW_TO_ALLOW = `set ${ALLOW_PRIVATE_UPSTREAMS}=true for single-tenant installs`;

/**
 * A tenant-chosen upstream points somewhere only the operator may point: inside the network,
 * at the machine itself, or at a cloud metadata service. Its message is a predicate for the
 * caller to give a subject ("baseUrl must not target …"); it names the rule and the switch,
 * and never a resolved address (that would map internal DNS for the tenant).
 */
export class UpstreamAddressRefused extends Error {
  override name = 'UpstreamAddressRefused';
  readonly code = 'KEYPLANE_UPSTREAM_ADDRESS_REFUSED';
}

type Family = 'ipv4' | 'ipv6';

/**
 * Special-purpose ranges (IANA IPv4/IPv6 special-purpose registries), most specific first so
 * the reason names the narrowest rule. IPv4-mapped IPv6 (`::ffff:a.b.c.d`) needs no entries:
 * BlockList checks it against the IPv4 rules.
 */
const RANGES: readonly (readonly [reason: string, family: Family, network: string, prefix: number])[] = [
  ['a cloud metadata address', 'ipv4', '169.254.169.254', 32],
  ['a cloud metadata address', 'ipv6', 'fd00:ec2::254', 128],
  ['an unspecified address', 'ipv4', '0.0.0.0', 8],
  ['an unspecified address', 'ipv6', '::', 128],
  ['a loopback address', 'ipv4', '127.0.0.0', 8],
  ['a loopback address', 'ipv6', '::1', 128],
  ['a private address', 'ipv4', '10.0.0.0', 8],
  ['a private address', 'ipv4', '172.16.0.0', 12],
  ['a private address', 'ipv4', '192.168.0.0', 16],
  ['a carrier-grade NAT address', 'ipv4', '100.64.0.0', 10],
  ['a link-local address', 'ipv4', '169.254.0.0', 16],
  ['a link-local address', 'ipv6', 'fe80::', 10],
  ['a unique local IPv6 address', 'ipv6', 'fc00::', 7],
  ['a multicast address', 'ipv4', '224.0.0.0', 4],
  ['a multicast address', 'ipv6', 'ff00::', 8],
  // Reserved, documentation, benchmarking and broadcast ranges: nothing public lives there.
  ['a reserved address', 'ipv4', '192.0.0.0', 24],
  ['a reserved address', 'ipv4', '192.0.2.0', 24],
  ['a reserved address', 'ipv4', '192.88.99.0', 24],
  ['a reserved address', 'ipv4', '198.18.0.0', 15],
  ['a reserved address', 'ipv4', '198.51.100.0', 24],
  ['a reserved address', 'ipv4', '203.0.113.0', 24],
  ['a reserved address', 'ipv4', '240.0.0.0', 4],
  // IPv4-compatible (deprecated), NAT64, Teredo and 6to4 embed an IPv4 address that may be private.
  ['a reserved address', 'ipv6', '::', 96],
  ['a reserved address', 'ipv6', '64:ff9b::', 96],
  ['a reserved address', 'ipv6', '64:ff9b:1::', 48],
  ['a reserved address', 'ipv6', '100::', 64],
  ['a reserved address', 'ipv6', '2001::', 23],
  ['a reserved address', 'ipv6', '2001:db8::', 32],
  ['a reserved address', 'ipv6', '2002::', 16],
  ['a reserved address', 'ipv6', 'fec0::', 10],
];

const RULES: readonly { reason: string; list: BlockList }[] = RANGES.map(([reason, family, network, prefix]) => {
  const list = new BlockList();
  list.addSubnet(network, prefix, family);
  return { reason, list };
});

/** Metadata services' names, refused whatever DNS says (`localhost` and the rest: DNS decides). */
const METADATA_NAMES = new Set(['metadata.google.internal', 'metadata.goog', 'instance-data', 'instance-data.ec2.internal']);

/** Why an IP address is refused as a tenant's upstream (e.g. "a loopback address"), or null. */
export function refusedAddressReason(address: string): string | null {
  const family = isIP(address);
  if (family === 0) return 'not an IP address';
  const type: Family = family === 4 ? 'ipv4' : 'ipv6';
  return RULES.find((rule) => rule.list.check(address, type))?.reason ?? null;
}

/** `[::1]` → `::1`; `Metadata.Google.Internal.` → `metadata.google.internal`. */
function bareHost(hostname: string): string {
  return hostname
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '')
    .toLowerCase();
}

/**
 * Refuse a hostname that is a non-public IP literal or a metadata service's name. Other names
 * are checked by `resolveUpstreamHost`, on what DNS answers.
 */
export function checkUpstreamHost(hostname: string): void {
  const host = bareHost(hostname);
  if (isIP(host)) {
    const reason = refusedAddressReason(host);
    if (reason) throw new UpstreamAddressRefused(`must not target ${host}, ${reason}; ${HOW_TO_ALLOW}`);
    return;
  }
  if (METADATA_NAMES.has(host)) throw new UpstreamAddressRefused(`must not target ${host}, a cloud metadata service; ${HOW_TO_ALLOW}`);
}

/**
 * Parse a tenant's upstream URL and refuse what it may not target: schemes other than HTTP(S),
 * credentials in the URL, and hosts that are, or resolve to, a non-public address. The WHATWG
 * parser has already turned decimal, octal and hex IPv4 forms (`2130706433`, `0177.0.0.1`,
 * `0x7f.1`) into dotted form, so they meet the same rule. `allowPrivate` lifts only the address
 * rule. Passing here is no licence to connect: DNS may answer differently at call time, so the
 * connection checks again (see `createGuardedAgent`).
 */
export async function checkUpstreamUrl(value: string, allowPrivate: boolean): Promise<URL> {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new UpstreamAddressRefused('must be a URL such as https://llm.example.com/v1');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UpstreamAddressRefused('must use http or https');
  if (url.username || url.password) throw new UpstreamAddressRefused('must not contain credentials; store the key with setProviderKey');
  if (allowPrivate) return url;
  try {
    await resolveUpstreamHost(url.hostname);
  } catch (error) {
    // A name that does not resolve from here (yet) is no address to refuse; calls check again.
    if (error instanceof UpstreamAddressRefused) throw error;
  }
  return url;
}

/**
 * Resolve a hostname the way a connection would, and refuse it if ANY address is not public
 * (an attacker's DNS can mix one private answer among public ones). Returns every address,
 * checked, for the caller to connect to — never resolve again between check and connect.
 */
export async function resolveUpstreamHost(hostname: string, family: 0 | 4 | 6 = 0): Promise<{ address: string; family: number }[]> {
  checkUpstreamHost(hostname);
  const host = bareHost(hostname);
  const addresses = isIP(host) ? [{ address: host, family: isIP(host) }] : await lookup(host, { all: true, family });
  for (const { address } of addresses) {
    const reason = refusedAddressReason(address);
    if (reason) throw new UpstreamAddressRefused(`must not target ${host}, which resolves to ${reason}; ${HOW_TO_ALLOW}`);
  }
  return addresses;
}
