import { describe, expect, it } from 'vitest';
import { checkUpstreamUrl, refusedAddressReason, resolveUpstreamHost, UpstreamAddressRefused } from '../../server/net/upstream-address.js';

const refused = async (url: string, allowPrivate = false) => {
  const error = await checkUpstreamUrl(url, allowPrivate).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, url).toBeInstanceOf(UpstreamAddressRefused);
  return (error as Error).message;
};

describe('the upstream address rule', () => {
  it.each([
    ['127.0.0.1', 'a loopback address'],
    ['127.255.255.254', 'a loopback address'],
    ['::1', 'a loopback address'],
    ['10.1.2.3', 'a private address'],
    ['172.16.0.1', 'a private address'],
    ['172.31.255.255', 'a private address'],
    ['192.168.1.1', 'a private address'],
    ['100.64.0.1', 'a carrier-grade NAT address'],
    ['169.254.10.10', 'a link-local address'],
    ['fe80::1', 'a link-local address'],
    ['169.254.169.254', 'a cloud metadata address'],
    ['fd00:ec2::254', 'a cloud metadata address'],
    ['0.0.0.0', 'an unspecified address'],
    ['::', 'an unspecified address'],
    ['224.0.0.251', 'a multicast address'],
    ['ff02::1', 'a multicast address'],
    ['255.255.255.255', 'a reserved address'],
    ['240.0.0.1', 'a reserved address'],
    ['fc00::1', 'a unique local IPv6 address'],
    ['fd12:3456::1', 'a unique local IPv6 address'],
    // IPv4-mapped IPv6 meets the IPv4 rules; NAT64 and 6to4 may embed a private IPv4.
    ['::ffff:127.0.0.1', 'a loopback address'],
    ['::ffff:a00:1', 'a private address'],
    ['::ffff:169.254.169.254', 'a cloud metadata address'],
    ['64:ff9b::a00:1', 'a reserved address'],
    ['2002:7f00:1::1', 'a reserved address'],
  ])('refuses %s as %s', (address, reason) => {
    expect(refusedAddressReason(address)).toBe(reason);
  });

  it.each(['8.8.8.8', '1.1.1.1', '100.63.255.255', '100.128.0.1', '172.32.0.1', '11.0.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])(
    'lets the public address %s through',
    (address) => {
      expect(refusedAddressReason(address)).toBeNull();
    },
  );

  it.each([
    ['http://127.0.0.1:11434/v1', '127.0.0.1, a loopback address'],
    ['http://[::1]:8080/v1', '::1, a loopback address'],
    ['http://[::ffff:127.0.0.1]/v1', '::ffff:7f00:1, a loopback address'],
    ['http://10.0.0.5:11434/v1', '10.0.0.5, a private address'],
    ['http://169.254.169.254/latest/meta-data', '169.254.169.254, a cloud metadata address'],
    ['http://[fd00:ec2::254]/', 'fd00:ec2::254, a cloud metadata address'],
    ['http://metadata.google.internal./computeMetadata/v1', 'metadata.google.internal, a cloud metadata service'],
    // Decimal, octal and hex IPv4 forms: the URL parser makes them dotted before the check.
    ['http://2130706433/v1', '127.0.0.1, a loopback address'],
    ['http://0177.0.0.1/v1', '127.0.0.1, a loopback address'],
    ['http://0x7f000001/v1', '127.0.0.1, a loopback address'],
    ['http://0x7f.1/v1', '127.0.0.1, a loopback address'],
    ['http://0/v1', '0.0.0.0, an unspecified address'],
    // DNS decides for names: localhost resolves to loopback.
    ['http://localhost:4000/graphql', 'localhost, which resolves to a loopback address'],
  ])('refuses %s when set', async (url, what) => {
    const message = await refused(url);
    expect(message).toBe(`must not target ${what}; set KEYPLANE_ALLOW_PRIVATE_UPSTREAMS=true for single-tenant installs`);
  });

  it('refuses other schemes and credentials, even with private upstreams allowed', async () => {
    for (const url of ['file:///etc/passwd', 'ftp://10.0.0.5/', 'gopher://127.0.0.1:6379/_INFO', 'ws://llm.example.com/']) {
      expect(await refused(url, true)).toBe('must use http or https');
    }
    expect(await refused('https://user:pass@llm.example.com/v1', true)).toMatch(/must not contain credentials/);
    expect(await refused('not a url', true)).toMatch(/must be a URL/);
  });

  it('lets public names and, with the switch on, private addresses through', async () => {
    expect((await checkUpstreamUrl('https://203.0.114.7/v1', false)).href).toBe('https://203.0.114.7/v1');
    // A name that does not resolve from here is no address to refuse; the call checks again.
    expect((await checkUpstreamUrl('https://llm.invalid/v1', false)).hostname).toBe('llm.invalid');
    expect((await checkUpstreamUrl('http://127.0.0.1:11434/v1', true)).port).toBe('11434');
    expect((await checkUpstreamUrl('http://169.254.169.254/', true)).hostname).toBe('169.254.169.254');
  });

  it('resolves a name to every address it has, refusing it if any is private', async () => {
    await expect(resolveUpstreamHost('localhost')).rejects.toBeInstanceOf(UpstreamAddressRefused);
    await expect(resolveUpstreamHost('[::1]')).rejects.toThrow(/::1, a loopback address/);
    expect(await resolveUpstreamHost('203.0.114.7')).toEqual([{ address: '203.0.114.7', family: 4 }]);
  });
});
