/**
 * The toolkit's auth metrics: the contract users write thresholds against (docs/writing-scripts.md,
 * "Metrics and tags").
 * Every sample carries the `auth` tag (the mode), like every request.
 */
import { Counter, Rate } from 'k6/metrics';

/** Successful logins, the first of each VU included. */
export const authLogins = new Counter('auth_logins');
/** Successful refreshes (RFC 6749 §6). */
export const authRefreshes = new Counter('auth_refreshes');
/** Successful logins that replaced earlier credentials: expiry, a refused refresh, a lost session. */
export const authRelogins = new Counter('auth_relogins');
/** Protected responses saying the credentials expired or were revoked (401, redirect to login). */
export const authExpiredRejections = new Counter('auth_expired_rejections');
/** Per login or refresh attempt: true when it failed (any reason), false when it worked. */
export const authErrors = new Rate('auth_errors');
