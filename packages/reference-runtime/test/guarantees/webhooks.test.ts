import { execFileSync } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import type { LookupAddress } from 'node:dns';
import { hostname } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { sendWebhook } from '../../src/core/webhooks/delivery.js';
import { egressDenial, type EgressPolicy } from '../../src/core/webhooks/egress.js';
import { WebhookManager } from '../../src/core/webhooks/manager.js';
import { WebhookSigner, WebhookVerificationError, generateWebhookSecret } from '../../src/core/webhooks/signer.js';
import { requireOfMachine, waitFor } from '../support/servers.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

/**
 * Guarantee 4 (DESIGN.md): Standard Webhooks signatures, and egress that refuses loopback, private, link-local and
 * metadata addresses by the address actually connected to. What test/core/webhooks.test.ts already proves (the
 * specification's known-answer vector, headers, two signatures during rotation, the same webhook-id on every retry,
 * the timeout) is cited from there in GUARANTEES.md; this file adds the explicit allow-list the tests' own receivers
 * need, every refused range through a real delivery attempt, resolution at connect time, redirects, and the tolerance
 * on both sides of "now".
 */

const receivers: WebhookReceiver[] = [];
const receiver = async (...args: Parameters<typeof startWebhookReceiver>) => {
  const started = await startWebhookReceiver(...args);
  receivers.push(started);
  return started;
};
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

const portOf = (r: WebhookReceiver) => Number(new URL(r.url()).port);
/** The explicit allow-list a test uses for its own receiver: that address and port, nothing else on loopback. */
const allowOnly = (r: WebhookReceiver): EgressPolicy => ({ allow: [`127.0.0.1:${portOf(r)}`] });
const send = (url: string, egress: EgressPolicy, timeoutMs = 2000) =>
  sendWebhook({ url, body: '{"type":"guarantee.ping"}', headers: {} }, { timeoutMs, egress });
/** A resolver that maps every name to fixed addresses (no DNS traffic leaves the machine). */
const resolvingTo = (...addresses: string[]) => async (): Promise<LookupAddress[]> =>
  addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

describe('Standard Webhooks signatures', () => {
  it('webhook-id, webhook-timestamp and webhook-signature = v1,<base64 HMAC-SHA256 of id.timestamp.body>: a known-answer vector', () => {
    const key = Buffer.from('guarantees-known-answer-key-0001');
    const secret = `whsec_${key.toString('base64')}`;
    const body = '{"type":"trade_desk.requirement_published","data":{"id":"r-1"}}';
    const headers = new WebhookSigner(secret).headers('msg_guarantee', body, new Date(1_700_000_000_000));
    expect(headers['webhook-id']).toBe('msg_guarantee');
    expect(headers['webhook-timestamp']).toBe('1700000000');
    // Known answer, computed outside Node: printf '%s' 'msg_guarantee.1700000000.<body>' |
    //   openssl dgst -sha256 -hmac 'guarantees-known-answer-key-0001' -binary | base64
    expect(headers['webhook-signature']).toBe('v1,JADu1lrUQxi0vd/zoqwrtqfoMeq0JhF4zd0ioYRZfPo=');
    expect(createHmac('sha256', key).update(`msg_guarantee.1700000000.${body}`).digest('base64')).toBe(
      'JADu1lrUQxi0vd/zoqwrtqfoMeq0JhF4zd0ioYRZfPo=',
    );
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
  });

  it('accepts a timestamp up to 5 minutes off in either direction and refuses 5 minutes and 1 second', () => {
    const secret = generateWebhookSecret();
    const signer = new WebhookSigner(secret);
    const sentAt = new Date('2026-01-01T12:00:00Z');
    const headers = { ...signer.headers('msg_t', '{}', sentAt) };
    for (const offset of [-300, -1, 0, 1, 300]) {
      expect(() => signer.verify('{}', headers, { now: new Date(sentAt.getTime() + offset * 1000) })).not.toThrow();
    }
    for (const offset of [-301, 301, 3600]) {
      expect(() => signer.verify('{}', headers, { now: new Date(sentAt.getTime() + offset * 1000) })).toThrow(WebhookVerificationError);
    }
  });

  it('while a secret rotates, every attempt carries two signatures and keeps its webhook-id across retries (allow-listed receiver)', async () => {
    const hooks = await receiver((_request, n) => (n < 2 ? 503 : 200));
    const manager = new WebhookManager({ egress: allowOnly(hooks), backoff: { baseMs: 10, capMs: 20 }, timeoutMs: 2000, onError: () => undefined });
    try {
      const subscription = await manager.createSubscription({ organizationId: 'org-g', url: hooks.url(), eventTypes: ['*'] });
      const { secret: newSecret } = await manager.rotateSecret('org-g', subscription.id);
      const [delivery] = await manager.enqueueEvent({
        eventId: randomUUID(),
        eventType: 'guarantee.rotated',
        organizationId: 'org-g',
        payload: { n: 1 },
        occurredAt: new Date().toISOString(),
      });
      await waitFor(async () => {
        await manager.runOnce();
        return (await manager.getDelivery('org-g', delivery!.id)).status === 'SUCCESS';
      }, 'the delivery to succeed on its third attempt');

      expect(hooks.received).toHaveLength(3);
      expect(new Set(hooks.received.map((r) => r.headers['webhook-id']))).toEqual(new Set([delivery!.messageId]));
      for (const request of hooks.received) {
        expect(String(request.headers['webhook-signature']).split(' ')).toHaveLength(2);
        new WebhookSigner(newSecret).verify(request.body, request.headers);
        new WebhookSigner(subscription.secret).verify(request.body, request.headers);
      }
    } finally {
      await manager.stop();
    }
  });
});

describe('webhook egress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['10.0.0.1', 'private'],
    ['10.255.255.254', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.254', 'private'],
    ['192.168.0.1', 'private'],
    ['192.168.255.254', 'private'],
    ['169.254.169.254', 'metadata'],
    ['[::1]', 'loopback'],
    ['[::ffff:127.0.0.1]', 'loopback'],
  ])('refuses a delivery to %s (%s) before connecting', async (host, kind) => {
    const result = await send(`http://${host}:9/hooks`, {});
    expect(result.ok).toBe(false);
    expect(result.statusCode).toBeNull();
    expect(result.error).toMatch(/refused/);
    expect(result.error).toContain(kind === 'metadata' ? 'metadata' : kind);
  });

  it('draws the ranges exactly: 172.15.x and 172.32.x, 11.x and 192.169.x are public', () => {
    for (const address of ['172.15.255.255', '172.32.0.0', '11.0.0.1', '192.169.0.1', '128.0.0.1']) {
      expect(egressDenial(address)).toBeUndefined();
    }
  });

  it('allows exactly what the allow-list names: its receiver, not another port on loopback, never metadata', async () => {
    const listed = await receiver();
    const unlisted = await receiver();
    expect(await send(listed.url(), allowOnly(listed))).toMatchObject({ ok: true, statusCode: 200 });
    expect(await send(unlisted.url(), allowOnly(listed))).toMatchObject({ ok: false, statusCode: null });
    expect(unlisted.received).toHaveLength(0);
    expect(egressDenial('169.254.169.254', { allow: ['169.254.0.0/16', '0.0.0.0/0'] })).toContain('metadata');
    expect(egressDenial('10.1.2.3', { allow: ['10.0.0.0/8'] })).toBeUndefined();
    expect(egressDenial('::1', { allow: ['[::1]:8080'] }, 8080)).toBeUndefined();
    expect(egressDenial('::1', { allow: ['[::1]:8080'] }, 8081)).toContain('loopback');
  });

  it('checks the address a name resolves to, at connect time: a name that resolves to loopback is refused', async () => {
    const hooks = await receiver();
    const url = `http://hooks.partner.example:${portOf(hooks)}/in`;
    let lookups = 0;
    const resolve = async (): Promise<LookupAddress[]> => {
      lookups++;
      return [{ address: '127.0.0.1', family: 4 }];
    };
    const refused = await send(url, { resolve });
    expect(refused).toMatchObject({ ok: false, statusCode: null });
    expect(refused.error).toMatch(/hooks\.partner\.example refused: 127\.0\.0\.1 is a loopback address/);
    expect(lookups).toBe(1); // resolved by the connect itself, so what is checked is what would be connected to
    expect(hooks.received).toHaveLength(0);

    // A name with any denied address is refused (a rebinding answer mixing a public and a private address).
    expect(await send(url, { resolve: resolvingTo('203.0.113.10', '10.0.0.7') })).toMatchObject({ ok: false });
    // The same name, resolving to the allow-listed receiver, is delivered: the check is on the address, not the name.
    expect(await send(url, { resolve, ...allowOnly(hooks) })).toMatchObject({ ok: true, statusCode: 200 });
    expect(hooks.received).toHaveLength(1);
  });

  it('refuses a name on this machine that resolves to loopback through the system resolver', async (context) => {
    // The machine's own name (in /etc/hosts → 127.0.x.x on Debian and on these machines), found, not assumed.
    const name = [hostname(), 'localhost.'].find((candidate) => {
      try {
        return execFileSync('getent', ['hosts', candidate], { encoding: 'utf8' }).startsWith('127.');
      } catch {
        return false;
      }
    });
    if (!name) return requireOfMachine(context, 'no name on this machine resolves to 127.0.0.0/8 besides "localhost"');
    const result = await send(`http://${name}:9/hooks`, {});
    expect(result).toMatchObject({ ok: false, statusCode: null });
    expect(result.error).toMatch(new RegExp(`^${name.replace(/\./g, '\\.')} refused: 127\\.[0-9.]+ is a loopback address$`));
  });

  it('does not follow a redirect, to a private address or anywhere else', async () => {
    const hooks = await receiver((request) =>
      request.path === '/to-private'
        ? { status: 302, headers: { location: 'http://10.0.0.1/admin' } }
        : { status: 307, headers: { location: '/followed' } },
    );
    for (const path of ['/to-private', '/to-self']) {
      const result = await send(hooks.url(path), allowOnly(hooks));
      expect(result).toMatchObject({ ok: false, error: expect.stringMatching(/redirect \(30[27]\) not followed/) });
    }
    expect(hooks.received.map((r) => r.path)).toEqual(['/to-private', '/to-self']);
  });

  it('gives up on a receiver that never answers within the bounded timeout', async () => {
    const hooks = await receiver(() => 'hang');
    // The receiver never answers: the send returns at all only because it gives up at its timeout.
    const result = await send(hooks.url(), allowOnly(hooks), 250);
    expect(result).toMatchObject({ ok: false, statusCode: null, error: 'timed out after 250 ms' });
    expect(hooks.received).toHaveLength(1);
  });
});
