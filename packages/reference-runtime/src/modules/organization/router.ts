import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../app.js';
import { HttpError, notFound, unprocessable } from '../../core/http/errors.js';

// Organisation master data. This module never grew a service layer: every handler runs its own SQL on request.db
// and commits it (the seed's "CRUD in router"). Handlers that write more than one row roll back explicitly when
// something fails half-way, so the error that reaches the client describes a transaction that left nothing behind.

const ORG_TYPES = ['trader', 'broker', 'ginner', 'miller', 'exporter', 'importer', 'processor'] as const;
const ACCOUNT_TYPES = ['current', 'savings', 'cash_credit', 'overdraft'] as const;
const GST_REGISTRATION_TYPES = ['regular', 'composition', 'sez', 'isd'] as const;
const DOCUMENT_TYPES = [
  'sales_contract', 'purchase_contract', 'invoice', 'credit_note', 'debit_note', 'delivery_order', 'weighment_slip',
] as const;
const LOGO_TYPES = ['image/png', 'image/jpeg', 'image/webp'] as const;
const MAX_LOGO_BYTES = 128 * 1024;

// `date` columns go out as 'YYYY-MM-DD' text: the drivers would turn them into midnight timestamps in the server's
// time zone, which moves 1 April to 31 March for anyone west of it.
const FINANCIAL_YEAR = `id, organization_id, label, starts_on::text AS starts_on, ends_on::text AS ends_on, status,
  closed_at, closed_by, created_at`;
const GST_REGISTRATION = `id, organization_id, gstin, state_code, registration_type, trade_name,
  effective_from::text AS effective_from, status, cancelled_on::text AS cancelled_on, created_at, updated_at`;

const uuid = { type: 'string', format: 'uuid' } as const;
const text = (maxLength: number) => ({ type: 'string', minLength: 1, maxLength }) as const;
const PAN = '^[A-Z]{5}[0-9]{4}[A-Z]$';
const GSTIN = '^[0-9]{2}[A-Z]{5}[0-9]{4}[A-Z][1-9A-Z]Z[0-9A-Z]$';
const PHONE = '^\\+?[0-9][0-9 -]{6,18}[0-9]$';
const PINCODE = '^[1-9][0-9]{5}$';
const date = { type: 'string', format: 'date' } as const;

const orgParams = { type: 'object', required: ['id'], properties: { id: uuid } } as const;
const childParams = (child: string) =>
  ({ type: 'object', required: ['id', child], properties: { id: uuid, [child]: uuid } }) as const;
const seriesParams = { type: 'object', required: ['seriesId'], properties: { seriesId: uuid } } as const;

const branchProperties = {
  code: { type: 'string', pattern: '^[A-Z0-9-]{2,12}$' },
  name: text(120),
  addressLine: text(300),
  city: text(80),
  stateCode: { type: 'string', pattern: '^[0-9]{2}$' },
  pincode: { type: 'string', pattern: PINCODE },
} as const;
const newBranchSchema = {
  type: 'object',
  required: ['code', 'name', 'city', 'stateCode'],
  properties: { ...branchProperties, isHeadOffice: { type: 'boolean' } },
} as const;

const organizationProperties = {
  name: text(200),
  legalName: text(200),
  orgType: { type: 'string', enum: ORG_TYPES },
  pan: { type: 'string', pattern: PAN },
  cin: { type: 'string', pattern: '^[LU][0-9]{5}[A-Z]{2}[0-9]{4}[A-Z]{3}[0-9]{6}$' },
  email: { type: 'string', format: 'email', maxLength: 200 },
  phone: { type: 'string', pattern: PHONE },
  website: { type: 'string', format: 'uri', maxLength: 300 },
} as const;

const bankAccountProperties = {
  accountHolder: text(200),
  bankName: text(120),
  accountNumber: { type: 'string', pattern: '^[0-9]{9,18}$' },
  ifsc: { type: 'string', pattern: '^[A-Z]{4}0[A-Z0-9]{6}$' },
  accountType: { type: 'string', enum: ACCOUNT_TYPES },
  branchId: { type: ['string', 'null'], format: 'uuid' },
  isPrimary: { type: 'boolean' },
} as const;

interface BranchInput {
  code: string;
  name: string;
  addressLine?: string;
  city: string;
  stateCode: string;
  pincode?: string;
  isHeadOffice?: boolean;
}
interface OrganizationInput {
  name: string;
  legalName?: string;
  orgType: (typeof ORG_TYPES)[number];
  pan?: string;
  cin?: string;
  email?: string;
  phone?: string;
  website?: string;
  headOffice?: Omit<BranchInput, 'isHeadOffice'>;
}
interface BankAccountInput {
  accountHolder: string;
  bankName: string;
  accountNumber: string;
  ifsc: string;
  accountType?: (typeof ACCOUNT_TYPES)[number];
  branchId?: string | null;
  isPrimary?: boolean;
}
interface GstRegistrationInput {
  gstin: string;
  registrationType?: (typeof GST_REGISTRATION_TYPES)[number];
  tradeName?: string;
  effectiveFrom: string;
}
interface DocumentSeriesInput {
  documentType: (typeof DOCUMENT_TYPES)[number];
  financialYearId?: string;
  prefix?: string;
  padding?: number;
  startNumber?: number;
}
interface SettingsInput {
  baseCurrency?: string;
  timezone?: string;
  defaultPaymentTermsDays?: number;
  weighbridgeToleranceKg?: number;
  allowNegativeStock?: boolean;
  invoiceFooter?: string | null;
}
interface ContactInput {
  name: string;
  designation?: string;
  email?: string;
  phone?: string;
  isPrimary?: boolean;
}
type OrgParams = { id: string };

interface BankAccountRow {
  account_number: string;
  [column: string]: unknown;
}

/**
 * Turns the fields present in a PATCH body into `column = $n` assignments (parameters numbered after the ones the
 * WHERE clause uses). The handler runs the UPDATE; this only builds it.
 */
function assignments(body: object, columns: Record<string, string>, paramsBefore: number) {
  const sets: string[] = [];
  const values: unknown[] = [];
  for (const [field, column] of Object.entries(columns)) {
    const value = (body as Record<string, unknown>)[field];
    if (value === undefined) continue;
    values.push(value);
    sets.push(`${column} = $${paramsBefore + values.length}`);
  }
  if (sets.length === 0) throw new HttpError(400, `body: nothing to update (expected one of ${Object.keys(columns).join(', ')})`);
  return { set: sets.join(', '), values };
}

/** Statements and screens show bank accounts as XXXXXX1234; the full number is only ever typed in. */
function masked<T extends BankAccountRow>(row: T): T {
  return { ...row, account_number: `${'X'.repeat(Math.max(row.account_number.length - 4, 0))}${row.account_number.slice(-4)}` };
}

/** '2024-25' for the year starting 1 April 2024. */
function financialYearOf(startYear: number) {
  return {
    label: `${startYear}-${String((startYear + 1) % 100).padStart(2, '0')}`,
    startsOn: `${startYear}-04-01`,
    endsOn: `${startYear + 1}-03-31`,
  };
}

const PREFIX_CODES: Record<(typeof DOCUMENT_TYPES)[number], string> = {
  sales_contract: 'SC',
  purchase_contract: 'PC',
  invoice: 'INV',
  credit_note: 'CN',
  debit_note: 'DN',
  delivery_order: 'DO',
  weighment_slip: 'WS',
};

/**
 * GSTIN check character (15th): characters are base-36 digits; alternate ones are doubled, each product
 * contributes quotient + remainder of division by 36, and the check digit brings the sum to a multiple of 36.
 */
function gstinCheckCharacter(first14: string): string {
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  let sum = 0;
  for (let i = 0; i < 14; i++) {
    const product = alphabet.indexOf(first14[i]!) * (i % 2 === 0 ? 1 : 2);
    sum += Math.floor(product / 36) + (product % 36);
  }
  return alphabet[(36 - (sum % 36)) % 36]!;
}

/** Checks the file really is the image type it claims, from its magic bytes. */
function looksLike(contentType: (typeof LOGO_TYPES)[number], bytes: Buffer): boolean {
  switch (contentType) {
    case 'image/png':
      return bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    case 'image/jpeg':
      return bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
    case 'image/webp':
      return bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP';
  }
}

export function registerOrganizationRoutes(app: FastifyInstance, deps: AppDeps): void {
  void deps; // organisation data lives in the request's session only

  // ---------------------------------------------------------------- organisations

  app.get<{ Querystring: { status?: string; search?: string; limit?: string; offset?: string } }>(
    '/organizations',
    {
      schema: {
        querystring: {
          type: 'object',
          properties: {
            status: { type: 'string', enum: ['active', 'inactive'] },
            search: { type: 'string', maxLength: 100 },
            limit: { type: 'string', pattern: '^[1-9][0-9]{0,2}$' },
            offset: { type: 'string', pattern: '^[0-9]{1,6}$' },
          },
        },
      },
    },
    async (request) => {
      const { status, search } = request.query;
      const limit = Math.min(Number(request.query.limit ?? 50), 200);
      const { rows } = await request.db.execute(
        `SELECT * FROM organizations
          WHERE ($1::text IS NULL OR status = $1)
            AND ($2::text IS NULL OR name ILIKE '%' || $2 || '%' OR legal_name ILIKE '%' || $2 || '%')
          ORDER BY name, id LIMIT $3 OFFSET $4`,
        [status ?? null, search ?? null, limit, Number(request.query.offset ?? 0)],
      );
      return { items: rows, limit };
    },
  );

  app.get<{ Params: OrgParams }>('/organizations/:id', { schema: { params: orgParams } }, async (request) => {
    const { rows } = await request.db.execute(
      `SELECT o.*,
              (SELECT count(*)::int FROM organization_branches b WHERE b.organization_id = o.id) AS branch_count,
              EXISTS (SELECT 1 FROM organization_logos l WHERE l.organization_id = o.id) AS has_logo
         FROM organizations o WHERE o.id = $1`,
      [request.params.id],
    );
    if (rows.length === 0) throw notFound('organization', request.params.id);
    return rows[0];
  });

  // Registering an organisation usually comes with its head office; both land or neither does.
  app.post<{ Body: OrganizationInput }>(
    '/organizations',
    {
      schema: {
        body: {
          type: 'object',
          required: ['name', 'orgType'],
          properties: {
            ...organizationProperties,
            headOffice: { type: 'object', required: newBranchSchema.required, properties: branchProperties },
          },
        },
      },
    },
    async (request, reply) => {
      const { headOffice, ...org } = request.body;
      try {
        const { rows } = await request.db.execute(
          `INSERT INTO organizations (name, legal_name, org_type, pan, cin, email, phone, website)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
          [org.name.trim(), org.legalName ?? null, org.orgType, org.pan ?? null, org.cin ?? null, org.email ?? null,
            org.phone ?? null, org.website ?? null],
        );
        const organization = rows[0]!;
        let headOfficeRow = null;
        if (headOffice) {
          const branch = await request.db.execute(
            `INSERT INTO organization_branches (organization_id, code, name, address_line, city, state_code, pincode, is_head_office)
             VALUES ($1, $2, $3, $4, $5, $6, $7, true) RETURNING *`,
            [organization.id, headOffice.code, headOffice.name, headOffice.addressLine ?? null, headOffice.city,
              headOffice.stateCode, headOffice.pincode ?? null],
          );
          headOfficeRow = branch.rows[0];
        }
        await request.db.commit();
        return reply.code(201).send({ ...organization, head_office: headOfficeRow });
      } catch (error) {
        await request.db.rollback();
        throw error;
      }
    },
  );

  app.patch<{ Params: OrgParams; Body: Partial<Omit<OrganizationInput, 'headOffice'>> & { status?: string } }>(
    '/organizations/:id',
    {
      schema: {
        params: orgParams,
        body: {
          type: 'object',
          minProperties: 1,
          additionalProperties: false,
          properties: { ...organizationProperties, status: { type: 'string', enum: ['active', 'inactive'] } },
        },
      },
    },
    async (request) => {
      const { id } = request.params;
      // A PAN is baked into every GSTIN of the organisation: it cannot change under registrations that carry the old one.
      if (request.body.pan) {
        const { rows } = await request.db.execute<{ gstin: string }>(
          `SELECT gstin FROM organization_gst_registrations
            WHERE organization_id = $1 AND status <> 'cancelled' AND substr(gstin, 3, 10) <> $2 LIMIT 1`,
          [id, request.body.pan],
        );
        if (rows.length > 0) {
          throw new HttpError(409, `pan: GSTIN ${rows[0]!.gstin} is registered under a different PAN; cancel it first`);
        }
      }
      const { set, values } = assignments(
        request.body,
        { name: 'name', legalName: 'legal_name', orgType: 'org_type', pan: 'pan', cin: 'cin', email: 'email',
          phone: 'phone', website: 'website', status: 'status' },
        1,
      );
      const { rows } = await request.db.execute(
        `UPDATE organizations SET ${set}, updated_at = now() WHERE id = $1 RETURNING *`,
        [id, ...values],
      );
      if (rows.length === 0) throw notFound('organization', id);
      await request.db.commit();
      return rows[0];
    },
  );

  app.delete<{ Params: OrgParams }>('/organizations/:id', { schema: { params: orgParams } }, async (request, reply) => {
    try {
      // Branches, accounts, registrations, years, series, settings, logo and contacts go with it (ON DELETE CASCADE).
      const { rowCount } = await request.db.execute('DELETE FROM organizations WHERE id = $1', [request.params.id]);
      if (rowCount === 0) throw notFound('organization', request.params.id);
      await request.db.commit();
      return reply.code(204).send();
    } catch (error) {
      await request.db.rollback();
      throw error;
    }
  });

  // ---------------------------------------------------------------- branches

  app.get<{ Params: OrgParams }>('/organizations/:id/branches', { schema: { params: orgParams } }, async (request) => {
    const { rows } = await request.db.execute(
      'SELECT * FROM organization_branches WHERE organization_id = $1 ORDER BY is_head_office DESC, code',
      [request.params.id],
    );
    return { items: rows };
  });

  app.post<{ Params: OrgParams; Body: BranchInput }>(
    '/organizations/:id/branches',
    { schema: { params: orgParams, body: newBranchSchema } },
    async (request, reply) => {
      const b = request.body;
      if (b.isHeadOffice) {
        // Said plainly here; the partial unique index still settles two simultaneous requests.
        const { rows } = await request.db.execute<{ code: string }>(
          'SELECT code FROM organization_branches WHERE organization_id = $1 AND is_head_office',
          [request.params.id],
        );
        if (rows.length > 0) throw new HttpError(409, `isHeadOffice: branch ${rows[0]!.code} is already the head office`);
      }
      // Inserting from the organisation row both checks it exists and keeps the statement single.
      const { rows } = await request.db.execute(
        `INSERT INTO organization_branches (organization_id, code, name, address_line, city, state_code, pincode, is_head_office)
         SELECT o.id, $2, $3, $4, $5, $6, $7, $8 FROM organizations o WHERE o.id = $1
         RETURNING *`,
        [request.params.id, b.code, b.name, b.addressLine ?? null, b.city, b.stateCode, b.pincode ?? null,
          b.isHeadOffice ?? false],
      );
      if (rows.length === 0) throw notFound('organization', request.params.id);
      await request.db.commit();
      return reply.code(201).send(rows[0]);
    },
  );

  app.patch<{ Params: OrgParams & { branchId: string }; Body: Partial<BranchInput> }>(
    '/organizations/:id/branches/:branchId',
    {
      schema: {
        params: childParams('branchId'),
        body: { type: 'object', minProperties: 1, additionalProperties: false, properties: newBranchSchema.properties },
      },
    },
    async (request) => {
      if (request.body.isHeadOffice) {
        const { rows } = await request.db.execute<{ code: string }>(
          'SELECT code FROM organization_branches WHERE organization_id = $1 AND is_head_office AND id <> $2',
          [request.params.id, request.params.branchId],
        );
        if (rows.length > 0) throw new HttpError(409, `isHeadOffice: branch ${rows[0]!.code} is already the head office`);
      }
      const { set, values } = assignments(
        request.body,
        { code: 'code', name: 'name', addressLine: 'address_line', city: 'city', stateCode: 'state_code',
          pincode: 'pincode', isHeadOffice: 'is_head_office' },
        2,
      );
      const { rows } = await request.db.execute(
        `UPDATE organization_branches SET ${set}, updated_at = now()
          WHERE id = $1 AND organization_id = $2 RETURNING *`,
        [request.params.branchId, request.params.id, ...values],
      );
      if (rows.length === 0) throw notFound('branch', request.params.branchId);
      await request.db.commit();
      return rows[0];
    },
  );

  app.delete<{ Params: OrgParams & { branchId: string } }>(
    '/organizations/:id/branches/:branchId',
    { schema: { params: childParams('branchId') } },
    async (request, reply) => {
      const { id, branchId } = request.params;
      const { rows } = await request.db.execute<{ is_head_office: boolean }>(
        'SELECT is_head_office FROM organization_branches WHERE id = $1 AND organization_id = $2 FOR UPDATE',
        [branchId, id],
      );
      if (rows.length === 0) throw notFound('branch', branchId);
      // The registered office is on the GST certificate and the letterhead; it is moved, not deleted.
      if (rows[0]!.is_head_office) throw new HttpError(409, 'branchId: the head office cannot be deleted; move the head office to another branch first');
      await request.db.execute('DELETE FROM organization_branches WHERE id = $1', [branchId]);
      await request.db.commit();
      return reply.code(204).send();
    },
  );

  // ---------------------------------------------------------------- bank accounts

  app.get<{ Params: OrgParams }>('/organizations/:id/bank-accounts', { schema: { params: orgParams } }, async (request) => {
    const { rows } = await request.db.execute<BankAccountRow>(
      'SELECT * FROM organization_bank_accounts WHERE organization_id = $1 ORDER BY is_primary DESC, created_at',
      [request.params.id],
    );
    return { items: rows.map(masked) };
  });

  app.post<{ Params: OrgParams; Body: BankAccountInput }>(
    '/organizations/:id/bank-accounts',
    {
      schema: {
        params: orgParams,
        body: {
          type: 'object',
          required: ['accountHolder', 'bankName', 'accountNumber', 'ifsc'],
          properties: bankAccountProperties,
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const account = request.body;
      try {
        const org = await request.db.execute<{ accounts: number }>(
          `SELECT (SELECT count(*)::int FROM organization_bank_accounts a WHERE a.organization_id = o.id) AS accounts
             FROM organizations o WHERE o.id = $1 FOR UPDATE`,
          [id],
        );
        if (org.rows.length === 0) throw notFound('organization', id);
        if (account.branchId) {
          const branch = await request.db.execute(
            'SELECT 1 FROM organization_branches WHERE id = $1 AND organization_id = $2',
            [account.branchId, id],
          );
          if (branch.rows.length === 0) throw unprocessable(`branchId: branch ${account.branchId} is not a branch of this organization`);
        }
        // The first account an organisation adds is where payments go until it says otherwise.
        const isPrimary = account.isPrimary ?? org.rows[0]!.accounts === 0;
        if (isPrimary) {
          await request.db.execute(
            'UPDATE organization_bank_accounts SET is_primary = false, updated_at = now() WHERE organization_id = $1 AND is_primary',
            [id],
          );
        }
        const { rows } = await request.db.execute<BankAccountRow>(
          `INSERT INTO organization_bank_accounts
             (organization_id, branch_id, account_holder, bank_name, account_number, ifsc, account_type, is_primary)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
          [id, account.branchId ?? null, account.accountHolder, account.bankName, account.accountNumber, account.ifsc,
            account.accountType ?? 'current', isPrimary],
        );
        await request.db.commit();
        return reply.code(201).send(masked(rows[0]!));
      } catch (error) {
        await request.db.rollback();
        throw error;
      }
    },
  );

  app.patch<{ Params: OrgParams & { accountId: string }; Body: Partial<Omit<BankAccountInput, 'accountNumber'>> }>(
    '/organizations/:id/bank-accounts/:accountId',
    {
      schema: {
        params: childParams('accountId'),
        // The account number is what identifies the account at the bank: a different number is a new account.
        body: {
          type: 'object',
          minProperties: 1,
          additionalProperties: false,
          properties: {
            accountHolder: bankAccountProperties.accountHolder,
            bankName: bankAccountProperties.bankName,
            ifsc: bankAccountProperties.ifsc,
            accountType: bankAccountProperties.accountType,
            branchId: bankAccountProperties.branchId,
            isPrimary: bankAccountProperties.isPrimary,
          },
        },
      },
    },
    async (request) => {
      const { id, accountId } = request.params;
      const changes = request.body;
      try {
        if (changes.branchId) {
          const branch = await request.db.execute(
            'SELECT 1 FROM organization_branches WHERE id = $1 AND organization_id = $2',
            [changes.branchId, id],
          );
          if (branch.rows.length === 0) throw unprocessable(`branchId: branch ${changes.branchId} is not a branch of this organization`);
        }
        if (changes.isPrimary === true) {
          await request.db.execute(
            `UPDATE organization_bank_accounts SET is_primary = false, updated_at = now()
              WHERE organization_id = $1 AND is_primary AND id <> $2`,
            [id, accountId],
          );
        }
        const { set, values } = assignments(
          changes,
          { accountHolder: 'account_holder', bankName: 'bank_name', ifsc: 'ifsc', accountType: 'account_type',
            branchId: 'branch_id', isPrimary: 'is_primary' },
          2,
        );
        const { rows } = await request.db.execute<BankAccountRow>(
          `UPDATE organization_bank_accounts SET ${set}, updated_at = now()
            WHERE id = $1 AND organization_id = $2 RETURNING *`,
          [accountId, id, ...values],
        );
        if (rows.length === 0) throw notFound('bank account', accountId);
        await request.db.commit();
        return masked(rows[0]!);
      } catch (error) {
        await request.db.rollback();
        throw error;
      }
    },
  );

  app.delete<{ Params: OrgParams & { accountId: string } }>(
    '/organizations/:id/bank-accounts/:accountId',
    { schema: { params: childParams('accountId') } },
    async (request, reply) => {
      const { rowCount } = await request.db.execute(
        'DELETE FROM organization_bank_accounts WHERE id = $1 AND organization_id = $2',
        [request.params.accountId, request.params.id],
      );
      if (rowCount === 0) throw notFound('bank account', request.params.accountId);
      await request.db.commit();
      return reply.code(204).send();
    },
  );

  // ---------------------------------------------------------------- GST registrations

  app.get<{ Params: OrgParams }>('/organizations/:id/gst-registrations', { schema: { params: orgParams } }, async (request) => {
    const { rows } = await request.db.execute(
      `SELECT ${GST_REGISTRATION} FROM organization_gst_registrations WHERE organization_id = $1 ORDER BY state_code, gstin`,
      [request.params.id],
    );
    return { items: rows };
  });

  app.post<{ Params: OrgParams; Body: GstRegistrationInput }>(
    '/organizations/:id/gst-registrations',
    {
      schema: {
        params: orgParams,
        body: {
          type: 'object',
          required: ['gstin', 'effectiveFrom'],
          properties: {
            gstin: { type: 'string', pattern: GSTIN },
            registrationType: { type: 'string', enum: GST_REGISTRATION_TYPES },
            tradeName: text(200),
            effectiveFrom: date,
          },
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const { gstin, registrationType, tradeName, effectiveFrom } = request.body;
      if (gstinCheckCharacter(gstin.slice(0, 14)) !== gstin[14]) {
        throw unprocessable(`gstin: ${gstin} fails its check character (expected ${gstinCheckCharacter(gstin.slice(0, 14))})`);
      }
      const org = await request.db.execute<{ pan: string | null }>('SELECT pan FROM organizations WHERE id = $1', [id]);
      if (org.rows.length === 0) throw notFound('organization', id);
      const pan = org.rows[0]!.pan;
      if (pan && gstin.slice(2, 12) !== pan) {
        throw unprocessable(`gstin: ${gstin} is not issued under the organization's PAN ${pan}`);
      }
      const { rows } = await request.db.execute(
        `INSERT INTO organization_gst_registrations (organization_id, gstin, state_code, registration_type, trade_name, effective_from)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${GST_REGISTRATION}`,
        [id, gstin, gstin.slice(0, 2), registrationType ?? 'regular', tradeName ?? null, effectiveFrom],
      );
      await request.db.commit();
      return reply.code(201).send(rows[0]);
    },
  );

  app.patch<{
    Params: OrgParams & { gstId: string };
    Body: { registrationType?: string; tradeName?: string; status?: string; cancelledOn?: string };
  }>(
    '/organizations/:id/gst-registrations/:gstId',
    {
      schema: {
        params: childParams('gstId'),
        body: {
          type: 'object',
          minProperties: 1,
          additionalProperties: false,
          properties: {
            registrationType: { type: 'string', enum: GST_REGISTRATION_TYPES },
            tradeName: text(200),
            status: { type: 'string', enum: ['active', 'suspended', 'cancelled'] },
            cancelledOn: date,
          },
        },
      },
    },
    async (request) => {
      const changes = { ...request.body };
      // A cancellation always has a date; the certificate says so even when the form did not.
      if (changes.status === 'cancelled' && !changes.cancelledOn) changes.cancelledOn = new Date().toISOString().slice(0, 10);
      if (changes.status && changes.status !== 'cancelled' && changes.cancelledOn) {
        throw new HttpError(400, 'cancelledOn: only a cancelled registration has a cancellation date');
      }
      const { set, values } = assignments(
        changes,
        { registrationType: 'registration_type', tradeName: 'trade_name', status: 'status', cancelledOn: 'cancelled_on' },
        2,
      );
      const { rows } = await request.db.execute(
        `UPDATE organization_gst_registrations SET ${set}, updated_at = now()
          WHERE id = $1 AND organization_id = $2 RETURNING ${GST_REGISTRATION}`,
        [request.params.gstId, request.params.id, ...values],
      );
      if (rows.length === 0) throw notFound('GST registration', request.params.gstId);
      await request.db.commit();
      return rows[0];
    },
  );

  app.delete<{ Params: OrgParams & { gstId: string } }>(
    '/organizations/:id/gst-registrations/:gstId',
    { schema: { params: childParams('gstId') } },
    async (request, reply) => {
      const { rowCount } = await request.db.execute(
        'DELETE FROM organization_gst_registrations WHERE id = $1 AND organization_id = $2',
        [request.params.gstId, request.params.id],
      );
      if (rowCount === 0) throw notFound('GST registration', request.params.gstId);
      await request.db.commit();
      return reply.code(204).send();
    },
  );

  // ---------------------------------------------------------------- financial years

  app.get<{ Params: OrgParams }>('/organizations/:id/financial-years', { schema: { params: orgParams } }, async (request) => {
    const { rows } = await request.db.execute(
      `SELECT ${FINANCIAL_YEAR} FROM financial_years WHERE organization_id = $1 ORDER BY starts_on DESC`,
      [request.params.id],
    );
    return { items: rows };
  });

  app.post<{ Params: OrgParams; Body: { startYear: number } }>(
    '/organizations/:id/financial-years',
    {
      schema: {
        params: orgParams,
        body: {
          type: 'object',
          required: ['startYear'],
          properties: { startYear: { type: 'integer', minimum: 2000, maximum: 2098 } },
        },
      },
    },
    async (request, reply) => {
      const year = financialYearOf(request.body.startYear);
      const { rows } = await request.db.execute(
        `INSERT INTO financial_years (organization_id, label, starts_on, ends_on)
         SELECT o.id, $2, $3, $4 FROM organizations o WHERE o.id = $1
         RETURNING ${FINANCIAL_YEAR}`,
        [request.params.id, year.label, year.startsOn, year.endsOn],
      );
      if (rows.length === 0) throw notFound('organization', request.params.id);
      await request.db.commit();
      return reply.code(201).send(rows[0]);
    },
  );

  app.post<{ Params: OrgParams & { yearId: string }; Body: { closedBy?: string } }>(
    '/organizations/:id/financial-years/:yearId/close',
    {
      schema: {
        params: childParams('yearId'),
        body: { type: 'object', properties: { closedBy: text(120) } },
      },
      // Closing is usually a bare POST; treat "no body" as "no details" rather than as a malformed body.
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request, reply) => {
      const { id, yearId } = request.params;
      const { rows } = await request.db.execute<{ label: string; status: string }>(
        'SELECT label, status FROM financial_years WHERE id = $1 AND organization_id = $2 FOR UPDATE',
        [yearId, id],
      );
      const year = rows[0];
      if (!year) throw notFound('financial year', yearId);
      // Closing twice would overwrite who closed the books and when.
      if (year.status === 'closed') {
        return reply.code(409).send({ error: 'conflict', message: `financial year ${year.label} is already closed` });
      }
      const closed = await request.db.execute(
        `UPDATE financial_years SET status = 'closed', closed_at = now(), closed_by = $2
          WHERE id = $1 RETURNING ${FINANCIAL_YEAR}`,
        [yearId, request.body.closedBy ?? null],
      );
      // Nothing may be numbered into a closed year.
      await request.db.execute(
        'UPDATE document_series SET is_active = false, updated_at = now() WHERE financial_year_id = $1 AND is_active',
        [yearId],
      );
      await request.db.commit();
      return closed.rows[0];
    },
  );

  // ---------------------------------------------------------------- document series

  app.get<{ Params: OrgParams }>('/organizations/:id/document-series', { schema: { params: orgParams } }, async (request) => {
    const { rows } = await request.db.execute(
      `SELECT s.*, fy.label AS financial_year FROM document_series s
         LEFT JOIN financial_years fy ON fy.id = s.financial_year_id
        WHERE s.organization_id = $1 ORDER BY s.document_type, fy.starts_on`,
      [request.params.id],
    );
    return { items: rows };
  });

  app.get<{ Params: { seriesId: string } }>('/document-series/:seriesId', { schema: { params: seriesParams } }, async (request) => {
    const { rows } = await request.db.execute('SELECT * FROM document_series WHERE id = $1', [request.params.seriesId]);
    if (rows.length === 0) throw notFound('document series', request.params.seriesId);
    return rows[0];
  });

  app.post<{ Params: OrgParams; Body: DocumentSeriesInput }>(
    '/organizations/:id/document-series',
    {
      schema: {
        params: orgParams,
        body: {
          type: 'object',
          required: ['documentType'],
          properties: {
            documentType: { type: 'string', enum: DOCUMENT_TYPES },
            financialYearId: uuid,
            prefix: { type: 'string', maxLength: 20, pattern: '^[A-Z0-9/-]*$' },
            padding: { type: 'integer', minimum: 1, maximum: 10 },
            startNumber: { type: 'integer', minimum: 1 },
          },
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const series = request.body;
      const org = await request.db.execute('SELECT 1 FROM organizations WHERE id = $1', [id]);
      if (org.rows.length === 0) throw notFound('organization', id);
      let prefix = series.prefix;
      if (series.financialYearId) {
        const fy = await request.db.execute<{ label: string; status: string }>(
          'SELECT label, status FROM financial_years WHERE id = $1 AND organization_id = $2',
          [series.financialYearId, id],
        );
        const year = fy.rows[0];
        if (!year) throw unprocessable(`financialYearId: ${series.financialYearId} is not a financial year of this organization`);
        if (year.status === 'closed') throw new HttpError(409, `financialYearId: financial year ${year.label} is closed`);
        // 'SC/24-25/' unless the organisation has its own convention.
        prefix ??= `${PREFIX_CODES[series.documentType]}/${year.label.slice(2)}/`;
      }
      const { rows } = await request.db.execute(
        `INSERT INTO document_series (organization_id, financial_year_id, document_type, prefix, padding, next_number)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
        [id, series.financialYearId ?? null, series.documentType, prefix ?? `${PREFIX_CODES[series.documentType]}/`,
          series.padding ?? 4, series.startNumber ?? 1],
      );
      await request.db.commit();
      return reply.code(201).send(rows[0]);
    },
  );

  app.patch<{ Params: { seriesId: string }; Body: { prefix?: string; padding?: number; isActive?: boolean; nextNumber?: number } }>(
    '/document-series/:seriesId',
    {
      schema: {
        params: seriesParams,
        body: {
          type: 'object',
          minProperties: 1,
          additionalProperties: false,
          properties: {
            prefix: { type: 'string', maxLength: 20, pattern: '^[A-Z0-9/-]*$' },
            padding: { type: 'integer', minimum: 1, maximum: 10 },
            isActive: { type: 'boolean' },
            nextNumber: { type: 'integer', minimum: 1 },
          },
        },
      },
    },
    async (request) => {
      const { seriesId } = request.params;
      const current = await request.db.execute<{ next_number: number }>(
        'SELECT next_number FROM document_series WHERE id = $1 FOR UPDATE',
        [seriesId],
      );
      if (current.rows.length === 0) throw notFound('document series', seriesId);
      // GST invoices must be unique and consecutive: the counter may skip ahead, never back over issued numbers.
      const issuedUpTo = current.rows[0]!.next_number - 1;
      if (request.body.nextNumber !== undefined && request.body.nextNumber <= issuedUpTo) {
        throw unprocessable(`nextNumber: numbers up to ${issuedUpTo} were already issued`);
      }
      const { set, values } = assignments(
        request.body,
        { prefix: 'prefix', padding: 'padding', isActive: 'is_active', nextNumber: 'next_number' },
        1,
      );
      const { rows } = await request.db.execute(
        `UPDATE document_series SET ${set}, updated_at = now() WHERE id = $1 RETURNING *`,
        [seriesId, ...values],
      );
      await request.db.commit();
      return rows[0];
    },
  );

  // Hands out the next number of a series. The increment and the read are one statement, so two clerks raising
  // contracts at the same moment can never get the same number.
  app.post<{ Params: { seriesId: string } }>(
    '/document-series/:seriesId/next-number',
    { schema: { params: seriesParams } },
    async (request) => {
      const { seriesId } = request.params;
      const { rows } = await request.db.execute<{ number: number; prefix: string; padding: number; document_type: string }>(
        `UPDATE document_series s SET next_number = s.next_number + 1, updated_at = now()
          WHERE s.id = $1 AND s.is_active
            AND (s.financial_year_id IS NULL
                 OR EXISTS (SELECT 1 FROM financial_years fy WHERE fy.id = s.financial_year_id AND fy.status = 'open'))
        RETURNING s.next_number - 1 AS number, s.prefix, s.padding, s.document_type`,
        [seriesId],
      );
      const issued = rows[0];
      if (!issued) {
        const exists = await request.db.execute('SELECT 1 FROM document_series WHERE id = $1', [seriesId]);
        if (exists.rows.length === 0) throw notFound('document series', seriesId);
        throw new HttpError(409, `document series ${seriesId} is inactive or its financial year is closed`);
      }
      await request.db.commit();
      return {
        seriesId,
        documentType: issued.document_type,
        number: issued.number,
        formatted: `${issued.prefix}${String(issued.number).padStart(issued.padding, '0')}`,
      };
    },
  );

  // ---------------------------------------------------------------- settings

  app.get<{ Params: OrgParams }>('/organizations/:id/settings', { schema: { params: orgParams } }, async (request) => {
    const { rows } = await request.db.execute(
      `SELECT o.id AS organization_id,
              COALESCE(s.base_currency, 'INR') AS base_currency,
              COALESCE(s.timezone, 'Asia/Kolkata') AS timezone,
              COALESCE(s.default_payment_terms_days, 30) AS default_payment_terms_days,
              COALESCE(s.weighbridge_tolerance_kg, 50) AS weighbridge_tolerance_kg,
              COALESCE(s.allow_negative_stock, false) AS allow_negative_stock,
              s.invoice_footer, s.updated_at
         FROM organizations o LEFT JOIN organization_settings s ON s.organization_id = o.id
        WHERE o.id = $1`,
      [request.params.id],
    );
    if (rows.length === 0) throw notFound('organization', request.params.id);
    return rows[0];
  });

  // PUT with only some fields keeps the others: an absent field falls back to the stored value, then the default.
  app.put<{ Params: OrgParams; Body: SettingsInput }>(
    '/organizations/:id/settings',
    {
      schema: {
        params: orgParams,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            baseCurrency: { type: 'string', pattern: '^[A-Z]{3}$' },
            timezone: { type: 'string', pattern: '^[A-Za-z]+(/[A-Za-z_+-]+)*$', maxLength: 60 },
            defaultPaymentTermsDays: { type: 'integer', minimum: 0, maximum: 365 },
            weighbridgeToleranceKg: { type: 'number', minimum: 0, maximum: 10000 },
            allowNegativeStock: { type: 'boolean' },
            invoiceFooter: { type: ['string', 'null'], maxLength: 1000 },
          },
        },
      },
    },
    async (request) => {
      const s = request.body;
      const { rows } = await request.db.execute(
        `INSERT INTO organization_settings AS cur
           (organization_id, base_currency, timezone, default_payment_terms_days, weighbridge_tolerance_kg,
            allow_negative_stock, invoice_footer)
         SELECT o.id, COALESCE($2, 'INR'), COALESCE($3, 'Asia/Kolkata'), COALESCE($4::int, 30),
                COALESCE($5::numeric, 50), COALESCE($6::boolean, false), $7
           FROM organizations o WHERE o.id = $1
         ON CONFLICT (organization_id) DO UPDATE SET
           base_currency = COALESCE($2, cur.base_currency),
           timezone = COALESCE($3, cur.timezone),
           default_payment_terms_days = COALESCE($4::int, cur.default_payment_terms_days),
           weighbridge_tolerance_kg = COALESCE($5::numeric, cur.weighbridge_tolerance_kg),
           allow_negative_stock = COALESCE($6::boolean, cur.allow_negative_stock),
           invoice_footer = CASE WHEN $8::boolean THEN $7 ELSE cur.invoice_footer END,
           updated_at = now()
         RETURNING *`,
        [request.params.id, s.baseCurrency ?? null, s.timezone ?? null, s.defaultPaymentTermsDays ?? null,
          s.weighbridgeToleranceKg ?? null, s.allowNegativeStock ?? null, s.invoiceFooter ?? null,
          // invoiceFooter: null clears it, absent keeps it
          s.invoiceFooter !== undefined],
      );
      if (rows.length === 0) throw notFound('organization', request.params.id);
      await request.db.commit();
      return rows[0];
    },
  );

  // ---------------------------------------------------------------- logo

  app.get<{ Params: OrgParams }>('/organizations/:id/logo', { schema: { params: orgParams } }, async (request, reply) => {
    const { rows } = await request.db.execute<{ content_type: string; data: Uint8Array; sha256: string }>(
      'SELECT content_type, data, sha256 FROM organization_logos WHERE organization_id = $1',
      [request.params.id],
    );
    const logo = rows[0];
    if (!logo) throw notFound('logo of organization', request.params.id);
    return reply.type(logo.content_type).header('etag', `"${logo.sha256}"`).send(Buffer.from(logo.data));
  });

  app.put<{ Params: OrgParams; Body: { contentType: (typeof LOGO_TYPES)[number]; data: string } }>(
    '/organizations/:id/logo',
    {
      schema: {
        params: orgParams,
        body: {
          type: 'object',
          required: ['contentType', 'data'],
          properties: {
            contentType: { type: 'string', enum: LOGO_TYPES },
            data: { type: 'string', minLength: 4, pattern: '^[A-Za-z0-9+/]+={0,2}$' },
          },
        },
      },
    },
    async (request) => {
      const { id } = request.params;
      const { contentType, data } = request.body;
      const bytes = Buffer.from(data, 'base64');
      if (bytes.length > MAX_LOGO_BYTES) {
        throw new HttpError(413, `data: logo is ${bytes.length} bytes; the limit is ${MAX_LOGO_BYTES}`);
      }
      if (!looksLike(contentType, bytes)) throw unprocessable(`data: the file is not a ${contentType} image`);
      const org = await request.db.execute('SELECT 1 FROM organizations WHERE id = $1', [id]);
      if (org.rows.length === 0) throw notFound('organization', id);
      const { rows } = await request.db.execute(
        `INSERT INTO organization_logos (organization_id, content_type, data, byte_size, sha256)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (organization_id) DO UPDATE SET content_type = EXCLUDED.content_type, data = EXCLUDED.data,
           byte_size = EXCLUDED.byte_size, sha256 = EXCLUDED.sha256, uploaded_at = now()
         RETURNING organization_id, content_type, byte_size, sha256, uploaded_at`,
        [id, contentType, bytes, bytes.length, createHash('sha256').update(bytes).digest('hex')],
      );
      await request.db.commit();
      return rows[0];
    },
  );

  app.delete<{ Params: OrgParams }>('/organizations/:id/logo', { schema: { params: orgParams } }, async (request, reply) => {
    const { rowCount } = await request.db.execute('DELETE FROM organization_logos WHERE organization_id = $1', [request.params.id]);
    if (rowCount === 0) throw notFound('logo of organization', request.params.id);
    await request.db.commit();
    return reply.code(204).send();
  });

  // ---------------------------------------------------------------- contacts

  app.get<{ Params: OrgParams }>('/organizations/:id/contacts', { schema: { params: orgParams } }, async (request) => {
    const { rows } = await request.db.execute(
      'SELECT * FROM organization_contacts WHERE organization_id = $1 ORDER BY is_primary DESC, name',
      [request.params.id],
    );
    return { items: rows };
  });

  app.post<{ Params: OrgParams; Body: ContactInput }>(
    '/organizations/:id/contacts',
    {
      schema: {
        params: orgParams,
        body: {
          type: 'object',
          required: ['name'],
          properties: {
            name: text(120),
            designation: text(80),
            email: { type: 'string', format: 'email', maxLength: 200 },
            phone: { type: 'string', pattern: PHONE },
            isPrimary: { type: 'boolean' },
          },
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const contact = request.body;
      if (!contact.email && !contact.phone) throw new HttpError(400, 'body: a contact needs an email or a phone');
      try {
        const org = await request.db.execute('SELECT 1 FROM organizations WHERE id = $1', [id]);
        if (org.rows.length === 0) throw notFound('organization', id);
        if (contact.isPrimary) {
          await request.db.execute(
            'UPDATE organization_contacts SET is_primary = false WHERE organization_id = $1 AND is_primary',
            [id],
          );
        }
        const { rows } = await request.db.execute(
          `INSERT INTO organization_contacts (organization_id, name, designation, email, phone, is_primary)
           VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
          [id, contact.name, contact.designation ?? null, contact.email ?? null, contact.phone ?? null,
            contact.isPrimary ?? false],
        );
        await request.db.commit();
        return reply.code(201).send(rows[0]);
      } catch (error) {
        await request.db.rollback();
        throw error;
      }
    },
  );

  app.delete<{ Params: OrgParams & { contactId: string } }>(
    '/organizations/:id/contacts/:contactId',
    { schema: { params: childParams('contactId') } },
    async (request, reply) => {
      const { rowCount } = await request.db.execute(
        'DELETE FROM organization_contacts WHERE id = $1 AND organization_id = $2',
        [request.params.contactId, request.params.id],
      );
      if (rowCount === 0) throw notFound('contact', request.params.contactId);
      await request.db.commit();
      return reply.code(204).send();
    },
  );
}
