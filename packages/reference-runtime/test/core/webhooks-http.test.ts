import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../support/runtime.js';

describe('webhook management over HTTP', () => {
  let rt: TestRuntime;
  /** Three organisations, by name, and an administrator of each (the tenant comes from their session). */
  const orgs: Record<string, string> = {};
  const tokens: Record<string, string> = {};
  const asOrg = (name: string) => ({ authorization: `Bearer ${tokens[name]}` });
  beforeAll(async () => {
    rt = await startTestRuntime();
    for (const name of ['org-1', 'org-2', 'org-3']) {
      orgs[name] = await rt.organization();
      tokens[name] = (await rt.account({ organizationId: orgs[name], roles: ['admin'] })).token;
    }
  });
  afterAll(async () => rt.close());

  it('creates a subscription (the secret is shown once), lists, reads, updates and deletes it', async () => {
    const created = await rt.post(
      '/webhooks/subscriptions',
      { url: 'https://erp.example.com/hooks', eventTypes: ['requirement.*', 'partners.partner_approved'], description: 'ERP' },
      asOrg('org-1'),
    );
    expect(created.statusCode).toBe(201);
    const subscription = created.json();
    expect(subscription).toMatchObject({ organizationId: orgs['org-1'], url: 'https://erp.example.com/hooks', active: true });
    expect(subscription.secret).toMatch(/^whsec_/);
    expect(await rt.count('webhook_subscriptions', 'id = $1', [subscription.id])).toBe(1);

    const listed = await rt.get('/webhooks/subscriptions', asOrg('org-1'));
    expect(listed.json()).toEqual([expect.objectContaining({ id: subscription.id })]);
    expect(listed.json()[0]).not.toHaveProperty('secret');
    expect((await rt.get('/webhooks/subscriptions', asOrg('org-2'))).json()).toEqual([]);
    expect((await rt.get(`/webhooks/subscriptions/${subscription.id}`, asOrg('org-2'))).statusCode).toBe(404);

    const patched = await rt.patch(`/webhooks/subscriptions/${subscription.id}`, { active: false, eventTypes: ['*'] }, asOrg('org-1'));
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ active: false, eventTypes: ['*'] });

    const rotated = await rt.post(`/webhooks/subscriptions/${subscription.id}/rotate-secret`, {}, asOrg('org-1'));
    expect(rotated.json().secret).toMatch(/^whsec_/);
    expect(rotated.json().secret).not.toBe(subscription.secret);

    expect((await rt.delete(`/webhooks/subscriptions/${subscription.id}`, undefined, asOrg('org-2'))).statusCode).toBe(404);
    expect((await rt.delete(`/webhooks/subscriptions/${subscription.id}`, undefined, asOrg('org-1'))).statusCode).toBe(204);
    expect(await rt.count('webhook_subscriptions', 'id = $1', [subscription.id])).toBe(0);
  });

  it('answers bad input with a 400 naming the field, and writes nothing', async () => {
    const before = await rt.count('webhook_subscriptions');
    // Webhooks are an organisation's: the platform administrator (of none) is refused, the anonymous caller too.
    expect((await rt.post('/webhooks/subscriptions', { url: 'https://a.example.com', eventTypes: ['*'] })).statusCode).toBe(403);
    expect((await rt.as(null).post('/webhooks/subscriptions', { url: 'https://a.example.com', eventTypes: ['*'] })).statusCode).toBe(401);
    const cases: [unknown, Record<string, string>, RegExp][] = [
      [{ eventTypes: ['*'] }, asOrg('org-1'), /url/],
      [{ url: 'https://a.example.com' }, asOrg('org-1'), /eventTypes/],
      [{ url: 'https://a.example.com', eventTypes: 'all' }, asOrg('org-1'), /eventTypes/],
      [{ url: 'https://a.example.com', eventTypes: ['bad type!'] }, asOrg('org-1'), /eventTypes/],
      [{ url: 'http://127.0.0.1:9/hooks', eventTypes: ['*'] }, asOrg('org-1'), /loopback/],
      [{ url: 'http://169.254.169.254/', eventTypes: ['*'] }, asOrg('org-1'), /link-local/],
      ['{"url": ', { ...asOrg('org-1'), 'content-type': 'application/json' }, /JSON/i],
    ];
    for (const [body, headers, message] of cases) {
      const res = await rt.post('/webhooks/subscriptions', body, headers);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().message).toMatch(message);
    }
    expect((await rt.get('/webhooks/deliveries?status=LOST', asOrg('org-1'))).statusCode).toBe(400);
    expect((await rt.post('/webhooks/deliveries/not-a-uuid/replay', {}, asOrg('org-1'))).statusCode).toBe(404);
    expect(await rt.count('webhook_subscriptions')).toBe(before);
  });

  it('lists deliveries and their attempts per organisation', async () => {
    const created = await rt.post('/webhooks/subscriptions', { url: 'https://erp.example.com/in', eventTypes: ['*'] }, asOrg('org-3'));
    const [delivery] = await rt.deps.webhooks.enqueueEvent({
      eventId: '5f0c3c1e-8a43-4f0e-9d35-9c1e2b7c1a01',
      eventType: 'requirement.created',
      organizationId: orgs['org-3']!,
      payload: { id: 'r-9' },
      occurredAt: new Date().toISOString(),
    });
    expect(delivery!.subscriptionId).toBe(created.json().id);

    const listed = await rt.get(`/webhooks/deliveries?subscriptionId=${created.json().id}&status=PENDING`, asOrg('org-3'));
    expect(listed.json()).toEqual([expect.objectContaining({ id: delivery!.id, status: 'PENDING', eventType: 'requirement.created' })]);
    const one = await rt.get(`/webhooks/deliveries/${delivery!.id}`, asOrg('org-3'));
    expect(one.json()).toMatchObject({ id: delivery!.id, attemptLog: [] });
    expect((await rt.get(`/webhooks/deliveries/${delivery!.id}`, asOrg('org-1'))).statusCode).toBe(404);
    expect((await rt.post(`/webhooks/deliveries/${delivery!.id}/replay`, {}, asOrg('org-3'))).statusCode).toBe(409);
  });
});
