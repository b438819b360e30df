import http from 'node:http';
import https from 'node:https';
import { assertUrlAllowed, guardedLookup, portOf, type EgressPolicy } from './egress.js';

/**
 * Delivery states (the seed's WebhookDelivery tracking): PENDING until the first attempt, FAILED while retries
 * remain, SUCCESS once a 2xx came back, DEAD_LETTER when the retries are spent.
 */
export const DeliveryStatus = { PENDING: 'PENDING', FAILED: 'FAILED', SUCCESS: 'SUCCESS', DEAD_LETTER: 'DEAD_LETTER' } as const;
export type DeliveryStatus = (typeof DeliveryStatus)[keyof typeof DeliveryStatus];

export interface DeliveryRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
}

export interface DeliveryOptions {
  timeoutMs: number;
  egress?: EgressPolicy;
  userAgent?: string;
}

/** The outcome of one HTTP attempt. */
export interface AttemptResult {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

/** Enough of a response body to free the socket; receivers' bodies are not kept. */
const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * POSTs one signed webhook with Node's http/https. Success is a 2xx. A redirect is a failure (following it would let
 * a receiver bounce us to an address the egress policy refuses), and so is anything slower than `timeoutMs` in total.
 */
export async function sendWebhook(request: DeliveryRequest, options: DeliveryOptions): Promise<AttemptResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let url: URL;
  try {
    url = assertUrlAllowed(request.url, options.egress);
  } catch (error) {
    return { ok: false, statusCode: null, error: (error as Error).message, durationMs: elapsed() };
  }
  const client = url.protocol === 'https:' ? https : http;
  const body = Buffer.from(request.body, 'utf8');

  return new Promise<AttemptResult>((resolve) => {
    let settled = false;
    const finish = (result: Omit<AttemptResult, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      resolve({ ...result, durationMs: elapsed() });
    };
    const req = client.request(url, {
      method: 'POST',
      agent: false,
      lookup: guardedLookup(options.egress, portOf(url)),
      headers: {
        'content-type': 'application/json',
        'content-length': String(body.length),
        'user-agent': options.userAgent ?? 'reference-runtime-webhooks/1',
        ...request.headers,
      },
    });
    // One deadline for the whole exchange: connect, send, and the receiver's answer.
    const deadline = setTimeout(() => {
      req.destroy();
      finish({ ok: false, statusCode: null, error: `timed out after ${options.timeoutMs} ms` });
    }, options.timeoutMs);
    req.on('error', (error) => finish({ ok: false, statusCode: null, error: error.message }));
    req.on('response', (res) => {
      const statusCode = res.statusCode ?? 0;
      let received = 0;
      res.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > MAX_RESPONSE_BYTES) res.destroy();
      });
      const done = () => {
        if (statusCode >= 200 && statusCode < 300) return finish({ ok: true, statusCode, error: null });
        const error =
          statusCode >= 300 && statusCode < 400 ? `redirect (${statusCode}) not followed` : `receiver answered ${statusCode}`;
        finish({ ok: false, statusCode, error });
      };
      res.on('end', done);
      res.on('close', done);
      res.on('error', done);
    });
    req.end(body);
  });
}
