import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { serverSecret } from './secrets.js';

/**
 * Signed session tokens: 32 random bytes and an HMAC-SHA256 tag of them under AUTH_SECRET, both base64url (43 + 43
 * characters, no separator, so they fit the bearer header's `[A-Za-z0-9_-]` alphabet). The server keeps only a
 * SHA-256 hash of a token (in `user_sessions`), so a token must be both signed by this deployment and a live session:
 * a forged or random one is refused without touching the database, a leaked table of hashes logs no one in, and a
 * revoked session stops working at once.
 */
const BODY_BYTES = 32;
const PART_LENGTH = 43;
export const SIGNED_TOKEN_LENGTH = 2 * PART_LENGTH;
const CONTEXT = 'reference-runtime/session-token/v1:';

function tag(body: string): string {
  return createHmac('sha256', serverSecret('AUTH_SECRET')).update(CONTEXT + body).digest('base64url');
}

export function signToken(): string {
  const body = randomBytes(BODY_BYTES).toString('base64url');
  return body + tag(body);
}

/** True when `token` was made by `signToken` under this deployment's secret (constant time in the tag). */
export function hasValidSignature(token: string): boolean {
  if (token.length !== SIGNED_TOKEN_LENGTH || !/^[A-Za-z0-9_-]+$/.test(token)) return false;
  const body = token.slice(0, PART_LENGTH);
  const given = Buffer.from(token.slice(PART_LENGTH), 'utf8');
  const expected = Buffer.from(tag(body), 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The token of an `Authorization: Bearer <token>` header, if the header has that shape. */
export function bearerTokenOf(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const match = /^Bearer ([A-Za-z0-9_-]{1,512})$/.exec(value ?? '');
  return match?.[1];
}
