/**
 * oidc-provider's configuration for the IdP: clients, TTLs, PKCE (required, S256 is the only
 * method oidc-provider 9 knows), refresh token rotation, client credentials and resource
 * indicators (RFC 8707) for the protected API, and consent on or off. Every default helper that
 * oidc-provider says "you SHOULD change" is set, so it prints no notice at run time.
 */
import {
  type Account,
  type Configuration,
  errors,
  type JWK,
  type KoaContextWithOIDC,
} from 'oidc-provider';
import { API_SCOPES, clientMetadataFor } from './clients.ts';

export interface ProviderSettings {
  issuer: string;
  /** The protected API's resource indicator (and its tokens' `aud`). */
  apiResource: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  /** false: no consent page; a grant for what the client asks is made at login. */
  consent: boolean;
  isAccount(accountId: string): boolean;
  adapter: Configuration['adapter'];
  /** Private signing keys (JWK) for ID tokens and the JWKS. */
  signingKeys: JWK[];
  /** Keys that sign oidc-provider's cookies. */
  cookieKeys: string[];
  /** Called when a grant is made without a consent page. */
  onConsentSkipped(): void;
  renderError: NonNullable<Configuration['renderError']>;
}

const AUTHORIZATION_CODE_TTL_SECONDS = 60;
const INTERACTION_TTL_SECONDS = 60 * 60;
/** Sessions and grants outlive any soak: a refresh must not fail because its grant ended. */
const SESSION_TTL_SECONDS = 14 * 24 * 60 * 60;

/** The configuration for `new Provider(settings.issuer, …)`. */
export function providerConfiguration(settings: ProviderSettings): Configuration {
  const accessTtl = settings.accessTokenTtlSeconds;
  return {
    adapter: settings.adapter,
    clients: clientMetadataFor(settings.issuer),
    findAccount: (_ctx, accountId) =>
      settings.isAccount(accountId) ? accountFor(accountId) : undefined,
    claims: { openid: ['sub'], profile: ['name', 'preferred_username'] },
    scopes: ['openid', 'offline_access', 'profile'],
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    cookies: { keys: settings.cookieKeys },
    jwks: { keys: settings.signingKeys },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        getResourceServerInfo: (_ctx, resourceIndicator) => {
          if (resourceIndicator !== settings.apiResource) {
            throw new errors.InvalidTarget();
          }
          return {
            scope: API_SCOPES.join(' '),
            audience: settings.apiResource,
            accessTokenTTL: accessTtl,
            accessTokenFormat: 'opaque',
          };
        },
        // A code or refresh token granted for the API gets API tokens without naming `resource`
        // again at the token endpoint; without it, one with `openid` gets a UserInfo token.
        useGrantedResource: () => true,
      },
    },
    pkce: { required: () => true },
    // Every refresh consumes the presented token and issues a new one; presenting a consumed one
    // again revokes the whole grant (oidc-provider's reuse detection).
    rotateRefreshToken: true,
    // oidc-provider's default issues one only for a granted `offline_access`, and it drops that
    // scope from any authorization request without `prompt=consent` (OIDC Core §11). Like
    // Keycloak, this IdP gives every code-flow client with the refresh_token grant one; without
    // `offline_access` it ends with the login session (14 days), with it it does not.
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    loadExistingGrant: settings.consent
      ? undefined
      : async (ctx) => {
          const grant = await existingGrantOf(ctx);
          if (grant !== undefined || ctx.oidc.session?.accountId === undefined) return grant;
          settings.onConsentSkipped();
          return grantEverythingRequested(ctx);
        },
    clientBasedCORS: () => false,
    renderError: settings.renderError,
    ttl: {
      AccessToken: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? accessTtl,
      ClientCredentials: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? accessTtl,
      AuthorizationCode: AUTHORIZATION_CODE_TTL_SECONDS,
      IdToken: accessTtl,
      RefreshToken: settings.refreshTokenTtlSeconds,
      Interaction: INTERACTION_TTL_SECONDS,
      Session: SESSION_TTL_SECONDS,
      Grant: SESSION_TTL_SECONDS,
    },
  };
}

function accountFor(accountId: string): Account {
  return {
    accountId,
    claims: () => ({ sub: accountId, preferred_username: accountId, name: `Demo ${accountId}` }),
  };
}

/** oidc-provider's default `loadExistingGrant`, that CONSENT=off builds on. */
async function existingGrantOf(ctx: KoaContextWithOIDC) {
  const grantId =
    ctx.oidc.result?.consent?.grantId ??
    ctx.oidc.session?.grantIdFor(ctx.oidc.client?.clientId ?? '');
  if (grantId === undefined) return undefined;
  return ctx.oidc.provider.Grant.find(grantId);
}

/** A saved grant of every scope, claim and API scope the authorization request asks for. */
async function grantEverythingRequested(ctx: KoaContextWithOIDC) {
  const { oidc } = ctx;
  const grant = new oidc.provider.Grant({
    accountId: oidc.session?.accountId,
    clientId: oidc.client?.clientId,
  });
  grant.addOIDCScope(oidc.requestParamOIDCScopes);
  grant.addOIDCClaims(oidc.requestParamClaims);
  for (const [indicator, server] of Object.entries(oidc.resourceServers ?? {})) {
    grant.addResourceScope(
      indicator,
      [...oidc.requestParamScopes].filter((scope) => server.scopes.has(scope)),
    );
  }
  await grant.save();
  return grant;
}
