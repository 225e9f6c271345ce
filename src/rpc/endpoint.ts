/**
 * What it takes to reach an endpoint the way users really have them: credentials in the URL
 * (sent as HTTP Basic auth, never as part of the origin), extra headers such as API keys,
 * and private CAs for https. Also how an endpoint is shown: its secrets (userinfo, query
 * values, header values) never appear in a message.
 */
import { X509Certificate } from 'node:crypto';
import { rootCertificates } from 'node:tls';

import { KlayworkerError } from '../util/errors.js';

/** One `--header "Name: value"`; the name lower-cased, as HTTP/1.1 treats it. */
export interface Header {
  readonly name: string;
  readonly value: string;
}

/** A header that cannot be sent; the message names the problem, never the value. */
export class HeaderError extends KlayworkerError {
  override name = 'HeaderError';
}

/** RFC 9110 token characters. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/**
 * Headers the client sets itself or that undici refuses in a request: a user's copy would
 * contradict the JSON-RPC body or the keep-alive pool.
 */
const RESERVED = new Set(['content-type', 'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'expect', 'te', 'host']);

/** `Name: value` (spaces around the value are trimmed); throws a HeaderError naming the problem. */
export function parseHeader(text: string): Header {
  const colon = text.indexOf(':');
  if (colon < 0) throw new HeaderError('expected "Name: value" (no colon)');
  const name = text.slice(0, colon).trim();
  // The name is not shown: a mistyped header may hold its secret before the colon.
  if (!TOKEN.test(name)) throw new HeaderError('expected "Name: value", and the text before the colon is not a header name');
  const lower = name.toLowerCase();
  if (RESERVED.has(lower)) throw new HeaderError(`${name} is set by klayworker itself and cannot be given`);
  const value = text.slice(colon + 1).trim();
  // CR or LF would split the request's headers (header injection); NUL is never valid.
  if (/[\r\n\0]/.test(value)) throw new HeaderError(`the value of ${name} contains a line break or NUL`);
  return { name: lower, value };
}

/** The headers as `Name: value` lines, for handing them to a child process (values hold no line breaks). */
export function headerLines(headers: readonly Header[]): string {
  return headers.map((h) => `${h.name}: ${h.value}`).join('\n');
}

/** Where and how to send JSON-RPC requests for one endpoint URL. */
export interface EndpointTarget {
  /** What the sockets connect to: scheme, host and port, without credentials. */
  origin: string;
  /** The request target: path and query string. */
  path: string;
  /** Every request's headers as undici's flat [name, value, ...] list. */
  headers: string[];
}

/**
 * `url` and the extra headers as a target: credentials in the URL become an
 * `Authorization: Basic` header (percent-decoded), unless `headers` has its own Authorization,
 * which wins. Throws a TypeError (without the URL's secrets) for a URL it cannot use.
 */
export function endpointTarget(url: string, headers: readonly Header[] = []): EndpointTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError('JSON-RPC endpoint is not a URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new TypeError(`JSON-RPC endpoint must be an http:// or https:// URL, got ${parsed.protocol}`);
  }
  const flat = ['content-type', 'application/json'];
  const basic = basicAuthorization(parsed);
  if (basic !== undefined && !headers.some((h) => h.name === 'authorization')) flat.push('authorization', basic);
  for (const h of headers) flat.push(h.name, h.value);
  // URL.origin never carries the userinfo.
  return { origin: parsed.origin, path: parsed.pathname + parsed.search, headers: flat };
}

/** `Basic base64(user:password)` for a URL with userinfo, both parts percent-decoded; undefined without. */
export function basicAuthorization(url: URL): string | undefined {
  if (url.username === '' && url.password === '') return undefined;
  let user: string;
  let password: string;
  try {
    user = decodeURIComponent(url.username);
    password = decodeURIComponent(url.password);
  } catch {
    throw new TypeError('the credentials in the endpoint URL are not valid percent-encoding');
  }
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}

/**
 * `url` fit to print: the userinfo and every query-string value replaced by `***`
 * (`https://***@host/rpc?apikey=***`). Text that is not a URL is not shown at all.
 */
export function redactEndpoint(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '(not a URL)';
  }
  const userinfo = parsed.username !== '' || parsed.password !== '' ? '***@' : '';
  const query = parsed.search === '' ? '' : `?${[...parsed.searchParams.keys()].map((k) => `${encodeURIComponent(k)}=***`).join('&')}`;
  return `${parsed.protocol}//${userinfo}${parsed.host}${parsed.pathname}${query}`;
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+?-----END CERTIFICATE-----/g;

/**
 * The certificates of a PEM file's text, each checked to parse; throws a TypeError when
 * there is none or one is broken.
 */
export function parsePemCertificates(text: string): string[] {
  const certs = text.match(PEM_CERT) ?? [];
  if (certs.length === 0) throw new TypeError('no PEM certificate in it (expected -----BEGIN CERTIFICATE-----)');
  for (const [i, pem] of certs.entries()) {
    try {
      new X509Certificate(pem);
    } catch {
      throw new TypeError(`certificate ${i + 1} in it is not a valid X.509 certificate`);
    }
  }
  return certs;
}

/**
 * The CAs an https connection trusts given extra ones: Node's own set plus these. undici's
 * `connect.ca` replaces Node's set, so it is given both; without extra CAs it is left unset.
 */
export function trustedCas(extra: readonly string[]): string[] | undefined {
  return extra.length === 0 ? undefined : [...rootCertificates, ...extra];
}

/** How every client of one endpoint reaches it, besides the URL: validated once, at start. */
export interface EndpointAccess {
  /** --header, in order. */
  readonly headers: readonly Header[];
  /** --ca-file's certificates (PEM), or none. */
  readonly ca: readonly string[];
}
