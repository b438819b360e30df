import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { egressDenial, guardedLookup, EgressDeniedError } from '../../src/core/webhooks/egress.js';
import { WebhookManager, matchesEventType, type WebhookEvent, type WebhookManagerOptions } from '../../src/core/webhooks/manager.js';
import { WebhookQueue, defaultPriority } from '../../src/core/webhooks/queue.js';
import { WebhookSigner, WebhookVerificationError, generateWebhookSecret } from '../../src/core/webhooks/signer.js';
import { openTestDatabase, type TestDatabase } from '../support/database.js';
import { waitFor } from '../support/servers.js';
import { startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from '../support/webhook-receiver.js';

/** HMAC-SHA256 of `${id}.${timestamp}.${body}` with the decoded secret — written out here, independent of the signer. */
function expectedSignature(secret: string, id: string, timestamp: string, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
}

const signaturesOf = (request: ReceivedWebhook) =>
  String(request.headers['webhook-signature'])
    .split(' ')
    .map((s) => s.replace(/^v1,/, ''));

const event = (eventType: string, organizationId: string | null = 'org-1', payload: Record<string, unknown> = {}): WebhookEvent => ({
  eventId: randomUUID(),
  eventType,
  organizationId,
  payload,
  occurredAt: new Date().toISOString(),
});

describe('WebhookSigner', () => {
  it('matches the example vector published with the Standard Webhooks specification', () => {
    const signer = new WebhookSigner('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
    expect(signer.sign('msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}')).toBe(
      'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    );
  });

  it('signs our own vector exactly as node:crypto computes it', () => {
    const secret = `whsec_${Buffer.from(Array.from({ length: 32 }, (_, i) => i)).toString('base64')}`;
    const body = '{"type":"requirement.published","data":{"id":"r-42","quantity":120}}';
    const expected = createHmac('sha256', Buffer.from(Array.from({ length: 32 }, (_, i) => i)))
      .update(`msg_2b5TQyH9M8dMmRk.1700000000.${body}`)
      .digest('base64');
    expect(new WebhookSigner(secret).sign('msg_2b5TQyH9M8dMmRk', 1700000000, body)).toBe(`v1,${expected}`);
  });

  it('verifies within ±5 minutes, with any of the rotated secrets, and rejects tampering', () => {
    const [oldSecret, newSecret] = [generateWebhookSecret(), generateWebhookSecret()];
    const now = new Date('2025-11-30T10:00:00Z');
    const headers = new WebhookSigner([newSecret, oldSecret]).headers('msg_1', '{"a":1}', now);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);

    new WebhookSigner(oldSecret).verify('{"a":1}', { ...headers }, { now });
    new WebhookSigner(newSecret).verify('{"a":1}', { ...headers }, { now: new Date(now.getTime() + 299_000) });
    expect(() => new WebhookSigner(newSecret).verify('{"a":2}', { ...headers }, { now })).toThrow(WebhookVerificationError);
    expect(() => new WebhookSigner(newSecret).verify('{"a":1}', { ...headers }, { now: new Date(now.getTime() + 301_000) })).toThrow(
      /tolerance/,
    );
    expect(() => new WebhookSigner(generateWebhookSecret()).verify('{"a":1}', { ...headers }, { now })).toThrow(/no matching/);
  });
});

describe('WebhookQueue', () => {
  it('serves HIGH before MEDIUM before LOW, first in first out within a priority, up to its capacity', () => {
    const queue = new WebhookQueue<string>(5);
    expect(queue.push('low-1', 'LOW')).toBe(true);
    queue.push('medium-1', 'MEDIUM');
    queue.push('high-1', 'HIGH');
    queue.push('low-2', 'LOW');
    queue.push('high-2', 'HIGH');
    expect(queue.push('overflow', 'HIGH')).toBe(false);
    expect(queue.drain()).toEqual(['high-1', 'high-2', 'medium-1', 'low-1', 'low-2']);
    expect(queue.size).toBe(0);
  });

  it('ranks risk signals highest and state changes above the rest', () => {
    expect(defaultPriority('risk.requirement_risk_alert')).toBe('HIGH');
    expect(defaultPriority('risk.credit_limit_warning')).toBe('HIGH');
    expect(defaultPriority('partners.partner_approved')).toBe('MEDIUM');
    expect(defaultPriority('requirement.published')).toBe('MEDIUM');
    expect(defaultPriority('requirement.created')).toBe('LOW');
  });
});

describe('webhook egress policy', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.20.0.5', 'private'],
    ['192.168.1.10', 'private'],
    ['fd12:3456::1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fd00:ec2::254', 'link-local'],
    ['0.0.0.0', 'link-local'],
  ])('refuses %s (%s)', (address, kind) => {
    expect(egressDenial(address)).toContain(kind === 'link-local' ? 'link-local' : kind);
  });

  it('allows public addresses, and loopback or private ones only when told to; metadata never', () => {
    expect(egressDenial('203.0.113.7')).toBeUndefined();
    expect(egressDenial('2001:db8::1')).toBeUndefined();
    expect(egressDenial('127.0.0.1', { allowLoopback: true })).toBeUndefined();
    expect(egressDenial('10.0.0.1', { allowPrivate: true })).toBeUndefined();
    expect(egressDenial('169.254.169.254', { allowLoopback: true, allowPrivate: true })).toBeDefined();
  });

  it('checks the address a name resolves to', async () => {
    const lookup = (policy: Parameters<typeof guardedLookup>[0]) =>
      new Promise<unknown>((resolve, reject) =>
        guardedLookup(policy)('localhost', { all: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))),
      );
    await expect(lookup({})).rejects.toBeInstanceOf(EgressDeniedError);
    await expect(lookup({ allowLoopback: true })).resolves.toBeInstanceOf(Array);
  });

  it('refuses loopback, metadata and credential URLs when a subscription is created', async () => {
    const manager = new WebhookManager();
    const create = (url: string) => manager.createSubscription({ organizationId: 'org-1', url, eventTypes: ['*'] });
    await expect(create('http://127.0.0.1:8080/hook')).rejects.toMatchObject({ statusCode: 400 });
    await expect(create('http://localhost/hook')).rejects.toMatchObject({ statusCode: 400 });
    await expect(create('http://169.254.169.254/latest/meta-data')).rejects.toMatchObject({ statusCode: 400 });
    await expect(create('https://user:pass@hooks.example.com/')).rejects.toMatchObject({ statusCode: 400 });
    await expect(create('ftp://hooks.example.com/')).rejects.toMatchObject({ statusCode: 400 });
    await expect(create('https://hooks.example.com/in')).resolves.toMatchObject({ url: 'https://hooks.example.com/in' });
  });
});

describe('matchesEventType', () => {
  it('matches exact types, "prefix.*" and "*"', () => {
    expect(matchesEventType(['requirement.*'], 'requirement.published')).toBe(true);
    expect(matchesEventType(['requirement.*'], 'requirements.published')).toBe(false);
    expect(matchesEventType(['partners.partner_approved'], 'partners.partner_approved')).toBe(true);
    expect(matchesEventType(['partners.partner_approved'], 'partners.partner_rejected')).toBe(false);
    expect(matchesEventType(['*'], 'anything.at_all')).toBe(true);
  });
});

// The delivery behaviour is the same on both stores; the runtime uses the database, a bare manager memory.
describe.each(['database', 'memory'] as const)('WebhookManager (%s store)', (storeKind) => {
  let db: TestDatabase | undefined;
  let receiver: WebhookReceiver;
  const managers: WebhookManager[] = [];

  beforeAll(async () => {
    if (storeKind === 'database') db = await openTestDatabase();
  });
  afterAll(async () => db?.close());
  afterEach(async () => {
    await Promise.all(managers.splice(0).map((m) => m.stop()));
    await receiver?.close();
    await db?.database.exec('DELETE FROM webhook_subscriptions');
  });

  const manager = (options: WebhookManagerOptions = {}) => {
    const created = new WebhookManager({
      ...(db ? { database: db.database } : {}),
      egress: { allowLoopback: true },
      backoff: { baseMs: 10, capMs: 40 },
      timeoutMs: 2000,
      onError: () => undefined,
      ...options,
    });
    managers.push(created);
    return created;
  };

  /** Runs the manager until the delivery is final (bounded). */
  const settle = async (webhooks: WebhookManager, organizationId: string, id: string) =>
    waitFor(async () => {
      await webhooks.runOnce();
      const delivery = await webhooks.getDelivery(organizationId, id);
      return (delivery.status === 'SUCCESS' || delivery.status === 'DEAD_LETTER') && delivery;
    }, `delivery ${id} to finish`);

  it('delivers a signed POST that verifies with the subscription secret', async () => {
    receiver = await startWebhookReceiver();
    const webhooks = manager();
    const subscription = await webhooks.createSubscription({
      organizationId: 'org-1',
      url: receiver.url(),
      eventTypes: ['requirement.*'],
      description: 'ERP bridge',
    });
    expect(subscription.secret).toMatch(/^whsec_/);
    const published = event('requirement.published', 'org-1', { requirementId: 'r-1', quantity: 120 });

    const [delivery] = await webhooks.enqueueEvent(published);
    expect(delivery).toMatchObject({ status: 'PENDING', priority: 'MEDIUM', eventId: published.eventId });
    const sendingFrom = Math.floor(Date.now() / 1000);
    expect(await webhooks.runOnce()).toEqual({ attempted: 1, succeeded: 1, failed: 0, deadLettered: 0 });
    const sendingTo = Math.floor(Date.now() / 1000);

    expect(receiver.received).toHaveLength(1);
    const [request] = receiver.received;
    const id = String(request!.headers['webhook-id']);
    const timestamp = String(request!.headers['webhook-timestamp']);
    expect(id).toBe(delivery!.messageId);
    expect(id).toMatch(/^msg_[0-9a-f]{32}$/);
    // Stamped when sent: within the runOnce that sent it, however long that took.
    expect(Number(timestamp)).toBeGreaterThanOrEqual(sendingFrom);
    expect(Number(timestamp)).toBeLessThanOrEqual(sendingTo);
    expect(request!.headers['webhook-signature']).toBe(`v1,${expectedSignature(subscription.secret, id, timestamp, request!.body)}`);
    expect(request!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request!.body)).toEqual({
      type: 'requirement.published',
      timestamp: published.occurredAt,
      data: { requirementId: 'r-1', quantity: 120 },
      eventId: published.eventId,
      organizationId: 'org-1',
    });
    new WebhookSigner(subscription.secret).verify(request!.body, request!.headers);

    const tracked = await webhooks.getDelivery('org-1', delivery!.id);
    expect(tracked).toMatchObject({ status: 'SUCCESS', attempts: 1, lastStatusCode: 200, lastError: null });
    expect(tracked.deliveredAt).not.toBeNull();
  });

  it('delivers only to active subscriptions of the event organisation whose filters match, once per event', async () => {
    receiver = await startWebhookReceiver();
    const webhooks = manager();
    const wanted = await webhooks.createSubscription({ organizationId: 'org-1', url: receiver.url('/wanted'), eventTypes: ['requirement.*'] });
    await webhooks.createSubscription({ organizationId: 'org-1', url: receiver.url('/partners'), eventTypes: ['partners.partner_approved'] });
    await webhooks.createSubscription({ organizationId: 'org-2', url: receiver.url('/other-org'), eventTypes: ['*'] });
    const paused = await webhooks.createSubscription({ organizationId: 'org-1', url: receiver.url('/paused'), eventTypes: ['*'] });
    await webhooks.updateSubscription('org-1', paused.id, { active: false });
    const published = event('requirement.published');

    const first = await webhooks.enqueueEvent(published);
    const again = await webhooks.enqueueEvent(published); // the relay delivers at least once
    await webhooks.runOnce();

    expect(first.map((d) => d.subscriptionId)).toEqual([wanted.id]);
    expect(again).toEqual([]);
    expect(receiver.received.map((r) => r.path)).toEqual(['/wanted']);
    expect(await webhooks.enqueueEvent(event('requirement.published', null))).toEqual([]);
  });

  it('retries a failing receiver with backoff, with the same webhook-id and body each time', async () => {
    receiver = await startWebhookReceiver((_request, n) => [500, 503][n] ?? 200);
    const webhooks = manager({ backoff: { baseMs: 30, capMs: 1000 } });
    const subscription = await webhooks.createSubscription({ organizationId: 'org-1', url: receiver.url(), eventTypes: ['*'] });
    const [delivery] = await webhooks.enqueueEvent(event('risk.requirement_risk_alert'));

    const firstAttemptFrom = Date.now();
    expect(await webhooks.runOnce()).toMatchObject({ attempted: 1, failed: 1 });
    const failed = await webhooks.getDelivery('org-1', delivery!.id);
    expect(failed).toMatchObject({ status: 'FAILED', attempts: 1, lastStatusCode: 500, lastError: 'receiver answered 500' });
    expect(Date.parse(failed.nextAttemptAt)).toBeGreaterThanOrEqual(firstAttemptFrom + 30);

    const done = await settle(webhooks, 'org-1', delivery!.id);
    expect(done).toMatchObject({ status: 'SUCCESS', attempts: 3, lastStatusCode: 200 });
    const log = await webhooks.deliveryAttempts('org-1', delivery!.id);
    expect(log.map((a) => [a.attempt, a.statusCode])).toEqual([[1, 500], [2, 503], [3, 200]]);
    // Exponential: the second retry waited at least twice the first one's 30 ms.
    expect(receiver.received[1]!.receivedAt - receiver.received[0]!.receivedAt).toBeGreaterThanOrEqual(30);
    expect(receiver.received[2]!.receivedAt - receiver.received[1]!.receivedAt).toBeGreaterThanOrEqual(60);
    expect(new Set(receiver.received.map((r) => r.headers['webhook-id'])).size).toBe(1);
    expect(new Set(receiver.received.map((r) => r.body)).size).toBe(1);
    for (const request of receiver.received) {
      const signed = expectedSignature(subscription.secret, String(request.headers['webhook-id']), String(request.headers['webhook-timestamp']), request.body);
      expect(signaturesOf(request)).toEqual([signed]);
    }
  });

  it('does not retry a delivery before its backoff has run out', async () => {
    receiver = await startWebhookReceiver(() => 500);
    const webhooks = manager({ backoff: { baseMs: 60_000, capMs: 60_000 } });
    await webhooks.createSubscription({ organizationId: 'org-1', url: receiver.url(), eventTypes: ['*'] });
    const [delivery] = await webhooks.enqueueEvent(event('risk.requirement_risk_alert'));

    const firstAttemptFrom = Date.now();
    expect(await webhooks.runOnce()).toMatchObject({ attempted: 1, failed: 1 });
    expect(Date.parse((await webhooks.getDelivery('org-1', delivery!.id)).nextAttemptAt)).toBeGreaterThanOrEqual(firstAttemptFrom + 60_000);
    // Due in a minute: the polls meanwhile leave it alone.
    expect(await webhooks.runOnce()).toMatchObject({ attempted: 0 });
    expect(await webhooks.runOnce()).toMatchObject({ attempted: 0 });
    expect(receiver.received).toHaveLength(1);
  });

  it('dead-letters a delivery after 5 retries, and replays it with the same webhook-id', async () => {
    receiver = await startWebhookReceiver(() => 500);
    const webhooks = manager({ backoff: { baseMs: 1, capMs: 4 } });
    await webhooks.createSubscription({ organizationId: 'org-1', url: receiver.url(), eventTypes: ['*'] });
    const [delivery] = await webhooks.enqueueEvent(event('partners.partner_rejected'));

    const dead = await settle(webhooks, 'org-1', delivery!.id);

    expect(dead).toMatchObject({ status: 'DEAD_LETTER', attempts: 6, lastStatusCode: 500 });
    expect(dead.deadLetteredAt).not.toBeNull();
    expect(receiver.received).toHaveLength(6); // the first attempt and 5 retries
    expect((await webhooks.deliveryAttempts('org-1', delivery!.id)).map((a) => a.attempt)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await webhooks.runOnce()).toMatchObject({ attempted: 0 });
    expect(await webhooks.listDeliveries('org-1', { status: 'DEAD_LETTER' })).toHaveLength(1);

    receiver.respondWith(() => 204);
    expect(await webhooks.replayDelivery('org-1', delivery!.id)).toMatchObject({ status: 'PENDING', attempts: 0 });
    expect(await settle(webhooks, 'org-1', delivery!.id)).toMatchObject({ status: 'SUCCESS', attempts: 1 });
    expect(receiver.received[6]!.headers['webhook-id']).toBe(delivery!.messageId);
    await expect(webhooks.replayDelivery('org-1', delivery!.id)).rejects.toMatchObject({ statusCode: 409 });
    await expect(webhooks.replayDelivery('org-2', delivery!.id)).rejects.toMatchObject({ statusCode: 404 });
  });

  it('sends higher priorities first', async () => {
    receiver = await startWebhookReceiver();
    const webhooks = manager({ concurrency: 1 });
    await webhooks.createSubscription({ organizationId: 'org-1', url: receiver.url(), eventTypes: ['*'] });
    await webhooks.enqueueEvent(event('requirement.created'));
    await webhooks.enqueueEvent(event('partners.partner_approved'));
    await webhooks.enqueueEvent(event('risk.credit_limit_warning'));

    await webhooks.runOnce();
    expect(receiver.received.map((r) => JSON.parse(r.body).type)).toEqual([
      'risk.credit_limit_warning',
      'partners.partner_approved',
      'requirement.created',
    ]);
  });

  it('gives up on a receiver that does not answer within the timeout, and does not follow redirects', async () => {
    receiver = await startWebhookReceiver((request) =>
      request.path === '/slow' ? 'hang' : { status: 302, headers: { location: 'http://169.254.169.254/' } },
    );
    const webhooks = manager({ timeoutMs: 150 });
    await webhooks.createSubscription({ organizationId: 'org-1', url: receiver.url('/slow'), eventTypes: ['*'] });
    await webhooks.createSubscription({ organizationId: 'org-1', url: receiver.url('/moved'), eventTypes: ['*'] });
    const deliveries = await webhooks.enqueueEvent(event('requirement.updated'));

    // The receiver never answers /slow: runOnce returns at all only because the attempt gives up at its timeout.
    expect(await webhooks.runOnce()).toMatchObject({ attempted: 2, failed: 2 });
    const byPath = new Map(
      await Promise.all(
        deliveries.map(async (d) => [(await webhooks.getSubscription('org-1', d.subscriptionId)).url, await webhooks.getDelivery('org-1', d.id)] as const),
      ),
    );
    expect(byPath.get(receiver.url('/slow'))!.lastError).toMatch(/timed out after 150 ms/);
    expect(byPath.get(receiver.url('/moved'))).toMatchObject({ lastStatusCode: 302, lastError: 'redirect (302) not followed' });
    expect(receiver.received.filter((r) => r.path !== '/slow' && r.path !== '/moved')).toEqual([]);
  });

  it('signs with the new and the old secret while a rotation is in its grace period', async () => {
    receiver = await startWebhookReceiver();
    const webhooks = manager();
    const subscription = await webhooks.createSubscription({ organizationId: 'org-1', url: receiver.url(), eventTypes: ['*'] });
    const { secret } = await webhooks.rotateSecret('org-1', subscription.id);
    await webhooks.enqueueEvent(event('requirement.updated'));
    await webhooks.runOnce();

    const [request] = receiver.received;
    const [id, timestamp] = [String(request!.headers['webhook-id']), String(request!.headers['webhook-timestamp'])];
    expect(signaturesOf(request!)).toEqual([
      expectedSignature(secret, id, timestamp, request!.body),
      expectedSignature(subscription.secret, id, timestamp, request!.body),
    ]);
  });

  it('sends in the background once started', async () => {
    receiver = await startWebhookReceiver();
    // An interval far longer than any wait of the test: only enqueueEvent waking the poller can deliver in time.
    const webhooks = manager({ pollIntervalMs: 3_600_000 });
    await webhooks.createSubscription({ organizationId: 'org-1', url: receiver.url(), eventTypes: ['*'] });
    webhooks.start();
    for (let i = 0; i < 5; i++) await webhooks.enqueueEvent(event('requirement.updated', 'org-1', { i }));
    await waitFor(() => receiver.received.length === 5, 'five deliveries');
    await webhooks.stop();
    expect((await webhooks.listDeliveries('org-1')).every((d) => d.status === 'SUCCESS')).toBe(true);
  });

  it('keeps subscriptions to their organisation and checks what it is given', async () => {
    const webhooks = manager();
    const mine = await webhooks.createSubscription({ organizationId: 'org-1', url: 'https://hooks.example.com/a', eventTypes: ['*'] });
    await expect(webhooks.getSubscription('org-2', mine.id)).rejects.toMatchObject({ statusCode: 404 });
    await expect(webhooks.deleteSubscription('org-2', mine.id)).rejects.toMatchObject({ statusCode: 404 });
    await expect(webhooks.getSubscription('org-1', 'not-a-uuid')).rejects.toMatchObject({ statusCode: 404 });
    expect(await webhooks.listSubscriptions('org-2')).toEqual([]);
    expect(await webhooks.listSubscriptions('org-1')).toEqual([expect.not.objectContaining({ secret: expect.anything() })]);
    await expect(
      webhooks.createSubscription({ organizationId: 'org-1', url: 'https://hooks.example.com/b', eventTypes: [] }),
    ).rejects.toMatchObject({ statusCode: 400, message: expect.stringContaining('eventTypes') });
    await expect(
      webhooks.createSubscription({ organizationId: 'org-1', url: 'https://hooks.example.com/b', eventTypes: ['bad type!'] }),
    ).rejects.toMatchObject({ statusCode: 400 });
    await expect(
      webhooks.createSubscription({ organizationId: 'org-1', url: 'https://hooks.example.com/b', eventTypes: ['*'], secret: 'hunter2' }),
    ).rejects.toMatchObject({ statusCode: 400, message: expect.stringContaining('secret') });
    await webhooks.deleteSubscription('org-1', mine.id);
    expect(await webhooks.listSubscriptions('org-1')).toEqual([]);
  });
});
