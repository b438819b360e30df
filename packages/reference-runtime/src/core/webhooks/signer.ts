import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Signatures on the Standard Webhooks scheme (https://www.standardwebhooks.com):
 *   webhook-id         the message id, the same on every retry of one delivery;
 *   webhook-timestamp  unix seconds of this attempt;
 *   webhook-signature  `v1,` + base64(HMAC-SHA256(key, `${id}.${timestamp}.${body}`)), space-separated when a secret
 *                      is being rotated and the message is signed with the new and the old one.
 * A secret is `whsec_` + base64 of the key bytes; the HMAC key is the decoded bytes.
 */
export const SECRET_PREFIX = 'whsec_';
export const DEFAULT_TOLERANCE_SECONDS = 5 * 60;

export interface WebhookHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError';
}

export function generateWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(24).toString('base64');
}

export function isWebhookSecret(value: unknown): value is string {
  if (typeof value !== 'string' || !value.startsWith(SECRET_PREFIX)) return false;
  const encoded = value.slice(SECRET_PREFIX.length);
  return /^[A-Za-z0-9+/]+={0,2}$/.test(encoded) && Buffer.from(encoded, 'base64').length >= 16;
}

export class WebhookSigner {
  private readonly keys: Buffer[];

  /** `secrets[0]` is the current secret; the others are still accepted (and signed with) during a rotation. */
  constructor(secrets: string | readonly string[]) {
    const list = typeof secrets === 'string' ? [secrets] : [...secrets];
    if (list.length === 0) throw new TypeError('WebhookSigner needs at least one secret');
    this.keys = list.map(decodeSecret);
  }

  /** The webhook-signature header value for one message. */
  sign(messageId: string, timestamp: number, body: string): string {
    return this.keys.map((key) => `v1,${digest(key, messageId, timestamp, body)}`).join(' ');
  }

  headers(messageId: string, body: string, now: Date = new Date()): WebhookHeaders {
    const timestamp = Math.floor(now.getTime() / 1000);
    return {
      'webhook-id': messageId,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': this.sign(messageId, timestamp, body),
    };
  }

  /**
   * Checks a received message as a receiver would: a timestamp within the tolerance (against replays) and at least
   * one `v1` signature made with one of our secrets. Throws {@link WebhookVerificationError} otherwise.
   */
  verify(
    body: string,
    headers: Record<string, string | string[] | undefined>,
    options: { toleranceSeconds?: number; now?: Date } = {},
  ): void {
    const id = single(headers['webhook-id']);
    const timestampHeader = single(headers['webhook-timestamp']);
    const signatureHeader = single(headers['webhook-signature']);
    if (!id || !timestampHeader || !signatureHeader) throw new WebhookVerificationError('missing webhook headers');
    if (!/^\d+$/.test(timestampHeader)) throw new WebhookVerificationError('webhook-timestamp is not unix seconds');
    const timestamp = Number(timestampHeader);
    const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
    const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
    if (Math.abs(now - timestamp) > tolerance) throw new WebhookVerificationError('webhook-timestamp is outside the tolerance');
    const candidates = signatureHeader
      .split(' ')
      .filter((part) => part.startsWith('v1,'))
      .map((part) => Buffer.from(part.slice(3), 'base64'));
    for (const key of this.keys) {
      const expected = Buffer.from(digest(key, id, timestamp, body), 'base64');
      if (candidates.some((candidate) => candidate.length === expected.length && timingSafeEqual(candidate, expected))) return;
    }
    throw new WebhookVerificationError('no matching signature');
  }
}

function digest(key: Buffer, messageId: string, timestamp: number, body: string): string {
  return createHmac('sha256', key).update(`${messageId}.${timestamp}.${body}`).digest('base64');
}

function decodeSecret(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  const key = Buffer.from(encoded, 'base64');
  if (key.length === 0) throw new TypeError('webhook secret is empty or not base64');
  return key;
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
