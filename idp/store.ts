/**
 * The IdP's storage: an oidc-provider adapter over one in-process Map per IdP, without a size
 * limit. oidc-provider's own development MemoryAdapter is an LRU of about 1000 (at most 2000)
 * entries, and every login saves nine or so (interactions, session and its uid index, grant and
 * its index, code, access and refresh token): past a few hundred logged-in VUs it would evict
 * live refresh tokens, and a load test would measure the store instead of the flow. Entries
 * expire as oidc-provider asks (lazily on read, and a sweep once a minute keeps a soak flat).
 */
import type { Adapter, AdapterPayload } from 'oidc-provider';

const SWEEP_EVERY_MS = 60_000;

/** Models whose entries belong to a grant and go when the grant is revoked. */
const GRANTABLE = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
  'PreAuthorizedCode',
]);

interface Entry {
  value: unknown;
  /** Infinity: kept until destroyed. */
  expiresAtMs: number;
}

export interface IdpStore {
  /** The `adapter` option of oidc-provider's configuration. */
  adapterFor(model: string): Adapter;
  /** Entries held now (expired ones not yet swept included). */
  size(): number;
  /** Stops the sweep timer. */
  close(): void;
}

/** A store whose clock is `now` (epoch ms); `clockToleranceSeconds` keeps entries that long past `expiresIn`. */
export function createIdpStore(
  options: { now?: () => number; clockToleranceSeconds?: number } = {},
): IdpStore {
  const now = options.now ?? Date.now;
  const toleranceMs = (options.clockToleranceSeconds ?? 0) * 1000;
  const entries = new Map<string, Entry>();

  const get = (key: string): unknown => {
    const entry = entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAtMs <= now()) {
      entries.delete(key);
      return undefined;
    }
    return entry.value;
  };
  const set = (key: string, value: unknown, expiresAtMs: number): void => {
    entries.set(key, { value, expiresAtMs });
  };
  const expiryOf = (expiresInSeconds: number | undefined): number =>
    typeof expiresInSeconds === 'number'
      ? now() + expiresInSeconds * 1000 + toleranceMs
      : Number.POSITIVE_INFINITY;

  // A grant's members: entry key → its expiry, so revoking a grant finds every token of it.
  // Kept apart from the entries and pruned by the sweep: a soak adds two per refresh.
  const grants = new Map<string, Map<string, number>>();
  const sessionUidKey = (uid: string) => `sessionUid:${uid}`;
  const userCodeKey = (userCode: string) => `userCode:${userCode}`;
  const removeIndexes = (model: string, id: string, key: string, payload: AdapterPayload) => {
    if (typeof payload.uid === 'string' && get(sessionUidKey(payload.uid)) === id) {
      entries.delete(sessionUidKey(payload.uid));
    }
    if (typeof payload.userCode === 'string' && get(userCodeKey(payload.userCode)) === id) {
      entries.delete(userCodeKey(payload.userCode));
    }
    if (GRANTABLE.has(model) && typeof payload.grantId === 'string') {
      const members = grants.get(payload.grantId);
      members?.delete(key);
      if (members?.size === 0) grants.delete(payload.grantId);
    }
  };

  const sweep = setInterval(() => {
    const nowMs = now();
    for (const [key, entry] of entries) if (entry.expiresAtMs <= nowMs) entries.delete(key);
    for (const [grantId, members] of grants) {
      for (const [key, expiresAtMs] of members) if (expiresAtMs <= nowMs) members.delete(key);
      if (members.size === 0) grants.delete(grantId);
    }
  }, SWEEP_EVERY_MS);
  sweep.unref();

  return {
    adapterFor(model) {
      const keyOf = (id: string) => `${model}:${id}`;
      const find = async (id: string) => get(keyOf(id)) as AdapterPayload | undefined;
      return {
        async upsert(id, payload, expiresIn) {
          const key = keyOf(id);
          const previous = get(key) as AdapterPayload | undefined;
          if (previous !== undefined) removeIndexes(model, id, key, previous);
          const expiresAtMs = expiryOf(expiresIn);
          if (model === 'Session' && typeof payload.uid === 'string') {
            set(sessionUidKey(payload.uid), id, expiresAtMs);
          }
          if (GRANTABLE.has(model) && typeof payload.grantId === 'string') {
            const members = grants.get(payload.grantId) ?? new Map<string, number>();
            members.set(key, expiresAtMs);
            grants.set(payload.grantId, members);
          }
          if (typeof payload.userCode === 'string') {
            set(userCodeKey(payload.userCode), id, expiresAtMs);
          }
          set(key, payload, expiresAtMs);
        },
        find,
        async findByUid(uid) {
          const id = get(sessionUidKey(uid));
          return typeof id === 'string' ? find(id) : undefined;
        },
        async findByUserCode(userCode) {
          const id = get(userCodeKey(userCode));
          return typeof id === 'string' ? find(id) : undefined;
        },
        async consume(id) {
          const payload = get(keyOf(id)) as AdapterPayload | undefined;
          // oidc-provider's own adapter stores the time of consumption (epoch seconds).
          if (payload !== undefined) payload.consumed = Math.floor(now() / 1000);
        },
        async destroy(id) {
          const key = keyOf(id);
          const payload = get(key) as AdapterPayload | undefined;
          entries.delete(key);
          if (payload !== undefined) removeIndexes(model, id, key, payload);
        },
        async revokeByGrantId(grantId) {
          const members = grants.get(grantId) ?? new Map<string, number>();
          grants.delete(grantId);
          for (const key of members.keys()) {
            const payload = get(key) as AdapterPayload | undefined;
            entries.delete(key);
            if (payload !== undefined) {
              const id = payload.jti ?? key.slice(key.indexOf(':') + 1);
              removeIndexes('', id, key, payload);
            }
          }
        },
      };
    },
    size: () => entries.size,
    close: () => clearInterval(sweep),
  };
}
