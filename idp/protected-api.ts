/**
 * `GET /api/protected`: the API behind the IdP. It takes a Bearer access token (RFC 6750 §2.1)
 * from the code flow or from client credentials and looks it up in oidc-provider's own store
 * (`AccessToken.find`, `ClientCredentials.find`: opaque tokens, expiry and session binding
 * checked by oidc-provider). A token minted for another audience, or bound to a DPoP key or a
 * certificate, is refused.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Provider } from 'oidc-provider';
import { bearerTokenOf } from '../server/credentials.ts';
import { sendJson } from '../server/respond.ts';
import type { IdpStats } from './stats.ts';

export const PROTECTED_PATH = '/api/protected';

const REALM = 'k6-auth-toolkit-idp';

/** Answers the protected API; `apiResource` is the one audience besides UserInfo tokens' none. */
export async function answerProtected(
  req: IncomingMessage,
  res: ServerResponse,
  deps: { provider: Provider; stats: IdpStats; apiResource: string },
): Promise<void> {
  const { provider, stats } = deps;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendJson(
      res,
      405,
      { error: 'method_not_allowed', message: 'expected GET' },
      { allow: 'GET, HEAD' },
    );
    return;
  }
  const presented = bearerTokenOf(req);
  if (presented.kind === 'absent') {
    // RFC 6750 §3.1: a request without credentials gets a challenge without an error code.
    stats.protectedAnswered(false);
    sendJson(
      res,
      401,
      {
        error: 'missing_token',
        message: 'no access token; reason: expected Authorization: Bearer <token>',
      },
      { 'www-authenticate': `Bearer realm="${REALM}"` },
    );
    return;
  }
  const value = presented.kind === 'bearer' ? presented.token : '';
  const token =
    (await provider.AccessToken.find(value)) ?? (await provider.ClientCredentials.find(value));
  const audiences = token?.aud === undefined ? [] : [token.aud].flat();
  const usable =
    token !== undefined &&
    !token.isExpired &&
    !token.isSenderConstrained() &&
    audiences.every((audience) => audience === deps.apiResource);
  if (!usable) {
    stats.protectedAnswered(false);
    sendJson(
      res,
      401,
      {
        error: 'invalid_token',
        message:
          'access token refused; reason: expected a live token of this IdP, got an unknown, expired or revoked one',
      },
      {
        'www-authenticate': `Bearer realm="${REALM}", error="invalid_token", error_description="The access token is unknown, expired or revoked"`,
      },
    );
    return;
  }
  stats.protectedAnswered(true);
  sendJson(res, 200, {
    ok: true,
    sub: 'accountId' in token ? token.accountId : null,
    clientId: token.clientId,
    scope: token.scope ?? '',
    aud: token.aud ?? null,
    expiresAt: token.exp,
  });
}
