/**
 * Just enough of a browser to walk the IdP's login with Node's fetch: a cookie jar that honours
 * `Path` and deletion (oidc-provider scopes its interaction cookies to `/interaction/<uid>` and
 * `/auth/<uid>`), redirects followed by hand, the first form of a page read with its hidden
 * inputs, and a PKCE pair (RFC 7636 §4.1–4.2). For tests only: the toolkit's own form walker is
 * what these tests stand in for.
 */
import { createHash, randomBytes } from 'node:crypto';

interface StoredCookie {
  value: string;
  path: string;
}

export class CookieJar {
  readonly #cookies = new Map<string, StoredCookie>();

  /** Takes the `Set-Cookie` headers of `res`, answered for a request to `url`. */
  store(res: Response, url: URL): void {
    for (const header of res.headers.getSetCookie()) {
      const [pair = '', ...attributes] = header.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      let path = url.pathname.replace(/\/[^/]*$/, '') || '/';
      let expired = false;
      for (const attribute of attributes) {
        const [key = '', raw = ''] = attribute.split('=');
        const lower = key.trim().toLowerCase();
        if (lower === 'path') path = raw.trim();
        if (lower === 'expires' && Date.parse(raw) <= Date.now()) expired = true;
        if (lower === 'max-age' && Number(raw) <= 0) expired = true;
      }
      const key = `${name};${path}`;
      if (expired) this.#cookies.delete(key);
      else this.#cookies.set(key, { value, path });
    }
  }

  /** The `Cookie` header for `url` (RFC 6265 §5.1.4 path match), or undefined. */
  headerFor(url: URL): string | undefined {
    const pairs: string[] = [];
    for (const [key, cookie] of this.#cookies) {
      const { path } = cookie;
      const matches =
        url.pathname === path ||
        (url.pathname.startsWith(path) &&
          (path.endsWith('/') || url.pathname[path.length] === '/'));
      if (matches) pairs.push(`${key.slice(0, key.indexOf(';'))}=${cookie.value}`);
    }
    return pairs.length === 0 ? undefined : pairs.join('; ');
  }

  /** Cookie names held, for assertions. */
  names(): string[] {
    return [...this.#cookies.keys()].map((key) => key.slice(0, key.indexOf(';')));
  }

  clear(): void {
    this.#cookies.clear();
  }
}

export interface Page {
  url: URL;
  status: number;
  headers: Headers;
  text: string;
}

/** One request without following redirects; cookies go out from and come back into `jar`. */
export async function send(
  jar: CookieJar,
  url: URL | string,
  init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {},
): Promise<Page> {
  const target = new URL(url);
  const headers: Record<string, string> = { accept: 'text/html', ...init.headers };
  const cookie = jar.headerFor(target);
  if (cookie !== undefined) headers.cookie = cookie;
  const request: RequestInit = { method: init.method ?? 'GET', headers, redirect: 'manual' };
  if (init.form !== undefined) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    request.body = new URLSearchParams(init.form).toString();
  }
  const res = await fetch(target, request);
  jar.store(res, target);
  return { url: target, status: res.status, headers: res.headers, text: await res.text() };
}

/**
 * Follows 3xx answers from `page` (GET, same jar) until a page that is no redirect, or until a
 * redirect to `stopAt` (its origin and path), which is returned unrequested as a URL.
 */
export async function followRedirects(
  jar: CookieJar,
  page: Page,
  stopAt: string,
): Promise<{ page: Page } | { redirect: URL }> {
  let current = page;
  for (let hop = 0; hop < 10; hop += 1) {
    const location = current.headers.get('location');
    if (current.status < 300 || current.status >= 400 || location === null)
      return { page: current };
    const next = new URL(location, current.url);
    if (`${next.origin}${next.pathname}` === stopAt) return { redirect: next };
    current = await send(jar, next);
  }
  throw new Error(`more than 10 redirects from ${page.url.pathname}`);
}

export interface HtmlForm {
  action: URL;
  method: string;
  /** Every `<input>` with a name, in page order (hidden ones included), with its value. */
  inputs: Record<string, string>;
  /** Names of `type="hidden"` inputs. */
  hidden: string[];
}

/** The `index`-th `<form>` of `page`, its action resolved against the page URL. */
export function formOf(page: Page, index = 0): HtmlForm {
  const forms = [...page.text.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)];
  const form = forms[index];
  if (form === undefined) throw new Error(`no form #${index} on ${page.url.pathname}`);
  const attributes = form[1] ?? '';
  const attribute = (source: string, name: string): string | undefined =>
    new RegExp(`\\b${name}="([^"]*)"`, 'i').exec(source)?.[1];
  const inputs: Record<string, string> = {};
  const hidden: string[] = [];
  for (const input of (form[2] ?? '').matchAll(/<input\b([^>]*)>/gi)) {
    const source = input[1] ?? '';
    const name = attribute(source, 'name');
    if (name === undefined) continue;
    inputs[name] = decodeEntities(attribute(source, 'value') ?? '');
    if (attribute(source, 'type') === 'hidden') hidden.push(name);
  }
  return {
    action: new URL(decodeEntities(attribute(attributes, 'action') ?? ''), page.url),
    method: (attribute(attributes, 'method') ?? 'get').toLowerCase(),
    inputs,
    hidden,
  };
}

function decodeEntities(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

export interface PkcePair {
  verifier: string;
  challenge: string;
}

/** A fresh 43-character verifier and its S256 challenge. */
export function createPkcePair(): PkcePair {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}
