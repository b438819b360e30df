import { randomBytes } from 'node:crypto';

/**
 * The server secrets: AUTH_SECRET signs session tokens, OTP_SECRET keys the hashes of one-time passwords. Both are
 * read from the process environment. Outside development they must be set (the runtime refuses to start without
 * them); in development a random secret is made once per process, so nothing guessable is ever used — and sessions
 * and pending codes simply end with the process.
 *
 * Development is NODE_ENV=development or NODE_ENV=test, or the explicit flag `server.ts --dev` (what `npm start` runs).
 */
export type SecretName = 'AUTH_SECRET' | 'OTP_SECRET';

/** Shorter secrets are refused: 32 characters of a random base64 string carry ~190 bits. */
export const MIN_SECRET_LENGTH = 32;

let developmentFlag = false;
const generated = new Map<SecretName, Buffer>();

/** `server.ts --dev`: this process is a developer's, whatever NODE_ENV says. */
export function enableDevelopmentMode(): void {
  developmentFlag = true;
}

export function isDevelopment(env: NodeJS.ProcessEnv = process.env): boolean {
  return developmentFlag || env.NODE_ENV === 'development' || env.NODE_ENV === 'test';
}

/** The secret `name`, or a per-process random one in development; throws outside development when it is not set. */
export function serverSecret(name: SecretName): Buffer {
  const value = process.env[name];
  if (value !== undefined && value !== '') {
    if (value.length < MIN_SECRET_LENGTH) throw new Error(`${name} must be at least ${MIN_SECRET_LENGTH} characters`);
    return Buffer.from(value, 'utf8');
  }
  if (!isDevelopment()) {
    throw new Error(
      `${name} must be set outside development (NODE_ENV=${process.env.NODE_ENV ?? '(unset)'}): ` +
        'generate one with `openssl rand -base64 48`, or run with --dev / NODE_ENV=development',
    );
  }
  let secret = generated.get(name);
  if (!secret) generated.set(name, (secret = randomBytes(32)));
  return secret;
}

/** Which secrets this process made up for itself (development without AUTH_SECRET / OTP_SECRET), for the start-up log. */
export function generatedSecrets(): SecretName[] {
  return [...generated.keys()];
}

/** Checks at start-up that every secret is there (or may be generated), so a misconfigured server fails at once. */
export function assertServerSecrets(): void {
  serverSecret('AUTH_SECRET');
  serverSecret('OTP_SECRET');
}
