/**
 * The IdP's registered clients: fixed ids and fixed demo secrets, so a test, a profile or
 * `npm start` can name them without asking the IdP. The secrets are demo values, exported for
 * tests and scripts to pass on; nothing prints them.
 */
import type { ClientMetadata } from 'oidc-provider';

/** Authorization code + PKCE + refresh, `client_secret_basic` (RFC 6749 §2.3.1, HTTP Basic). */
export const CONFIDENTIAL_CLIENT_ID = 'k6-confidential';
export const CONFIDENTIAL_CLIENT_SECRET = 'k6-confidential-demo-secret-not-for-production';
/** Authorization code + PKCE + refresh, `client_secret_post` (credentials in the form body). */
export const CONFIDENTIAL_POST_CLIENT_ID = 'k6-confidential-post';
export const CONFIDENTIAL_POST_CLIENT_SECRET =
  'k6-confidential-post-demo-secret-not-for-production';
/** Authorization code + PKCE + refresh, no secret (`token_endpoint_auth_method: none`). */
export const PUBLIC_CLIENT_ID = 'k6-public';
/** Client credentials only (RFC 6749 §4.4), `client_secret_basic`. */
export const SERVICE_CLIENT_ID = 'k6-service';
export const SERVICE_CLIENT_SECRET = 'k6-service-demo-secret-not-for-production';

/** Where the code flow's clients are sent back to: on the IdP's own origin, which answers it. */
export const CALLBACK_PATH = '/callback';

/** The scopes of the protected API (a resource server, RFC 8707). */
export const API_SCOPES = ['api:read', 'api:write'] as const;

/**
 * The OpenID scopes a code-flow client may ask for. A client's `scope` may only list the
 * provider's own scopes; the API's scopes are bounded by its resource server instead.
 */
const CODE_FLOW_SCOPE = 'openid offline_access profile';

/** oidc-provider's `clients` configuration for an IdP at `issuer`. */
export function clientMetadataFor(issuer: string): ClientMetadata[] {
  const codeFlow: Pick<
    ClientMetadata,
    'grant_types' | 'response_types' | 'redirect_uris' | 'scope'
  > = {
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    // A web client's redirect URI is compared exactly (a native client's loopback port would be
    // ignored, RFC 8252 §7.3, but native clients are always asked for consent).
    redirect_uris: [`${issuer}${CALLBACK_PATH}`],
    scope: CODE_FLOW_SCOPE,
  };
  return [
    {
      ...codeFlow,
      client_id: CONFIDENTIAL_CLIENT_ID,
      client_secret: CONFIDENTIAL_CLIENT_SECRET,
      client_name: 'k6 demo (confidential)',
      token_endpoint_auth_method: 'client_secret_basic',
    },
    {
      ...codeFlow,
      client_id: CONFIDENTIAL_POST_CLIENT_ID,
      client_secret: CONFIDENTIAL_POST_CLIENT_SECRET,
      client_name: 'k6 demo (confidential, secret in the body)',
      token_endpoint_auth_method: 'client_secret_post',
    },
    {
      ...codeFlow,
      client_id: PUBLIC_CLIENT_ID,
      client_name: 'k6 demo (public)',
      token_endpoint_auth_method: 'none',
    },
    {
      client_id: SERVICE_CLIENT_ID,
      client_secret: SERVICE_CLIENT_SECRET,
      client_name: 'k6 demo service',
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ];
}
