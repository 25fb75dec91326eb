import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { isIP } from "node:net";

/**
 * Server-side request forgery guard for webhook targets: an address on a private, loopback,
 * link-local, shared or reserved network is refused unless the admin allowed it for that webhook.
 * The check runs on the address actually connected to (a custom `lookup`), so a name that resolves
 * to a public address when saved and to 127.0.0.1 when sent is still refused.
 */

const V4_BLOCKS: readonly [string, number][] = [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
];

const v4Number = (ip: string) => ip.split(".").reduce((n, part) => n * 256 + Number(part), 0);

function isPrivateV4(ip: string): boolean {
  const n = v4Number(ip);
  return V4_BLOCKS.some(([base, bits]) => {
    const size = 2 ** (32 - bits);
    const start = v4Number(base);
    return n >= start && n < start + size;
  });
}

function expandV6(ip: string): number[] {
  const [head = "", tail = ""] = ip.split("::");
  const parse = (part: string) => (part === "" ? [] : part.split(":"));
  const headParts = parse(head);
  const tailParts = ip.includes("::") ? parse(tail) : [];
  // An embedded IPv4 at the end (::ffff:1.2.3.4) is two groups.
  const convert = (parts: string[]) =>
    parts.flatMap((p) => {
      if (!p.includes(".")) return [Number.parseInt(p, 16)];
      const n = v4Number(p);
      return [Math.floor(n / 65536), n % 65536];
    });
  const h = convert(headParts);
  const t = convert(tailParts);
  return [...h, ...new Array(Math.max(0, 8 - h.length - t.length)).fill(0), ...t];
}

function isPrivateV6(ip: string): boolean {
  const g = expandV6(ip.toLowerCase().split("%")[0] ?? "");
  const [a = 0] = g;
  if (g.every((x) => x === 0)) return true; // ::
  if (g.slice(0, 7).every((x) => x === 0) && g[7] === 1) return true; // ::1
  // IPv4-mapped (::ffff:a.b.c.d) and NAT64 (64:ff9b::a.b.c.d): judge the IPv4 address.
  const embedded = `${(g[6] ?? 0) >> 8}.${(g[6] ?? 0) & 255}.${(g[7] ?? 0) >> 8}.${(g[7] ?? 0) & 255}`;
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) return isPrivateV4(embedded);
  if (a === 0x64 && g[1] === 0xff9b) return isPrivateV4(embedded);
  if ((a & 0xfe00) === 0xfc00) return true; // fc00::/7 unique local
  if ((a & 0xffc0) === 0xfe80) return true; // fe80::/10 link-local
  if ((a & 0xff00) === 0xff00) return true; // multicast
  if (a === 0x2001 && g[1] === 0x0db8) return true; // documentation
  return false;
}

/** Whether an IP address is on a network a webhook must not reach by default. */
export function isPrivateAddress(ip: string): boolean {
  const family = isIP(ip);
  if (family === 4) return isPrivateV4(ip);
  if (family === 6) return isPrivateV6(ip);
  return true;
}

export class BlockedTargetError extends Error {
  constructor(readonly address: string) {
    super(
      `the target resolves to ${address}, a private or loopback address; an admin must allow private addresses for this webhook`,
    );
    this.name = "BlockedTargetError";
  }
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/** A `lookup` for http.request that refuses private addresses (unless allowed). */
export function guardedLookup(allowPrivate: boolean) {
  return (hostname: string, options: object, callback: LookupCallback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const list = addresses as LookupAddress[];
      const blocked = allowPrivate ? undefined : list.find((a) => isPrivateAddress(a.address));
      if (blocked) return callback(new BlockedTargetError(blocked.address), []);
      if ((options as { all?: boolean }).all) return callback(null, list);
      const first = list[0];
      if (!first) return callback(new Error(`${hostname} has no address`), []);
      callback(null, first.address, first.family);
    });
  };
}

/** Refuses a URL whose host is a literal private address (no lookup happens for those). */
export function checkLiteralHost(url: URL, allowPrivate: boolean): void {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (!allowPrivate && isIP(host) !== 0 && isPrivateAddress(host)) throw new BlockedTargetError(host);
  if (!allowPrivate && (host === "localhost" || host.endsWith(".localhost"))) {
    throw new BlockedTargetError(host);
  }
}
