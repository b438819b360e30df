import assert from 'node:assert/strict';

/** One HTTP exchange: status and the exact body text. */
export interface Answer {
  status: number;
  text: string;
}

export async function call(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, text: await response.text() };
}

interface OrderBody {
  id: string;
  customer: string;
  totalCents: number;
  status: string;
  note: string | null;
  shippedAt: string | null;
  createdAt: string;
}

const NOWHERE = '00000000-0000-4000-8000-000000000000';

/**
 * The orders API's own HTTP tests: what each route answers, on the happy path and off it, against a server the caller
 * started on an empty database (the app as written, and the app after outbox-codemod: same answers).
 */
export async function appBehaviour(base: string): Promise<void> {
  const created = await call(base, 'POST', '/orders', { customer: 'Initech', totalCents: 4_200, note: 'leave at the door' });
  assert.equal(created.status, 201, created.text);
  const order = JSON.parse(created.text) as OrderBody;
  assert.deepEqual(
    { customer: order.customer, totalCents: order.totalCents, status: order.status, note: order.note, shippedAt: order.shippedAt },
    { customer: 'Initech', totalCents: 4_200, status: 'pending', note: 'leave at the door', shippedAt: null },
  );
  assert.ok(!Number.isNaN(Date.parse(order.createdAt)));

  assert.equal((await call(base, 'POST', '/orders', { customer: ' ', totalCents: 1 })).status, 400);
  assert.equal((await call(base, 'POST', '/orders', { customer: 'Initech', totalCents: 0 })).status, 400);
  assert.deepEqual(JSON.parse((await call(base, 'GET', `/orders/${order.id}`)).text), order);
  assert.equal((await call(base, 'GET', '/orders/42')).status, 400);
  assert.equal((await call(base, 'GET', `/orders/${NOWHERE}`)).status, 404);

  const updated = await call(base, 'PATCH', `/orders/${order.id}`, { totalCents: 4_800, note: null });
  assert.equal(updated.status, 200, updated.text);
  assert.deepEqual(JSON.parse(updated.text), { ...order, totalCents: 4_800, note: null });
  assert.equal((await call(base, 'PATCH', `/orders/${order.id}`, {})).status, 400);
  assert.equal((await call(base, 'PATCH', `/orders/${NOWHERE}`, { note: 'x' })).status, 404);

  const noted = await call(base, 'PUT', `/orders/${order.id}/note`, { note: 'ring twice' });
  assert.equal(noted.status, 200, noted.text);
  assert.deepEqual(JSON.parse(noted.text), { ...order, totalCents: 4_800, note: 'ring twice' });
  assert.equal((await call(base, 'PUT', `/orders/${order.id}/note`, { note: 7 })).status, 400);
  assert.equal((await call(base, 'PUT', `/orders/${NOWHERE}/note`, { note: 'x' })).status, 404);

  const shipped = await call(base, 'POST', `/orders/${order.id}/ship`);
  assert.equal(shipped.status, 200, shipped.text);
  const shippedBody = JSON.parse(shipped.text) as OrderBody;
  assert.equal(shippedBody.status, 'shipped');
  assert.ok(shippedBody.shippedAt && !Number.isNaN(Date.parse(shippedBody.shippedAt)));
  // Shipping a shipped order, changing or deleting it, are conflicts (new requests: no Idempotency-Key).
  assert.equal((await call(base, 'POST', `/orders/${order.id}/ship`)).status, 409);
  assert.equal((await call(base, 'PATCH', `/orders/${order.id}`, { note: 'too late' })).status, 409);
  assert.equal((await call(base, 'DELETE', `/orders/${order.id}`)).status, 409);
  assert.equal((await call(base, 'POST', `/orders/${NOWHERE}/ship`)).status, 404);
  assert.deepEqual(JSON.parse((await call(base, 'GET', `/orders/${order.id}`)).text), shippedBody);

  const draft = JSON.parse((await call(base, 'POST', '/orders', { customer: 'Draft Ltd', totalCents: 1 })).text) as OrderBody;
  assert.equal(draft.note, null);
  const deleted = await call(base, 'DELETE', `/orders/${draft.id}`);
  assert.deepEqual(deleted, { status: 204, text: '' });
  assert.equal((await call(base, 'GET', `/orders/${draft.id}`)).status, 404);
  assert.equal((await call(base, 'DELETE', `/orders/${draft.id}`)).status, 404);
}

/**
 * Every mutating route of the app, in an order that makes each one change something: what to send, and which row it
 * changes (from the answer of the create). A shipped order cannot be deleted, so the delete removes an order of its
 * own (`fresh`: the caller creates one first).
 */
export function mutatingRequests(): { name: string; method: string; path: (id: string) => string; body?: unknown; otherBody?: unknown; expect: number; fresh?: boolean }[] {
  return [
    { name: 'create', method: 'POST', path: () => '/orders', body: { customer: 'Umbrella', totalCents: 9_900 }, otherBody: { customer: 'Umbrella', totalCents: 9_901 }, expect: 201 },
    { name: 'update', method: 'PATCH', path: (id) => `/orders/${id}`, body: { note: 'gift wrap' }, otherBody: { note: 'no wrap' }, expect: 200 },
    { name: 'annotate', method: 'PUT', path: (id) => `/orders/${id}/note`, body: { note: 'back door' }, otherBody: { note: 'front door' }, expect: 200 },
    { name: 'state transition', method: 'POST', path: (id) => `/orders/${id}/ship`, expect: 200 },
    { name: 'delete', method: 'DELETE', path: (id) => `/orders/${id}`, expect: 204, fresh: true },
  ];
}
