/**
 * Requests and responses as plain data (oauth4webapi's split): lib/core builds a `RequestSpec`
 * and reads a `ResponseView`; lib/k6 only sends the one and fills the other. Every decision can
 * then be tested with canned responses and a frozen clock.
 */

/** The `endpoint` tag value: one per kind of request, never per URL (metric cardinality). */
export type Endpoint =
  | 'login'
  | 'refresh'
  | 'protected'
  | 'csrf'
  | 'logout'
  /** An identity provider's: OIDC discovery, the authorization request and the pages it leads to, the consent form, the token request. */
  | 'discovery'
  | 'authorize'
  | 'consent'
  | 'token'
  /** One GET in `setup()`, before load: does anything answer at `baseUrl`? */
  | 'preflight';

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
  /** The page's forms and meta tags, read when the step asked for them (`readPage`). */
  page?: HtmlPage;
}

/** An HTML page as the login walk reads it: plain data from k6's own HTML parser (lib/k6). */
export interface HtmlPage {
  forms: HtmlForm[];
  /** `<meta name=… content=…>`, name → content; the first of a repeated name wins. */
  meta: Record<string, string>;
}

export interface HtmlForm {
  /** The `action` attribute as written ('' when absent: the page's own URL). */
  action: string;
  /** Lower case; 'get' when absent. */
  method: string;
  /** The controls that have a name, in document order. */
  fields: FormField[];
  /** The roles whose CSS selector (`readPage`) this form matches. */
  roles: string[];
}

export interface FormField {
  name: string;
  /** `input`'s type in lower case ('text' when absent), or 'submit' (a button), 'select', 'textarea'. */
  type: string;
  value: string;
  /** A checkbox or radio that is checked; true for every other control. */
  checked: boolean;
  /** A button's text, which tells "Allow" from "Deny" when it has no value. */
  label?: string;
}

/** A `Set-Cookie`'s lifetime attributes, parsed (RFC 6265 §5.2.1, §5.2.2); absent when not sent. */
export interface CookieLifetime {
  /** `Max-Age` in seconds; ≤ 0 deletes the cookie. */
  maxAgeSeconds?: number;
  /** `Expires` in epoch milliseconds. */
  expiresAtMs?: number;
}
