/** The types of lib/k6/auth-client.ts's public methods. */
import type { Credentials } from '../core/auth/profile.ts';
import type { HttpMethod } from '../core/http-types.ts';
import type { K6Response } from './transport.ts';

/** A request to send with the VU's credentials. */
export interface AuthRequest {
  method: HttpMethod;
  /** A path relative to the profile's `baseUrl` ("/orders"), or an absolute URL. */
  path: string;
  /** Already encoded; set `Content-Type` in `headers`. */
  body?: string;
  headers?: Record<string, string>;
  /**
   * The `name` tag. Defaults to the URL without its query string: set it when the path holds
   * identifiers ("/orders/123"), or every id becomes its own time series.
   */
  name?: string;
  /**
   * Follow redirects? Off by default: in session mode a redirect to the login page is how an
   * expired session shows, and it must be seen.
   */
  followRedirects?: boolean;
}

/** The k6 response, or undefined when the VU could not authenticate (counted in `auth_errors`). */
export type AuthResponse = K6Response | undefined;

/** Where the VU's account comes from (lib/k6/credentials.ts). */
export interface CredentialsSource {
  sync: () => Credentials;
  /** Also resolves a `k6/secrets` password, which only an async call can read. */
  async: () => Promise<Credentials>;
  /** VUs may share an account (`-e SHARE_ACCOUNTS=true`). */
  shared: boolean;
}
