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

/**
 * The help desk's own HTTP tests: what each route answers, on the happy path and off it. They run against a server
 * the caller started on an empty database (the app as written, and the app after outbox-codemod: same answers).
 */
export async function appBehaviour(base: string): Promise<void> {
  const created = await call(base, 'POST', '/tickets', { title: 'Printer on fire' });
  assert.equal(created.status, 201);
  const ticket = JSON.parse(created.text) as { id: string; title: string; status: string };
  assert.deepEqual({ title: ticket.title, status: ticket.status }, { title: 'Printer on fire', status: 'open' });

  assert.equal((await call(base, 'POST', '/tickets', { title: '' })).status, 400);
  assert.deepEqual(JSON.parse((await call(base, 'GET', `/tickets/${ticket.id}`)).text), ticket);

  const retitled = await call(base, 'PATCH', `/tickets/${ticket.id}`, { title: 'Printer smoking' });
  assert.equal(retitled.status, 200);
  assert.equal((JSON.parse(retitled.text) as { title: string }).title, 'Printer smoking');
  assert.equal((await call(base, 'PATCH', '/tickets/00000000-0000-0000-0000-000000000000', { title: 'x' })).status, 404);

  const closed = await call(base, 'POST', `/tickets/${ticket.id}/close`);
  assert.equal(closed.status, 200);
  assert.equal((JSON.parse(closed.text) as { status: string }).status, 'closed');
  // Closing a closed ticket is a conflict (a new request: no Idempotency-Key).
  assert.equal((await call(base, 'POST', `/tickets/${ticket.id}/close`)).status, 409);

  assert.equal((await call(base, 'DELETE', `/tickets/${ticket.id}`)).status, 204);
  assert.equal((await call(base, 'GET', `/tickets/${ticket.id}`)).status, 404);
  assert.equal((await call(base, 'DELETE', `/tickets/${ticket.id}`)).status, 404);
}

/**
 * Every mutating route of the app, in an order that makes each one change something: what to send, and which row
 * it changes (from the answer of the create).
 */
export function mutatingRequests(): { name: string; method: string; path: (id: string) => string; body?: unknown; otherBody?: unknown; expect: number }[] {
  return [
    { name: 'create', method: 'POST', path: () => '/tickets', body: { title: 'Lost badge' }, otherBody: { title: 'Found badge' }, expect: 201 },
    { name: 'update', method: 'PATCH', path: (id) => `/tickets/${id}`, body: { title: 'Lost badge, floor 2' }, otherBody: { title: 'Lost badge, floor 3' }, expect: 200 },
    { name: 'state transition', method: 'POST', path: (id) => `/tickets/${id}/close`, expect: 200 },
    { name: 'delete', method: 'DELETE', path: (id) => `/tickets/${id}`, expect: 204 },
  ];
}
