/**
 * Requests and responses as plain data (oauth4webapi's split): lib/core builds a `RequestSpec`
 * and reads a `ResponseView`; lib/k6 only sends the one and fills the other. Every decision can
 * then be tested with canned responses and a frozen clock.
 */

/** The `endpoint` tag value: one per kind of request, never per URL (metric cardinality). */
export type Endpoint = 'login' | 'refresh' | 'protected' | 'csrf' | 'logout';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RequestSpec {
  endpoint: Endpoint;
  method: HttpMethod;
  /** Absolute URL. */
  url: string;
  /** Header names as the server should see them; values may hold secrets: never log them. */
  headers: Record<string, string>;
  /** Already encoded (form or JSON); absent for no body. */
  body?: string;
  /** Follow redirects? Form logins answer 302 and the redirect must be seen, so default false. */
  followRedirects?: boolean;
}

export interface ResponseView {
  /** HTTP status; 0 when the request failed without a response (connection error, timeout). */
  status: number;
  /** Header names in lower case; a repeated header joined with ", ". */
  headers: Record<string, string>;
  body: string;
  /** Cookies set by this response, name → value. */
  setCookies: Record<string, string>;
  /** Lifetime attributes of those cookies, name → attributes; absent: none known. */
  cookieLifetimes?: Record<string, CookieLifetime>;
  /** When the response was received, in epoch milliseconds (the basis for `expires_in`). */
  receivedAtMs: number;
}

/** A `Set-Cookie`'s lifetime attributes, parsed (RFC 6265 §5.2.1, §5.2.2); absent when not sent. */
export interface CookieLifetime {
  /** `Max-Age` in seconds; ≤ 0 deletes the cookie. */
  maxAgeSeconds?: number;
  /** `Expires` in epoch milliseconds. */
  expiresAtMs?: number;
}
