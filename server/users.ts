/**
 * The demo users `user1..userN` / `pass1..passN`, stored only as scrypt hashes. A user's hash is
 * derived on their first login and cached, so start-up stays instant for any USERS and SCRYPT_COST
 * (1000 users at N=16384 would take about a minute to hash up front on two cores).
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

const KEY_BYTES = 32;
const SALT_BYTES = 16;
/** scrypt's `r` (block size) and `p` (parallelism): the common interactive-login choice. */
const BLOCK_SIZE = 8;
const PARALLELISM = 1;
const USERNAME = /^user([1-9]\d{0,6})$/;

interface StoredHash {
  salt: Buffer;
  hash: Buffer;
}

export interface UserStore {
  /**
   * True when `password` is the user's. An unknown username costs one scrypt too, and gives the
   * same false, so neither the answer nor its timing tells which part was wrong.
   */
  verifyPassword(username: string, password: string): Promise<boolean>;
}

/** The demo user store with `userCount` users and scrypt cost `N` = `scryptCost`. */
export function createUserStore(userCount: number, scryptCost: number): UserStore {
  // Node refuses scrypt above `maxmem` (32 MiB by default); 128·N·r bytes is what it needs.
  const options = {
    N: scryptCost,
    r: BLOCK_SIZE,
    p: PARALLELISM,
    maxmem: 256 * scryptCost * BLOCK_SIZE + 1024 * 1024,
  };
  const derive = (password: string, salt: Buffer) =>
    new Promise<Buffer>((resolve, reject) => {
      scrypt(password, salt, KEY_BYTES, options, (error, key) => {
        if (error) reject(error);
        else resolve(key);
      });
    });

  // Promises, so that concurrent first logins of one user derive its hash once.
  const hashes = new Map<string, Promise<StoredHash>>();
  const storedHashOf = (username: string, index: number): Promise<StoredHash> => {
    let stored = hashes.get(username);
    if (stored === undefined) {
      const salt = randomBytes(SALT_BYTES);
      stored = derive(`pass${index}`, salt).then((hash) => ({ salt, hash }));
      hashes.set(username, stored);
    }
    return stored;
  };
  const decoy = storedHashOf('', 0);

  return {
    async verifyPassword(username, password) {
      const index = userIndexOf(username);
      const known = index !== null && index <= userCount;
      const stored = await (known ? storedHashOf(username, index) : decoy);
      const candidate = await derive(password, stored.salt);
      return known && timingSafeEqual(candidate, stored.hash);
    },
  };
}

function userIndexOf(username: string): number | null {
  const match = USERNAME.exec(username);
  return match?.[1] === undefined ? null : Number(match[1]);
}
