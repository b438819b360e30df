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

interface InvoiceBody {
  id: string;
  customer: string;
  amountCents: number;
  status: string;
  paidAt: string | null;
}

const NOWHERE = '00000000-0000-4000-8000-000000000000';

/**
 * The invoicing API's own HTTP tests: what each route answers, on the happy path and off it. They run against a server
 * the caller started on an empty database (the app as written, and the app after outbox-codemod: same answers).
 */
export async function appBehaviour(base: string): Promise<void> {
  const created = await call(base, 'POST', '/invoices', { customer: 'Acme', amountCents: 12_000 });
  assert.equal(created.status, 201);
  const invoice = JSON.parse(created.text) as InvoiceBody;
  assert.deepEqual({ customer: invoice.customer, amountCents: invoice.amountCents, status: invoice.status, paidAt: invoice.paidAt }, { customer: 'Acme', amountCents: 12_000, status: 'open', paidAt: null });

  assert.equal((await call(base, 'POST', '/invoices', { customer: '', amountCents: 1 })).status, 400);
  assert.equal((await call(base, 'POST', '/invoices', { customer: 'Acme', amountCents: -5 })).status, 400);
  assert.deepEqual(JSON.parse((await call(base, 'GET', `/invoices/${invoice.id}`)).text), invoice);
  assert.equal((await call(base, 'GET', '/invoices/not-a-uuid')).status, 400);
  assert.equal((await call(base, 'GET', `/invoices/${NOWHERE}`)).status, 404);

  const updated = await call(base, 'PATCH', `/invoices/${invoice.id}`, { amountCents: 15_000 });
  assert.equal(updated.status, 200);
  assert.deepEqual(JSON.parse(updated.text), { ...invoice, amountCents: 15_000 });
  assert.equal((await call(base, 'PATCH', `/invoices/${invoice.id}`, {})).status, 400);
  assert.equal((await call(base, 'PATCH', `/invoices/${NOWHERE}`, { customer: 'x' })).status, 404);

  const paid = await call(base, 'POST', `/invoices/${invoice.id}/pay`);
  assert.equal(paid.status, 200);
  const paidBody = JSON.parse(paid.text) as InvoiceBody;
  assert.equal(paidBody.status, 'paid');
  assert.ok(paidBody.paidAt && !Number.isNaN(Date.parse(paidBody.paidAt)));
  // Paying a paid invoice, changing or deleting it, are conflicts (new requests: no Idempotency-Key).
  assert.equal((await call(base, 'POST', `/invoices/${invoice.id}/pay`)).status, 409);
  assert.equal((await call(base, 'PATCH', `/invoices/${invoice.id}`, { customer: 'Other' })).status, 409);
  assert.equal((await call(base, 'DELETE', `/invoices/${invoice.id}`)).status, 409);
  assert.equal((await call(base, 'POST', `/invoices/${NOWHERE}/pay`)).status, 404);

  const draft = JSON.parse((await call(base, 'POST', '/invoices', { customer: 'Draft Co', amountCents: 1 })).text) as InvoiceBody;
  const deleted = await call(base, 'DELETE', `/invoices/${draft.id}`);
  assert.deepEqual(deleted, { status: 204, text: '' });
  assert.equal((await call(base, 'GET', `/invoices/${draft.id}`)).status, 404);
  assert.equal((await call(base, 'DELETE', `/invoices/${draft.id}`)).status, 404);
}

/**
 * Every mutating route of the app, in an order that makes each one change something: what to send, and which row
 * it changes (from the answer of the create). A paid invoice cannot be deleted, so the delete removes an invoice of
 * its own (`fresh`: the caller creates one first).
 */
export function mutatingRequests(): { name: string; method: string; path: (id: string) => string; body?: unknown; otherBody?: unknown; expect: number; fresh?: boolean }[] {
  return [
    { name: 'create', method: 'POST', path: () => '/invoices', body: { customer: 'Globex', amountCents: 5_000 }, otherBody: { customer: 'Globex', amountCents: 5_001 }, expect: 201 },
    { name: 'update', method: 'PATCH', path: (id) => `/invoices/${id}`, body: { amountCents: 5_500 }, otherBody: { amountCents: 6_000 }, expect: 200 },
    { name: 'state transition', method: 'POST', path: (id) => `/invoices/${id}/pay`, expect: 200 },
    { name: 'delete', method: 'DELETE', path: (id) => `/invoices/${id}`, expect: 204, fresh: true },
  ];
}
