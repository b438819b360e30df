import { createHash, randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../support/runtime.js';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await startTestRuntime();
  REVIEWER = rt.admin.userId;
});
afterAll(async () => rt.close());

// ── Fixtures ──────────────────────────────────────────────────────────────────────────────────────────────────────

/** The desk user who reviews partners: the signed-in administrator (the actor comes from the session). */
let REVIEWER: string;

let panSerial = 1000;
/** A PAN of the right shape, different on every call (PANs are unique per organisation). */
function nextPan(): string {
  return `AAACK${panSerial++}F`;
}

function partnerBody(overrides: Record<string, unknown> = {}) {
  const pan = (overrides.pan as string | undefined) ?? nextPan();
  return {
    partnerType: 'buyer',
    legalName: 'Kisan Agro Commodities Pvt Ltd',
    tradeName: 'Kisan Agro',
    pan,
    gstin: `27${pan}1Z5`,
    contactName: 'Ramesh Patil',
    contactEmail: 'ramesh@kisanagro.example',
    contactPhone: '+919822012345',
    city: 'Latur',
    state: 'Maharashtra',
    pincode: '413512',
    ...overrides,
  };
}

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);

function documentBody(overrides: Record<string, unknown> = {}) {
  return {
    documentType: 'pan_card',
    fileName: 'pan-card.pdf',
    contentType: 'application/pdf',
    contentBase64: PDF.toString('base64'),
    ...overrides,
  };
}

async function createPartner(overrides: Record<string, unknown> = {}): Promise<{ id: string; pan: string }> {
  const res = await rt.post('/partners', partnerBody(overrides));
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

interface PartnerRow {
  legal_name: string;
  trade_name: string | null;
  city: string | null;
  status: string;
  is_active: boolean;
  rejection_reason: string | null;
  reviewed_by: string | null;
}

async function partnerRow(id: string): Promise<PartnerRow> {
  const [row] = await rt.rows<PartnerRow>('SELECT * FROM partners WHERE id = $1', [id]);
  return row!;
}

/** Row counts of every table the module writes, to prove a refused request wrote nothing. */
async function partnerTableCounts(): Promise<Record<string, number>> {
  const tables = ['partners', 'partner_capabilities', 'partner_financials', 'partner_status_history', 'partner_documents'];
  return Object.fromEntries(await Promise.all(tables.map(async (t) => [t, await rt.count(t)] as const)));
}

// ── Every operation: status code and its effect on the rows ──────────────────────────────────────────────────────

interface OperationCase {
  operation: string;
  act: (partnerId: string) => Promise<LightMyRequestResponse>;
  status: number;
  effect: (partnerId: string, res: LightMyRequestResponse) => Promise<void>;
}

const operations: OperationCase[] = [
  {
    operation: 'PartnerService.updatePartner',
    act: (id) => rt.patch(`/partners/${id}`, { tradeName: 'Kisan Agro Traders', city: 'Nanded', contactName: null }),
    status: 200,
    effect: async (id, res) => {
      expect(res.json()).toMatchObject({ id, tradeName: 'Kisan Agro Traders', city: 'Nanded', contactName: null });
      const row = await partnerRow(id);
      expect(row).toMatchObject({ trade_name: 'Kisan Agro Traders', city: 'Nanded', legal_name: 'Kisan Agro Commodities Pvt Ltd' });
    },
  },
  {
    operation: 'PartnerService.updateCapability',
    act: (id) =>
      rt.put(`/partners/${id}/capability`, {
        canBuy: true,
        canSell: true,
        commodityCodes: ['soyabean', 'TUR', 'soyabean'],
        monthlyVolumeMt: 1250.5,
        hasWarehouse: true,
      }),
    status: 200,
    effect: async (id, res) => {
      expect(res.json()).toMatchObject({ partnerId: id, changed: true });
      const [row] = await rt.rows('SELECT * FROM partner_capabilities WHERE partner_id = $1', [id]);
      expect(row).toMatchObject({ can_buy: true, can_sell: true, commodity_codes: ['SOYABEAN', 'TUR'], has_warehouse: true });
      expect(Number(row!.monthly_volume_mt)).toBe(1250.5);
    },
  },
  {
    operation: 'PartnerService.updateFinancialDetails',
    act: (id) =>
      rt.put(`/partners/${id}/financial-details`, {
        bankName: 'State Bank of India',
        accountNumber: '30012345678',
        ifsc: 'SBIN0001234',
        annualTurnover: 125000000,
        creditLimit: 5000000,
        paymentTermsDays: 30,
      }),
    status: 200,
    effect: async (id, res) => {
      expect(res.json()).toMatchObject({ partnerId: id, accountNumber: 'XXXX5678', creditLimit: 5000000 });
      const [row] = await rt.rows('SELECT * FROM partner_financials WHERE partner_id = $1', [id]);
      expect(row).toMatchObject({ bank_name: 'State Bank of India', account_number: '30012345678', ifsc: 'SBIN0001234', payment_terms_days: 30 });
    },
  },
  {
    operation: 'PartnerService.toggleActiveStatus',
    act: (id) => rt.post(`/partners/${id}/toggle-active`, { reason: 'GST return not filed for two quarters' }),
    status: 200,
    effect: async (id, res) => {
      expect(res.json()).toMatchObject({ id, isActive: false });
      expect((await partnerRow(id)).is_active).toBe(false);
      const history = await rt.rows('SELECT action, reason FROM partner_status_history WHERE partner_id = $1', [id]);
      expect(history).toEqual([{ action: 'deactivated', reason: 'GST return not filed for two quarters' }]);
    },
  },
  {
    operation: 'PartnerService.approvePartner',
    act: (id) => rt.post(`/partners/${id}/approve`, {}, {}),
    status: 200,
    effect: async (id, res) => {
      expect(res.json()).toMatchObject({ partnerId: id, status: 'approved', reviewedBy: REVIEWER });
      expect(await partnerRow(id)).toMatchObject({ status: 'approved', reviewed_by: REVIEWER });
      expect(await rt.count('partner_status_history', "partner_id = $1 AND action = 'approved'", [id])).toBe(1);
      expect(await rt.count('outbox', "event_type = 'partner.approved' AND aggregate_id = $1", [id])).toBe(1);
    },
  },
  {
    operation: 'PartnerService.rejectPartner',
    act: (id) => rt.post(`/partners/${id}/reject`, { reason: 'PAN card does not match the legal name' }),
    status: 200,
    effect: async (id, res) => {
      expect(res.json()).toMatchObject({ partnerId: id, status: 'rejected', reason: 'PAN card does not match the legal name' });
      expect(await partnerRow(id)).toMatchObject({ status: 'rejected', rejection_reason: 'PAN card does not match the legal name' });
      expect(await rt.count('partner_status_history', "partner_id = $1 AND action = 'rejected'", [id])).toBe(1);
      expect(await rt.count('outbox', "event_type = 'partner.rejected' AND aggregate_id = $1", [id])).toBe(1);
    },
  },
  {
    operation: 'PartnerDocumentService.uploadDocument',
    act: (id) => rt.post(`/partners/${id}/documents`, documentBody({ documentType: 'gst_certificate', fileName: 'gst.pdf' })),
    status: 201,
    effect: async (id, res) => {
      expect(res.json()).toMatchObject({ partnerId: id, documentType: 'gst_certificate', sizeBytes: PDF.length });
      const [row] = await rt.rows<{ sha256: string; size_bytes: number; file_name: string }>(
        'SELECT sha256, size_bytes, file_name FROM partner_documents WHERE partner_id = $1',
        [id],
      );
      expect(row).toEqual({ sha256: createHash('sha256').update(PDF).digest('hex'), size_bytes: PDF.length, file_name: 'gst.pdf' });
    },
  },
];

describe('partners operations', () => {
  it('PartnerService.createPartner answers 201 and writes the partner with a default capability', async () => {
    const before = await rt.count('partners');
    const res = await rt.post('/partners', partnerBody({ partnerType: 'trader' }));
    expect(res.statusCode, res.body).toBe(201);
    const { id } = res.json();
    expect(await rt.count('partners')).toBe(before + 1);
    expect(await partnerRow(id)).toMatchObject({ status: 'pending', is_active: true, legal_name: 'Kisan Agro Commodities Pvt Ltd' });
    const [capability] = await rt.rows('SELECT can_buy, can_sell FROM partner_capabilities WHERE partner_id = $1', [id]);
    expect(capability).toEqual({ can_buy: true, can_sell: true });
  });

  it('PartnerService.createPartner with documents stores every document with the partner', async () => {
    const res = await rt.post(
      '/partners',
      partnerBody({
        documents: [documentBody(), documentBody({ documentType: 'cancelled_cheque', fileName: 'cheque.png', contentType: 'image/png', contentBase64: PNG.toString('base64') })],
      }),
    );
    expect(res.statusCode, res.body).toBe(201);
    const { id, documents } = res.json();
    expect(documents).toHaveLength(2);
    const rows = await rt.rows('SELECT document_type, content_type FROM partner_documents WHERE partner_id = $1 ORDER BY file_name', [id]);
    expect(rows).toEqual([
      { document_type: 'cancelled_cheque', content_type: 'image/png' },
      { document_type: 'pan_card', content_type: 'application/pdf' },
    ]);
  });

  it.each(operations)('$operation answers $status and writes its rows', async ({ act, status, effect }) => {
    const partner = await createPartner();
    const res = await act(partner.id);
    expect(res.statusCode, res.body).toBe(status);
    await effect(partner.id, res);
  });

  it('PartnerService.updateCapability writes nothing when the capability is unchanged', async () => {
    const partner = await createPartner({ partnerType: 'seller' });
    const capability = { canBuy: false, canSell: true, commodityCodes: ['CHANA'], monthlyVolumeMt: 300, hasWarehouse: false };
    expect((await rt.put(`/partners/${partner.id}/capability`, capability)).json().changed).toBe(true);
    const [before] = await rt.rows<{ updated_at: Date }>('SELECT updated_at FROM partner_capabilities WHERE partner_id = $1', [partner.id]);

    const res = await rt.put(`/partners/${partner.id}/capability`, { ...capability, commodityCodes: ['chana'] });
    expect(res.statusCode).toBe(200);
    expect(res.json().changed).toBe(false);
    const [after] = await rt.rows<{ updated_at: Date }>('SELECT updated_at FROM partner_capabilities WHERE partner_id = $1', [partner.id]);
    expect(after!.updated_at).toEqual(before!.updated_at);
  });

  it('PartnerService.updateFinancialDetails replaces the details on a second call', async () => {
    const partner = await createPartner();
    const details = { bankName: 'HDFC Bank', accountNumber: '50100123456789', ifsc: 'HDFC0000123' };
    expect((await rt.put(`/partners/${partner.id}/financial-details`, details)).statusCode).toBe(200);
    expect((await rt.put(`/partners/${partner.id}/financial-details`, { ...details, paymentTermsDays: 45 })).statusCode).toBe(200);
    const rows = await rt.rows('SELECT payment_terms_days FROM partner_financials WHERE partner_id = $1', [partner.id]);
    expect(rows).toEqual([{ payment_terms_days: 45 }]);
  });

  it('PartnerService.toggleActiveStatus reinstates a suspended partner', async () => {
    const partner = await createPartner();
    await rt.post(`/partners/${partner.id}/toggle-active`, {});
    const res = await rt.post(`/partners/${partner.id}/toggle-active`, {});
    expect(res.json().isActive).toBe(true);
    const actions = await rt.rows('SELECT action FROM partner_status_history WHERE partner_id = $1 ORDER BY id', [partner.id]);
    expect(actions).toEqual([{ action: 'deactivated' }, { action: 'activated' }]);
  });
});

describe('partner review decisions (the compliant operations)', () => {
  const decisions = [
    { operation: 'approvePartner', path: 'approve', body: {}, eventType: 'partner.approved', status: 'approved' },
    { operation: 'rejectPartner', path: 'reject', body: { reason: 'Cancelled cheque is illegible' }, eventType: 'partner.rejected', status: 'rejected' },
  ];

  it.each(decisions)('$operation replays a repeated Idempotency-Key without a second write', async ({ path, body, eventType, status }) => {
    const partner = await createPartner();
    const key = randomUUID();
    const first = await rt.post(`/partners/${partner.id}/${path}`, body, { 'idempotency-key': key });
    const second = await rt.post(`/partners/${partner.id}/${path}`, body, { 'idempotency-key': key });
    expect(first.statusCode, first.body).toBe(200);
    expect(second.statusCode, second.body).toBe(200);
    expect(second.json()).toEqual(first.json());
    expect(first.json().status).toBe(status);
    expect(await rt.count('partner_status_history', 'partner_id = $1', [partner.id])).toBe(1);
    expect(await rt.count('outbox', 'event_type = $1 AND aggregate_id = $2', [eventType, partner.id])).toBe(1);
  });

  it.each(decisions)('$operation of a partner already decided answers 409 and writes nothing', async ({ path, body, eventType }) => {
    const partner = await createPartner();
    expect((await rt.post(`/partners/${partner.id}/approve`, {})).statusCode).toBe(200);
    const res = await rt.post(`/partners/${partner.id}/${path}`, body);
    expect(res.statusCode).toBe(409);
    expect(res.json().message).toContain('already approved');
    expect(await rt.count('partner_status_history', 'partner_id = $1', [partner.id])).toBe(1);
    expect(await rt.count('outbox', 'event_type = $1 AND aggregate_id = $2', [eventType, partner.id])).toBe(eventType === 'partner.approved' ? 1 : 0);
  });

  it('the approved event carries the decision', async () => {
    const partner = await createPartner({ organizationId: randomUUID() });
    await rt.post(`/partners/${partner.id}/approve`, {}, {});
    const [event] = await rt.rows<{ aggregate_type: string; organization_id: string; payload: Record<string, unknown> }>(
      "SELECT aggregate_type, organization_id, payload FROM outbox WHERE event_type = 'partner.approved' AND aggregate_id = $1",
      [partner.id],
    );
    const [row] = await rt.rows<{ organization_id: string }>('SELECT organization_id FROM partners WHERE id = $1', [partner.id]);
    expect(event).toMatchObject({ aggregate_type: 'partner', organization_id: row!.organization_id });
    expect(event!.payload).toMatchObject({ partnerId: partner.id, status: 'approved', reviewedBy: REVIEWER, partnerType: 'buyer' });
  });
});

describe('partner reads', () => {
  it('lists partners with filters', async () => {
    const organizationId = randomUUID();
    const seller = await createPartner({ organizationId, partnerType: 'seller' });
    const buyer = await createPartner({ organizationId, partnerType: 'buyer' });
    await rt.post(`/partners/${buyer.id}/approve`, {});

    const all = await rt.get(`/partners?organizationId=${organizationId}`);
    expect(all.statusCode).toBe(200);
    expect(all.json().partners.map((p: { id: string }) => p.id).sort()).toEqual([seller.id, buyer.id].sort());

    const approved = await rt.get(`/partners?organizationId=${organizationId}&status=approved`);
    expect(approved.json().partners.map((p: { id: string }) => p.id)).toEqual([buyer.id]);

    const paged = await rt.get(`/partners?organizationId=${organizationId}&limit=1`);
    expect(paged.json().partners).toHaveLength(1);
  });

  it('reads one partner with capability and masked financial details', async () => {
    const partner = await createPartner();
    await rt.put(`/partners/${partner.id}/financial-details`, { bankName: 'Axis Bank', accountNumber: '912010012345678', ifsc: 'UTIB0000456' });
    const res = await rt.get(`/partners/${partner.id}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      id: partner.id,
      status: 'pending',
      capability: { canBuy: true, canSell: false, commodityCodes: [] },
      financials: { bankName: 'Axis Bank', accountNumber: 'XXXX5678' },
    });
  });

  it('lists documents, and tells a partner without documents from an unknown partner', async () => {
    const partner = await createPartner();
    expect((await rt.get(`/partners/${partner.id}/documents`)).json()).toEqual({ partnerId: partner.id, documents: [] });
    await rt.post(`/partners/${partner.id}/documents`, documentBody());
    const res = await rt.get(`/partners/${partner.id}/documents`);
    expect(res.json().documents).toMatchObject([{ documentType: 'pan_card', fileName: 'pan-card.pdf', sizeBytes: PDF.length }]);
    expect((await rt.get(`/partners/${randomUUID()}/documents`)).statusCode).toBe(404);
  });
});

describe('partners refuse bad input and write nothing', () => {
  const unknown = randomUUID();
  const badRequests: { name: string; send: () => Promise<LightMyRequestResponse>; status: number; message: string }[] = [
    { name: 'malformed JSON', send: () => rt.post('/partners', '{"legalName": "Kisan', { 'content-type': 'application/json' }), status: 400, message: 'JSON' },
    { name: 'missing legalName', send: () => rt.post('/partners', { ...partnerBody(), legalName: undefined }), status: 400, message: 'legalName' },
    { name: 'malformed PAN', send: () => rt.post('/partners', partnerBody({ pan: 'ABCDE12345', gstin: null })), status: 400, message: 'pan' },
    { name: 'unknown partnerType', send: () => rt.post('/partners', partnerBody({ partnerType: 'banker' })), status: 400, message: 'partnerType' },
    { name: 'GSTIN of another PAN', send: () => rt.post('/partners', partnerBody({ gstin: '27AAACZ9999Z1Z5' })), status: 422, message: 'gstinMatchesPan' },
    {
      name: 'a document whose bytes are not its declared type',
      send: () => rt.post('/partners', partnerBody({ documents: [documentBody(), documentBody({ contentBase64: PNG.toString('base64') })] })),
      status: 422,
      message: 'contentBase64',
    },
    { name: 'document content that is not base64', send: () => rt.post('/partners', partnerBody({ documents: [documentBody({ contentBase64: 'not base64!' })] })), status: 400, message: 'contentBase64' },
    { name: 'malformed partnerId', send: () => rt.patch('/partners/42', { city: 'Pune' }), status: 400, message: 'partnerId' },
    { name: 'an empty update', send: () => rt.patch(`/partners/${unknown}`, {}), status: 400, message: 'body' },
    { name: 'update of an unknown partner', send: () => rt.patch(`/partners/${unknown}`, { city: 'Pune' }), status: 404, message: unknown },
    {
      name: 'capability of an unknown partner',
      send: () => rt.put(`/partners/${unknown}/capability`, { canBuy: true, canSell: false, commodityCodes: [], hasWarehouse: false }),
      status: 404,
      message: unknown,
    },
    { name: 'capability without canSell', send: () => rt.put(`/partners/${unknown}/capability`, { canBuy: true, commodityCodes: [], hasWarehouse: false }), status: 400, message: 'canSell' },
    {
      name: 'financial details of an unknown partner',
      send: () => rt.put(`/partners/${unknown}/financial-details`, { bankName: 'SBI', accountNumber: '30012345678', ifsc: 'SBIN0001234' }),
      status: 404,
      message: unknown,
    },
    { name: 'a malformed IFSC', send: () => rt.put(`/partners/${unknown}/financial-details`, { bankName: 'SBI', accountNumber: '30012345678', ifsc: 'SBIN1234' }), status: 400, message: 'ifsc' },
    { name: 'toggle of an unknown partner', send: () => rt.post(`/partners/${unknown}/toggle-active`, {}), status: 404, message: unknown },
    { name: 'approval of an unknown partner', send: () => rt.post(`/partners/${unknown}/approve`, {}), status: 404, message: unknown },
    { name: 'rejection without a reason', send: () => rt.post(`/partners/${unknown}/reject`, {}), status: 400, message: 'reason' },
    { name: 'rejection of an unknown partner', send: () => rt.post(`/partners/${unknown}/reject`, { reason: 'duplicate' }), status: 404, message: unknown },
    { name: 'a document for an unknown partner', send: () => rt.post(`/partners/${unknown}/documents`, documentBody()), status: 404, message: unknown },
    { name: 'a document of an unknown type', send: () => rt.post(`/partners/${unknown}/documents`, documentBody({ documentType: 'selfie' })), status: 400, message: 'documentType' },
  ];

  it.each(badRequests)('$name → $status', async ({ send, status, message }) => {
    await createPartner(); // something to leave untouched
    const before = await partnerTableCounts();
    const res = await send();
    expect(res.statusCode, res.body).toBe(status);
    expect(res.json().message).toContain(message);
    expect(await partnerTableCounts()).toEqual(before);
  });

  it('a duplicate PAN in the same organisation → 409, nothing written', async () => {
    const organizationId = randomUUID();
    const first = await createPartner({ organizationId });
    const before = await partnerTableCounts();
    const res = await rt.post('/partners', partnerBody({ organizationId, pan: first.pan }));
    expect(res.statusCode).toBe(409);
    expect(res.json().message).toContain(first.pan);
    expect(await partnerTableCounts()).toEqual(before);
  });
});
