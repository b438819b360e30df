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
 * The project tracker's own HTTP tests: what each route answers, on the happy path and off it. They run against a server
 * the caller started on an empty database (the app as written, and the app after outbox-codemod: same answers).
 */
export async function appBehaviour(base: string): Promise<void> {
  const created = await call(base, 'POST', '/projects', { name: 'Billing revamp' });
  assert.equal(created.status, 201);
  const project = JSON.parse(created.text) as { id: string; name: string; status: string };
  assert.deepEqual({ name: project.name, status: project.status }, { name: 'Billing revamp', status: 'active' });

  assert.equal((await call(base, 'POST', '/projects', { name: '' })).status, 400);
  assert.deepEqual(JSON.parse((await call(base, 'GET', `/projects/${project.id}`)).text), project);

  const renamed = await call(base, 'PATCH', `/projects/${project.id}`, { name: 'Billing v2' });
  assert.equal(renamed.status, 200);
  assert.equal((JSON.parse(renamed.text) as { name: string }).name, 'Billing v2');
  assert.equal((await call(base, 'PATCH', '/projects/00000000-0000-0000-0000-000000000000', { name: 'x' })).status, 404);

  const archived = await call(base, 'POST', `/projects/${project.id}/archive`);
  assert.equal(archived.status, 200);
  assert.equal((JSON.parse(archived.text) as { status: string }).status, 'archived');
  // Archiving an archived project is a conflict (a new request: no Idempotency-Key).
  assert.equal((await call(base, 'POST', `/projects/${project.id}/archive`)).status, 409);

  assert.equal((await call(base, 'DELETE', `/projects/${project.id}`)).status, 204);
  assert.equal((await call(base, 'GET', `/projects/${project.id}`)).status, 404);
  assert.equal((await call(base, 'DELETE', `/projects/${project.id}`)).status, 404);
}

/**
 * Every mutating route of the app, in an order that makes each one change something: what to send, and which row
 * it changes (from the answer of the create).
 */
export function mutatingRequests(): { name: string; method: string; path: (id: string) => string; body?: unknown; otherBody?: unknown; expect: number }[] {
  return [
    { name: 'create', method: 'POST', path: () => '/projects', body: { name: 'Onboarding' }, otherBody: { name: 'Offboarding' }, expect: 201 },
    { name: 'update', method: 'PATCH', path: (id) => `/projects/${id}`, body: { name: 'Onboarding v2' }, otherBody: { name: 'Onboarding v3' }, expect: 200 },
    { name: 'state transition', method: 'POST', path: (id) => `/projects/${id}/archive`, expect: 200 },
    { name: 'delete', method: 'DELETE', path: (id) => `/projects/${id}`, expect: 204 },
  ];
}
