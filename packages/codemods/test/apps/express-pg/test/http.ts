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

  // Comments: created on a ticket, edited, hidden once (a second hide is a conflict), deleted.
  const commented = await call(base, 'POST', '/comments', { ticketId: ticket.id, body: 'Smoke seen at 9:00' });
  assert.equal(commented.status, 201);
  const comment = JSON.parse(commented.text) as { id: string; ticketId: string; body: string; status: string };
  assert.deepEqual({ ticketId: comment.ticketId, body: comment.body, status: comment.status }, { ticketId: ticket.id, body: 'Smoke seen at 9:00', status: 'visible' });
  assert.equal((await call(base, 'POST', '/comments', { ticketId: ticket.id, body: ' ' })).status, 400);
  assert.deepEqual(JSON.parse((await call(base, 'GET', `/comments/${comment.id}`)).text), comment);
  assert.equal((await call(base, 'GET', '/comments/00000000-0000-0000-0000-000000000000')).status, 404);

  const edited = await call(base, 'PATCH', `/comments/${comment.id}`, { body: 'Smoke seen at 9:05' });
  assert.equal(edited.status, 200);
  assert.deepEqual(JSON.parse(edited.text), { ...comment, body: 'Smoke seen at 9:05' });
  assert.equal((await call(base, 'PATCH', '/comments/00000000-0000-0000-0000-000000000000', { body: 'x' })).status, 404);

  const hidden = await call(base, 'POST', `/comments/${comment.id}/hide`);
  assert.equal(hidden.status, 200);
  assert.deepEqual(JSON.parse(hidden.text), { ...comment, body: 'Smoke seen at 9:05', status: 'hidden' });
  assert.equal((await call(base, 'POST', `/comments/${comment.id}/hide`)).status, 409);
  assert.equal((await call(base, 'POST', '/comments/00000000-0000-0000-0000-000000000000/hide')).status, 404);

  const removed = await call(base, 'DELETE', `/comments/${comment.id}`);
  assert.deepEqual(removed, { status: 204, text: '' });
  assert.equal((await call(base, 'GET', `/comments/${comment.id}`)).status, 404);
  assert.equal((await call(base, 'DELETE', `/comments/${comment.id}`)).status, 404);

  assert.equal((await call(base, 'DELETE', `/tickets/${ticket.id}`)).status, 204);
  assert.equal((await call(base, 'GET', `/tickets/${ticket.id}`)).status, 404);
  assert.equal((await call(base, 'DELETE', `/tickets/${ticket.id}`)).status, 404);
}

/**
 * Every mutating route of the app, in an order that makes each one change something: what to send, and which row
 * it changes. `resource` groups the requests of one kind of row (default: the tickets); the create of a resource
 * gives the id its other requests use (`ids` holds the id of every resource created so far).
 */
export function mutatingRequests(): { name: string; resource?: string; creates?: boolean; method: string; path: (id: string) => string; body?: unknown | ((ids: Record<string, string>) => unknown); otherBody?: unknown | ((ids: Record<string, string>) => unknown); expect: number }[] {
  return [
    { name: 'create', method: 'POST', path: () => '/tickets', body: { title: 'Lost badge' }, otherBody: { title: 'Found badge' }, expect: 201 },
    { name: 'update', method: 'PATCH', path: (id) => `/tickets/${id}`, body: { title: 'Lost badge, floor 2' }, otherBody: { title: 'Lost badge, floor 3' }, expect: 200 },
    { name: 'comment create', resource: 'comment', creates: true, method: 'POST', path: () => '/comments', body: (ids: Record<string, string>) => ({ ticketId: ids[''], body: 'Seen near the lift' }), otherBody: (ids: Record<string, string>) => ({ ticketId: ids[''], body: 'Seen near the stairs' }), expect: 201 },
    { name: 'comment update', resource: 'comment', method: 'PATCH', path: (id) => `/comments/${id}`, body: { body: 'Seen near the lift, 2nd floor' }, otherBody: { body: 'Seen near the lift, 3rd floor' }, expect: 200 },
    { name: 'comment state transition', resource: 'comment', method: 'POST', path: (id) => `/comments/${id}/hide`, expect: 200 },
    { name: 'comment delete', resource: 'comment', method: 'DELETE', path: (id) => `/comments/${id}`, expect: 204 },
    { name: 'state transition', method: 'POST', path: (id) => `/tickets/${id}/close`, expect: 200 },
    { name: 'delete', method: 'DELETE', path: (id) => `/tickets/${id}`, expect: 204 },
  ];
}
