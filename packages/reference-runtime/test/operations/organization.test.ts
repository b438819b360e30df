import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../support/runtime.js';
import { define, describeOperations, describeRefusals, type Case, type Json } from '../support/cases.js';

// Organisation master data, through HTTP only: each operation's status code and what it did to the rows.


let rt: TestRuntime;
beforeAll(async () => {
  rt = await startTestRuntime();
});
afterAll(async () => rt.close());

// ---------------------------------------------------------------- fixtures (made through the API)

let serial = 0;
const letter = (n: number) => String.fromCharCode(65 + (n % 26));
/** A fresh, well-formed PAN: five letters, four digits, a letter. */
function freshPan(): string {
  serial++;
  return `AAB${letter(serial / 26)}${letter(serial)}${String(serial).padStart(4, '0')}${letter(serial + 5)}`;
}
/** A GSTIN under `pan` with a correct check character (computed here independently of the app). */
function gstinFor(pan: string, stateCode = '24'): string {
  const body = `${stateCode}${pan}1Z`;
  const digits = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  const sum = [...body].reduce((acc, ch, i) => {
    const product = digits.indexOf(ch) * (i % 2 ? 2 : 1);
    return acc + Math.floor(product / 36) + (product % 36);
  }, 0);
  return body + digits[(36 - (sum % 36)) % 36];
}
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('IHDR tiny logo')]);

async function created(res: LightMyRequestResponse): Promise<Json> {
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}
const newOrganization = async (extra: Json = {}) =>
  created(await rt.post('/organizations', { name: `Shree Krishna Cotton ${serial}`, orgType: 'ginner', pan: freshPan(), ...extra }));
const newBranch = async (orgId: string, extra: Json = {}) =>
  created(await rt.post(`/organizations/${orgId}/branches`, { code: `BR-${++serial}`, name: 'Rajkot branch', city: 'Rajkot', stateCode: '24', ...extra }));
const newAccount = async (orgId: string, extra: Json = {}) =>
  created(await rt.post(`/organizations/${orgId}/bank-accounts`, {
    accountHolder: 'Shree Krishna Cotton', bankName: 'State Bank of India', accountNumber: `3012${String(++serial).padStart(8, '0')}`,
    ifsc: 'SBIN0001234', ...extra,
  }));
const newYear = async (orgId: string, startYear = 2024) =>
  created(await rt.post(`/organizations/${orgId}/financial-years`, { startYear }));
const newSeries = async (orgId: string, extra: Json = {}) =>
  created(await rt.post(`/organizations/${orgId}/document-series`, { documentType: 'sales_contract', ...extra }));

const one = async (sql: string, params: unknown[]) => (await rt.rows<Json>(sql, params))[0];
const MISSING = '00000000-0000-4000-8000-000000000000';

// ---------------------------------------------------------------- every operation

const operations: Case<unknown>[] = [
  define({
    name: 'POST /organizations (with its head office)',
    arrange: async () => ({ pan: freshPan() }),
    act: ({ pan }) => rt.post('/organizations', {
      name: 'Jay Ambe Agro', legalName: 'Jay Ambe Agro Industries Pvt Ltd', orgType: 'trader', pan,
      email: 'accounts@jayambe.example', phone: '+91 98250 12345',
      headOffice: { code: 'HO', name: 'Head office', city: 'Gondal', stateCode: '24', pincode: '360311' },
    }),
    status: 201,
    effect: async ({ pan }, body) => {
      expect(await one('SELECT name, org_type, status FROM organizations WHERE pan = $1', [pan]))
        .toEqual({ name: 'Jay Ambe Agro', org_type: 'trader', status: 'active' });
      expect(await rt.rows('SELECT code, is_head_office FROM organization_branches WHERE organization_id = $1', [body.id]))
        .toEqual([{ code: 'HO', is_head_office: true }]);
    },
  }),
  define({
    name: 'PATCH /organizations/:id',
    arrange: newOrganization,
    act: (org) => rt.patch(`/organizations/${org.id}`, { legalName: 'Shree Krishna Cotton Ginning LLP', status: 'inactive' }),
    status: 200,
    effect: async (org) => {
      expect(await one('SELECT legal_name, status, name FROM organizations WHERE id = $1', [org.id]))
        .toEqual({ legal_name: 'Shree Krishna Cotton Ginning LLP', status: 'inactive', name: org.name });
    },
  }),
  define({
    name: 'DELETE /organizations/:id (and everything under it)',
    arrange: async () => {
      const org = await newOrganization();
      await newBranch(org.id);
      await newAccount(org.id);
      return org;
    },
    act: (org) => rt.delete(`/organizations/${org.id}`),
    status: 204,
    effect: async (org) => {
      expect(await rt.count('organizations', 'id = $1', [org.id])).toBe(0);
      expect(await rt.count('organization_branches', 'organization_id = $1', [org.id])).toBe(0);
      expect(await rt.count('organization_bank_accounts', 'organization_id = $1', [org.id])).toBe(0);
    },
  }),
  define({
    name: 'POST /organizations/:id/branches',
    arrange: newOrganization,
    act: (org) => rt.post(`/organizations/${org.id}/branches`, {
      code: 'AKL', name: 'Akola depot', city: 'Akola', stateCode: '27', pincode: '444001', addressLine: 'Old cotton market',
    }),
    status: 201,
    effect: async (org) => {
      expect(await rt.rows('SELECT code, city, state_code, is_head_office FROM organization_branches WHERE organization_id = $1', [org.id]))
        .toEqual([{ code: 'AKL', city: 'Akola', state_code: '27', is_head_office: false }]);
    },
  }),
  define({
    name: 'PATCH /organizations/:id/branches/:branchId',
    arrange: async () => {
      const org = await newOrganization();
      return { org, branch: await newBranch(org.id) };
    },
    act: ({ org, branch }) => rt.patch(`/organizations/${org.id}/branches/${branch.id}`, { city: 'Jetpur', pincode: '360370' }),
    status: 200,
    effect: async ({ branch }) => {
      expect(await one('SELECT city, pincode, name FROM organization_branches WHERE id = $1', [branch.id]))
        .toEqual({ city: 'Jetpur', pincode: '360370', name: 'Rajkot branch' });
    },
  }),
  define({
    name: 'DELETE /organizations/:id/branches/:branchId',
    arrange: async () => {
      const org = await newOrganization();
      return { org, branch: await newBranch(org.id) };
    },
    act: ({ org, branch }) => rt.delete(`/organizations/${org.id}/branches/${branch.id}`),
    status: 204,
    effect: async ({ branch }) => {
      expect(await rt.count('organization_branches', 'id = $1', [branch.id])).toBe(0);
    },
  }),
  define({
    name: 'POST /organizations/:id/bank-accounts (the first one becomes primary)',
    arrange: newOrganization,
    act: (org) => rt.post(`/organizations/${org.id}/bank-accounts`, {
      accountHolder: 'Shree Krishna Cotton', bankName: 'HDFC Bank', accountNumber: '50200012345678', ifsc: 'HDFC0000123',
      accountType: 'cash_credit',
    }),
    status: 201,
    effect: async (org, body) => {
      expect(body.account_number).toBe('XXXXXXXXXX5678');
      expect(await rt.rows('SELECT account_number, is_primary, account_type FROM organization_bank_accounts WHERE organization_id = $1', [org.id]))
        .toEqual([{ account_number: '50200012345678', is_primary: true, account_type: 'cash_credit' }]);
    },
  }),
  define({
    name: 'PATCH /organizations/:id/bank-accounts/:accountId (primary moves)',
    arrange: async () => {
      const org = await newOrganization();
      const first = await newAccount(org.id);
      const second = await newAccount(org.id, { bankName: 'Bank of Baroda', ifsc: 'BARB0RAJKOT' });
      return { org, first, second };
    },
    act: ({ org, second }) => rt.patch(`/organizations/${org.id}/bank-accounts/${second.id}`, { isPrimary: true }),
    status: 200,
    effect: async ({ first, second }) => {
      expect(await one('SELECT is_primary FROM organization_bank_accounts WHERE id = $1', [first.id])).toEqual({ is_primary: false });
      expect(await one('SELECT is_primary FROM organization_bank_accounts WHERE id = $1', [second.id])).toEqual({ is_primary: true });
    },
  }),
  define({
    name: 'DELETE /organizations/:id/bank-accounts/:accountId',
    arrange: async () => {
      const org = await newOrganization();
      return { org, account: await newAccount(org.id) };
    },
    act: ({ org, account }) => rt.delete(`/organizations/${org.id}/bank-accounts/${account.id}`),
    status: 204,
    effect: async ({ account }) => {
      expect(await rt.count('organization_bank_accounts', 'id = $1', [account.id])).toBe(0);
    },
  }),
  define({
    name: 'POST /organizations/:id/gst-registrations',
    arrange: newOrganization,
    act: (org) => rt.post(`/organizations/${org.id}/gst-registrations`, {
      gstin: gstinFor(org.pan, '27'), effectiveFrom: '2021-07-01', tradeName: 'SKC Vidarbha',
    }),
    status: 201,
    effect: async (org) => {
      expect(await rt.rows(
        `SELECT gstin, state_code, registration_type, effective_from::text AS effective_from, status
           FROM organization_gst_registrations WHERE organization_id = $1`, [org.id]))
        .toEqual([{ gstin: gstinFor(org.pan, '27'), state_code: '27', registration_type: 'regular', effective_from: '2021-07-01', status: 'active' }]);
    },
  }),
  define({
    name: 'PATCH /organizations/:id/gst-registrations/:gstId (cancellation is dated)',
    arrange: async () => {
      const org = await newOrganization();
      const gst = await created(await rt.post(`/organizations/${org.id}/gst-registrations`, { gstin: gstinFor(org.pan), effectiveFrom: '2019-04-01' }));
      return { org, gst };
    },
    act: ({ org, gst }) => rt.patch(`/organizations/${org.id}/gst-registrations/${gst.id}`, { status: 'cancelled' }),
    status: 200,
    effect: async ({ gst }, body) => {
      expect(body.cancelled_on).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(await one('SELECT status, cancelled_on IS NOT NULL AS dated FROM organization_gst_registrations WHERE id = $1', [gst.id]))
        .toEqual({ status: 'cancelled', dated: true });
    },
  }),
  define({
    name: 'DELETE /organizations/:id/gst-registrations/:gstId',
    arrange: async () => {
      const org = await newOrganization();
      const gst = await created(await rt.post(`/organizations/${org.id}/gst-registrations`, { gstin: gstinFor(org.pan, '09'), effectiveFrom: '2020-01-01' }));
      return { org, gst };
    },
    act: ({ org, gst }) => rt.delete(`/organizations/${org.id}/gst-registrations/${gst.id}`),
    status: 204,
    effect: async ({ gst }) => {
      expect(await rt.count('organization_gst_registrations', 'id = $1', [gst.id])).toBe(0);
    },
  }),
  define({
    name: 'POST /organizations/:id/financial-years',
    arrange: newOrganization,
    act: (org) => rt.post(`/organizations/${org.id}/financial-years`, { startYear: 2025 }),
    status: 201,
    effect: async (org, body) => {
      expect(body).toMatchObject({ label: '2025-26', starts_on: '2025-04-01', ends_on: '2026-03-31', status: 'open' });
      expect(await rt.count('financial_years', "organization_id = $1 AND label = '2025-26'", [org.id])).toBe(1);
    },
  }),
  define({
    name: 'POST /organizations/:id/financial-years/:yearId/close (and its series)',
    arrange: async () => {
      const org = await newOrganization();
      const year = await newYear(org.id);
      const series = await newSeries(org.id, { financialYearId: year.id });
      return { org, year, series };
    },
    act: ({ org, year }) => rt.post(`/organizations/${org.id}/financial-years/${year.id}/close`, { closedBy: 'CA Mehta' }),
    status: 200,
    effect: async ({ year, series }) => {
      expect(await one('SELECT status, closed_by, closed_at IS NOT NULL AS stamped FROM financial_years WHERE id = $1', [year.id]))
        .toEqual({ status: 'closed', closed_by: 'CA Mehta', stamped: true });
      expect(await one('SELECT is_active FROM document_series WHERE id = $1', [series.id])).toEqual({ is_active: false });
    },
  }),
  define({
    name: 'POST /organizations/:id/document-series (prefix from the year)',
    arrange: async () => {
      const org = await newOrganization();
      return { org, year: await newYear(org.id) };
    },
    act: ({ org, year }) => rt.post(`/organizations/${org.id}/document-series`, { documentType: 'sales_contract', financialYearId: year.id }),
    status: 201,
    effect: async ({ org, year }) => {
      expect(await rt.rows('SELECT document_type, prefix, next_number::int AS next, financial_year_id FROM document_series WHERE organization_id = $1', [org.id]))
        .toEqual([{ document_type: 'sales_contract', prefix: 'SC/24-25/', next: 1, financial_year_id: year.id }]);
    },
  }),
  define({
    name: 'PATCH /document-series/:seriesId',
    arrange: async () => newSeries((await newOrganization()).id, { documentType: 'invoice' }),
    act: (series) => rt.patch(`/document-series/${series.id}`, { prefix: 'GJ/INV/', padding: 6, nextNumber: 101 }),
    status: 200,
    effect: async (series) => {
      expect(await one('SELECT prefix, padding, next_number::int AS next FROM document_series WHERE id = $1', [series.id]))
        .toEqual({ prefix: 'GJ/INV/', padding: 6, next: 101 });
    },
  }),
  define({
    name: 'POST /document-series/:seriesId/next-number',
    arrange: async () => {
      const org = await newOrganization();
      const year = await newYear(org.id);
      return newSeries(org.id, { financialYearId: year.id, documentType: 'delivery_order' });
    },
    act: (series) => rt.post(`/document-series/${series.id}/next-number`),
    status: 200,
    effect: async (series, body) => {
      expect(body).toMatchObject({ number: 1, formatted: 'DO/24-25/0001' });
      expect(await one('SELECT next_number::int AS next FROM document_series WHERE id = $1', [series.id])).toEqual({ next: 2 });
    },
  }),
  define({
    name: 'PUT /organizations/:id/settings (insert, then a partial update keeps the rest)',
    arrange: async () => {
      const org = await newOrganization();
      const first = await rt.put(`/organizations/${org.id}/settings`, { defaultPaymentTermsDays: 45, invoiceFooter: 'Subject to Rajkot jurisdiction' });
      expect(first.statusCode, first.body).toBe(200);
      return org;
    },
    act: (org) => rt.put(`/organizations/${org.id}/settings`, { weighbridgeToleranceKg: 20, allowNegativeStock: true }),
    status: 200,
    effect: async (org) => {
      expect(await rt.rows(
        `SELECT default_payment_terms_days, weighbridge_tolerance_kg::float AS tolerance, allow_negative_stock, invoice_footer, base_currency
           FROM organization_settings WHERE organization_id = $1`, [org.id]))
        .toEqual([{ default_payment_terms_days: 45, tolerance: 20, allow_negative_stock: true,
          invoice_footer: 'Subject to Rajkot jurisdiction', base_currency: 'INR' }]);
    },
  }),
  define({
    name: 'PUT /organizations/:id/logo',
    arrange: newOrganization,
    act: (org) => rt.put(`/organizations/${org.id}/logo`, { contentType: 'image/png', data: PNG.toString('base64') }),
    status: 200,
    effect: async (org) => {
      expect(await one('SELECT content_type, byte_size FROM organization_logos WHERE organization_id = $1', [org.id]))
        .toEqual({ content_type: 'image/png', byte_size: PNG.length });
      const logo = await rt.get(`/organizations/${org.id}/logo`);
      expect(logo.headers['content-type']).toBe('image/png');
      expect(logo.rawPayload.equals(PNG)).toBe(true);
    },
  }),
  define({
    name: 'DELETE /organizations/:id/logo',
    arrange: async () => {
      const org = await newOrganization();
      const put = await rt.put(`/organizations/${org.id}/logo`, { contentType: 'image/png', data: PNG.toString('base64') });
      expect(put.statusCode).toBe(200);
      return org;
    },
    act: (org) => rt.delete(`/organizations/${org.id}/logo`),
    status: 204,
    effect: async (org) => {
      expect(await rt.count('organization_logos', 'organization_id = $1', [org.id])).toBe(0);
    },
  }),
  define({
    name: 'POST /organizations/:id/contacts',
    arrange: newOrganization,
    act: (org) => rt.post(`/organizations/${org.id}/contacts`, { name: 'Ramesh Patel', designation: 'Accounts', phone: '9825012345', isPrimary: true }),
    status: 201,
    effect: async (org) => {
      expect(await rt.rows('SELECT name, phone, email, is_primary FROM organization_contacts WHERE organization_id = $1', [org.id]))
        .toEqual([{ name: 'Ramesh Patel', phone: '9825012345', email: null, is_primary: true }]);
    },
  }),
  define({
    name: 'DELETE /organizations/:id/contacts/:contactId',
    arrange: async () => {
      const org = await newOrganization();
      const contact = await created(await rt.post(`/organizations/${org.id}/contacts`, { name: 'Sunita Shah', email: 'sunita@skc.example' }));
      return { org, contact };
    },
    act: ({ org, contact }) => rt.delete(`/organizations/${org.id}/contacts/${contact.id}`),
    status: 204,
    effect: async ({ contact }) => {
      expect(await rt.count('organization_contacts', 'id = $1', [contact.id])).toBe(0);
    },
  }),
];

// ---------------------------------------------------------------- refusals: a 4xx naming the problem, nothing written

/** Counts that must not move when a request is refused. */
const TABLES = [
  'organizations', 'organization_branches', 'organization_bank_accounts', 'organization_gst_registrations',
  'financial_years', 'document_series', 'organization_settings', 'organization_logos', 'organization_contacts',
];
async function snapshot(): Promise<Json> {
  const counts: Json = {};
  for (const table of TABLES) counts[table] = await rt.count(table);
  counts.primaries = await rt.count('organization_bank_accounts', 'is_primary');
  counts.closedYears = await rt.count('financial_years', "status = 'closed'");
  counts.numbersIssued = Number((await one('SELECT coalesce(sum(next_number), 0)::int AS n FROM document_series', [])).n);
  return counts;
}

const refusals: Case<unknown>[] = [
  define({
    name: 'malformed JSON',
    arrange: async () => null,
    act: () => rt.request('POST', '/organizations', '{"name": "Half', { 'content-type': 'application/json' }),
    status: 400,
    message: 'JSON',
  }),
  define({
    name: 'missing name',
    arrange: async () => null,
    act: () => rt.post('/organizations', { orgType: 'trader' }),
    status: 400,
    message: 'name',
  }),
  define({
    name: 'organisation type outside the list',
    arrange: async () => null,
    act: () => rt.post('/organizations', { name: 'X', orgType: 'bank' }),
    status: 400,
    message: 'orgType',
  }),
  define({
    name: 'malformed PAN',
    arrange: async () => null,
    act: () => rt.post('/organizations', { name: 'X', orgType: 'trader', pan: 'ABCDE12345' }),
    status: 400,
    message: 'pan',
  }),
  define({
    name: 'duplicate PAN',
    arrange: newOrganization,
    act: (org) => rt.post('/organizations', { name: 'Copy', orgType: 'trader', pan: org.pan }),
    status: 409,
    message: 'pan',
  }),
  define({
    name: 'head office with a bad state code rolls back the organisation too',
    arrange: async () => null,
    act: () => rt.post('/organizations', { name: 'Half Made', orgType: 'broker', headOffice: { code: 'HO', name: 'HO', city: 'Surat', stateCode: 'GJ' } }),
    status: 400,
    message: 'stateCode',
  }),
  define({
    name: 'id that is not a uuid',
    arrange: async () => null,
    act: () => rt.patch('/organizations/42', { name: 'X' }),
    status: 400,
    message: 'params/id',
  }),
  define({
    name: 'PATCH of an unknown organisation',
    arrange: async () => null,
    act: () => rt.patch(`/organizations/${MISSING}`, { name: 'Ghost' }),
    status: 404,
    message: MISSING,
  }),
  define({
    name: 'PATCH with an unknown field',
    arrange: newOrganization,
    act: (org) => rt.patch(`/organizations/${org.id}`, { turnover: 10 }),
    status: 400,
    message: 'body',
  }),
  define({
    name: 'DELETE of an unknown organisation',
    arrange: async () => null,
    act: () => rt.delete(`/organizations/${MISSING}`),
    status: 404,
    message: MISSING,
  }),
  define({
    name: 'branch of an unknown organisation',
    arrange: async () => null,
    act: () => rt.post(`/organizations/${MISSING}/branches`, { code: 'X1', name: 'X', city: 'Surat', stateCode: '24' }),
    status: 404,
    message: MISSING,
  }),
  define({
    name: 'second head office',
    arrange: async () => newOrganization({ headOffice: { code: 'HO', name: 'HO', city: 'Rajkot', stateCode: '24' } }),
    act: (org) => rt.post(`/organizations/${org.id}/branches`, { code: 'HO2', name: 'HO 2', city: 'Rajkot', stateCode: '24', isHeadOffice: true }),
    status: 409,
    message: 'isHeadOffice',
  }),
  define({
    name: 'deleting the head office',
    arrange: async () => newOrganization({ headOffice: { code: 'HO', name: 'HO', city: 'Rajkot', stateCode: '24' } }),
    act: (org) => rt.delete(`/organizations/${org.id}/branches/${org.head_office.id}`),
    status: 409,
    message: 'head office',
  }),
  define({
    name: 'bank account with a malformed IFSC',
    arrange: newOrganization,
    act: (org) => rt.post(`/organizations/${org.id}/bank-accounts`, { accountHolder: 'A', bankName: 'B', accountNumber: '123456789', ifsc: 'SBIN1234' }),
    status: 400,
    message: 'ifsc',
  }),
  define({
    name: "primary account on another organisation's branch: the old primary stays primary",
    arrange: async () => {
      const org = await newOrganization();
      await newAccount(org.id);
      const other = await newOrganization();
      return { org, foreignBranch: await newBranch(other.id) };
    },
    act: ({ org, foreignBranch }) => rt.post(`/organizations/${org.id}/bank-accounts`, {
      accountHolder: 'A', bankName: 'Axis Bank', accountNumber: '917020012345678', ifsc: 'UTIB0000042', branchId: foreignBranch.id, isPrimary: true,
    }),
    status: 422,
    message: 'branchId',
  }),
  define({
    name: 'GSTIN with a wrong check character',
    arrange: newOrganization,
    act: (org) => {
      const good = gstinFor(org.pan);
      const bad = good.slice(0, 14) + (good[14] === 'A' ? 'B' : 'A');
      return rt.post(`/organizations/${org.id}/gst-registrations`, { gstin: bad, effectiveFrom: '2020-01-01' });
    },
    status: 422,
    message: 'gstin',
  }),
  define({
    name: "GSTIN under another organisation's PAN",
    arrange: newOrganization,
    act: (org) => rt.post(`/organizations/${org.id}/gst-registrations`, { gstin: gstinFor(freshPan()), effectiveFrom: '2020-01-01' }),
    status: 422,
    message: 'PAN',
  }),
  define({
    name: 'GST registration without its start date',
    arrange: newOrganization,
    act: (org) => rt.post(`/organizations/${org.id}/gst-registrations`, { gstin: gstinFor(org.pan) }),
    status: 400,
    message: 'effectiveFrom',
  }),
  define({
    name: 'the same financial year twice',
    arrange: async () => {
      const org = await newOrganization();
      await newYear(org.id, 2023);
      return org;
    },
    act: (org) => rt.post(`/organizations/${org.id}/financial-years`, { startYear: 2023 }),
    status: 409,
  }),
  define({
    name: 'closing a closed year (nothing is re-stamped)',
    arrange: async () => {
      const org = await newOrganization();
      const year = await newYear(org.id);
      const close = await rt.post(`/organizations/${org.id}/financial-years/${year.id}/close`, {});
      expect(close.statusCode).toBe(200);
      return { org, year };
    },
    act: ({ org, year }) => rt.post(`/organizations/${org.id}/financial-years/${year.id}/close`, { closedBy: 'someone else' }),
    status: 409,
    message: 'already closed',
    effect: async ({ year }) => {
      expect(await one('SELECT closed_by FROM financial_years WHERE id = $1', [year.id])).toEqual({ closed_by: null });
    },
  }),
  define({
    name: 'closing an unknown year',
    arrange: newOrganization,
    act: (org) => rt.post(`/organizations/${org.id}/financial-years/${MISSING}/close`, {}),
    status: 404,
    message: MISSING,
  }),
  define({
    name: 'a series in a closed year issues no number',
    arrange: async () => {
      const org = await newOrganization();
      const year = await newYear(org.id);
      const series = await newSeries(org.id, { financialYearId: year.id });
      expect((await rt.post(`/organizations/${org.id}/financial-years/${year.id}/close`, {})).statusCode).toBe(200);
      return series;
    },
    act: (series) => rt.post(`/document-series/${series.id}/next-number`),
    status: 409,
  }),
  define({
    name: 'next number of an unknown series',
    arrange: async () => null,
    act: () => rt.post(`/document-series/${MISSING}/next-number`),
    status: 404,
    message: MISSING,
  }),
  define({
    name: 'moving a series back over issued numbers',
    arrange: async () => {
      const series = await newSeries((await newOrganization()).id, { documentType: 'purchase_contract', startNumber: 50 });
      expect((await rt.post(`/document-series/${series.id}/next-number`)).statusCode).toBe(200);
      return series;
    },
    act: (series) => rt.patch(`/document-series/${series.id}`, { nextNumber: 50 }),
    status: 422,
    message: 'nextNumber',
  }),
  define({
    name: "series tied to another organisation's year",
    arrange: async () => {
      const year = await newYear((await newOrganization()).id);
      return { org: await newOrganization(), year };
    },
    act: ({ org, year }) => rt.post(`/organizations/${org.id}/document-series`, { documentType: 'invoice', financialYearId: year.id }),
    status: 422,
    message: 'financialYearId',
  }),
  define({
    name: 'settings of an unknown organisation',
    arrange: async () => null,
    act: () => rt.put(`/organizations/${MISSING}/settings`, { baseCurrency: 'INR' }),
    status: 404,
  }),
  define({
    name: 'settings with a mistyped field',
    arrange: newOrganization,
    act: (org) => rt.put(`/organizations/${org.id}/settings`, { defaultPaymentTermsDays: 'thirty' }),
    status: 400,
    message: 'defaultPaymentTermsDays',
  }),
  define({
    name: 'a logo that is not the image it claims to be',
    arrange: newOrganization,
    act: (org) => rt.put(`/organizations/${org.id}/logo`, { contentType: 'image/jpeg', data: PNG.toString('base64') }),
    status: 422,
    message: 'data',
  }),
  define({
    name: 'a logo over the size limit',
    arrange: newOrganization,
    act: (org) => rt.put(`/organizations/${org.id}/logo`, {
      contentType: 'image/png', data: Buffer.concat([PNG, Buffer.alloc(140_000)]).toString('base64'),
    }),
    status: 413,
    message: 'data',
  }),
  define({
    name: 'a body over the request limit',
    arrange: async () => null,
    act: () => rt.post('/organizations', { name: 'Big', orgType: 'trader', legalName: 'x'.repeat(300_000) }),
    status: 413,
  }),
  define({
    name: 'removing a logo that was never set',
    arrange: newOrganization,
    act: (org) => rt.delete(`/organizations/${org.id}/logo`),
    status: 404,
  }),
  define({
    name: 'a contact nobody can reach',
    arrange: newOrganization,
    act: (org) => rt.post(`/organizations/${org.id}/contacts`, { name: 'Nobody' }),
    status: 400,
    message: 'email or a phone',
  }),
  define({
    name: 'deleting an unknown contact',
    arrange: newOrganization,
    act: (org) => rt.delete(`/organizations/${org.id}/contacts/${MISSING}`),
    status: 404,
    message: MISSING,
  }),
];

describeOperations('organization operations', operations);

describeRefusals('organization refusals', refusals, snapshot);

describe('organization reads', () => {
  it('lists, filters and fetches organisations with their parts', async () => {
    const org = await newOrganization({ name: 'Vidarbha Pulses Co', headOffice: { code: 'HO', name: 'HO', city: 'Nagpur', stateCode: '27' } });
    await newAccount(org.id);

    const list = await rt.get('/organizations?search=Vidarbha%20Pulses');
    expect(list.statusCode).toBe(200);
    expect(list.json().items.map((o: Json) => o.id)).toEqual([org.id]);

    const one = await rt.get(`/organizations/${org.id}`);
    expect(one.json()).toMatchObject({ id: org.id, branch_count: 1, has_logo: false });

    const accounts = await rt.get(`/organizations/${org.id}/bank-accounts`);
    expect(accounts.json().items[0].account_number).toMatch(/^X+\d{4}$/);

    const settings = await rt.get(`/organizations/${org.id}/settings`);
    expect(settings.json()).toMatchObject({ base_currency: 'INR', timezone: 'Asia/Kolkata', default_payment_terms_days: 30 });

    for (const part of ['branches', 'gst-registrations', 'financial-years', 'document-series', 'contacts']) {
      const res = await rt.get(`/organizations/${org.id}/${part}`);
      expect(res.statusCode, part).toBe(200);
      expect(Array.isArray(res.json().items), part).toBe(true);
    }
    expect((await rt.get(`/organizations/${MISSING}`)).statusCode).toBe(404);
    expect((await rt.get('/organizations?limit=ten')).json().message).toContain('limit');
  });

  it('numbers documents consecutively', async () => {
    const series = await newSeries((await newOrganization()).id, { documentType: 'weighment_slip', prefix: 'WB-', padding: 3 });
    const issued: string[] = [];
    for (let i = 0; i < 3; i++) issued.push((await rt.post(`/document-series/${series.id}/next-number`)).json().formatted);
    expect(issued).toEqual(['WB-001', 'WB-002', 'WB-003']);
    expect((await rt.get(`/document-series/${series.id}`)).json()).toMatchObject({ next_number: 4 });
  });
});
