import { createHash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { signToken } from '../../../core/auth/tokens.js';

/**
 * scrypt parameters. OWASP suggests N=2^17 (128 MiB per hash); 2^15 (32 MiB) keeps a login around 100 ms on the
 * small machines this runs on. They are stored in every hash, so raising them later only affects new hashes.
 */
const COST = 2 ** 15;
const BLOCK_SIZE = 8;
const PARALLELISM = 1;
const KEY_LENGTH = 32;
const DUMMY_SALT = randomBytes(16);

function deriveKey(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // scrypt needs 128·N·r bytes; Node's default ceiling (32 MiB) is exactly that for our parameters, so lift it.
    const maxmem = 256 * (options.N ?? COST) * (options.r ?? BLOCK_SIZE);
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, { ...options, maxmem }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/** `scrypt$N$r$p$salt$key`, salt and key in base64. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await deriveKey(password, salt, { N: COST, r: BLOCK_SIZE, p: PARALLELISM });
  return ['scrypt', COST, BLOCK_SIZE, PARALLELISM, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  const parts = stored?.split('$');
  if (!parts || parts.length !== 6 || parts[0] !== 'scrypt') {
    // Still spend the time of a real check, so a missing account does not answer faster than a wrong password.
    await deriveKey(password, DUMMY_SALT, { N: COST, r: BLOCK_SIZE, p: PARALLELISM });
    return false;
  }
  const [, n, r, p, salt, key] = parts;
  const expected = Buffer.from(key!, 'base64');
  const actual = await deriveKey(password, Buffer.from(salt!, 'base64'), { N: Number(n), r: Number(r), p: Number(p) });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A bearer token for the client (signed under AUTH_SECRET), and the hash under which the server keeps it. */
export function issueToken(): { token: string; hash: string } {
  const token = signToken();
  return { token, hash: hashToken(token) };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
