/**
 * The URL arithmetic of a login walk, without the WHATWG `URL` class (k6's JavaScript runtime has
 * none): resolving a `Location` or a form's `action` against the page (RFC 3986 §5.2), origins
 * (RFC 6454), and query strings. Only absolute http(s) URLs come out.
 */

const ABSOLUTE = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(\?[^#]*)?(#.*)?$/i;

/**
 * `scheme://host[:port]`, scheme and host in lower case, without user info or the scheme's
 * default port (RFC 6454 §4: `https://h` and `https://h:443` are one origin); undefined for
 * anything else.
 */
export function originOf(url: string): string | undefined {
  const match = ABSOLUTE.exec(url);
  if (match === null) return undefined;
  const scheme = (match[1] ?? '').toLowerCase();
  const host = (match[2] ?? '').replace(/^.*@/, '').toLowerCase();
  const port = DEFAULT_PORTS[scheme];
  return `${scheme}://${port !== undefined && host.endsWith(port) ? host.slice(0, -port.length) : host}`;
}

const DEFAULT_PORTS: Record<string, string> = { http: ':80', https: ':443' };

/** The URL without its query and fragment. */
export function withoutQuery(url: string): string {
  const end = url.search(/[?#]/);
  return end === -1 ? url : url.slice(0, end);
}

/** The path of an absolute URL, for messages: no query (it may hold a code or a state). */
export function pathOf(url: string): string {
  const match = ABSOLUTE.exec(url);
  return match === null ? '(not a URL)' : match[3] || '/';
}

/** `reference` (a Location header, a form action) resolved against the absolute `base`. */
export function resolveUrl(base: string, reference: string): string {
  const ref = reference.trim();
  if (/^[a-z][a-z0-9+.-]*:/i.test(ref)) return ref;
  const match = ABSOLUTE.exec(base);
  if (match === null) return ref;
  const scheme = match[1] ?? 'http';
  const authority = match[2] ?? '';
  const path = match[3] || '/';
  const query = match[4] ?? '';
  if (ref.startsWith('//')) return `${scheme}:${ref}`;
  // §5.2.2: an empty reference is the base without its fragment; "#s" keeps its own fragment.
  if (ref === '' || ref.startsWith('#')) return `${scheme}://${authority}${path}${query}${ref}`;
  if (ref.startsWith('?')) return `${scheme}://${authority}${path}${ref}`;
  const [refPath = '', ...rest] = ref.split(/(?=[?#])/);
  const merged = refPath.startsWith('/') ? refPath : `${path.replace(/[^/]*$/, '')}${refPath}`;
  return `${scheme}://${authority}${removeDotSegments(merged)}${rest.join('')}`;
}

/** The query's parameters, decoded (`+` is a space); the first of a repeated name wins. */
export function queryParams(url: string): Record<string, string> {
  const start = url.indexOf('?');
  if (start === -1) return {};
  const end = url.indexOf('#', start);
  const params: Record<string, string> = {};
  for (const pair of url.slice(start + 1, end === -1 ? undefined : end).split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = decode(eq === -1 ? pair : pair.slice(0, eq));
    if (name !== undefined && !(name in params)) {
      params[name] = decode(eq === -1 ? '' : pair.slice(eq + 1)) ?? '';
    }
  }
  return params;
}

/**
 * application/x-www-form-urlencoded as the WHATWG URL standard serializes it (what
 * `URLSearchParams` produces): only `*-._` and alphanumerics stay as they are, space is `+`.
 */
export function formEncode(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/** `name=value&…`, form-encoded. */
export function encodeForm(fields: Record<string, string> | readonly [string, string][]): string {
  const pairs = Array.isArray(fields) ? fields : Object.entries(fields);
  return pairs.map(([key, value]) => `${formEncode(key)}=${formEncode(value)}`).join('&');
}

function decode(text: string): string | undefined {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

/** RFC 3986 §5.2.4. */
function removeDotSegments(path: string): string {
  const out: string[] = [];
  const segments = path.split('/');
  for (const [index, segment] of segments.entries()) {
    const last = index === segments.length - 1;
    if (segment === '..') {
      if (out.length > 1) out.pop();
      if (last) out.push('');
    } else if (segment === '.') {
      if (last) out.push('');
    } else {
      out.push(segment);
    }
  }
  const joined = out.join('/');
  return joined.startsWith('/') ? joined : `/${joined}`;
}
