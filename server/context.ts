/** The state every route shares, built once by createApp. */
import type { ServerConfig } from './config.ts';
import type { Faults } from './faults.ts';
import type { Logger } from './log.ts';
import type { SessionStore } from './sessions.ts';
import type { Stats } from './stats.ts';
import type { FamilyStore } from './token-families.ts';
import type { UserStore } from './users.ts';

export interface AppContext {
  config: ServerConfig;
  /** HS256 key (a secret). */
  key: Buffer;
  users: UserStore;
  sessions: SessionStore;
  families: FamilyStore;
  stats: Stats;
  faults: Faults;
  log: Logger;
  /** Now for credentials, epoch ms: the injected clock plus the clock-offset fault. */
  authNow: () => number;
}
