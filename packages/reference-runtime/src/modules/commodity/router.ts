import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../app.js';
import { HttpError, conflict, notFound, unprocessable } from '../../core/http/errors.js';

// Commodity master data: commodities with their varieties and quality parameters, HSN codes, and the contract
// vocabulary (trade types, payment terms, delivery terms, bargain types). Written straight against the request's
// session, like the rest of the master-data screens: each handler runs its SQL and commits.

const CATEGORIES = ['fibre', 'cereals', 'pulses', 'oilseeds', 'spices', 'edible_oils', 'sugar'] as const;
const TRADING_UNITS = ['kg', 'quintal', 'mt', 'bale', 'candy'] as const;
const STATUSES = ['draft', 'active', 'suspended', 'discontinued'] as const;
// GST slabs in percent, old and new: goods still move on contracts signed under 12 % and 28 %.
const GST_RATES = [0, 0.1, 0.25, 1.5, 3, 5, 12, 18, 28, 40] as const;
const INCOTERMS = ['EXW', 'FCA', 'CPT', 'CIP', 'DAP', 'DPU', 'DDP', 'FAS', 'FOB', 'CFR', 'CIF'] as const;
const MAX_IMPORT_ROWS = 500;

type Category = (typeof CATEGORIES)[number];
type TradingUnit = (typeof TRADING_UNITS)[number];
type Status = (typeof STATUSES)[number];
type Incoterm = (typeof INCOTERMS)[number];

const uuid = { type: 'string', format: 'uuid' } as const;
const code = { type: 'string', pattern: '^[A-Za-z0-9_-]{2,24}$' } as const;
const name = { type: 'string', minLength: 1, maxLength: 120 } as const;
const description = { type: 'string', maxLength: 1000 } as const;
const idParams = { type: 'object', required: ['id'], properties: { id: uuid } } as const;
const varietyParams = { type: 'object', required: ['id', 'varietyId'], properties: { id: uuid, varietyId: uuid } } as const;
const parameterParams = { type: 'object', required: ['id', 'parameterId'], properties: { id: uuid, parameterId: uuid } } as const;
/** PATCH bodies: at least one known field, nothing else. */
const patch = (properties: Record<string, unknown>) =>
  ({ type: 'object', minProperties: 1, additionalProperties: false, properties }) as const;

type IdParams = { id: string };

interface CommodityInput {
  code: string;
  name: string;
  category: Category;
  tradingUnit: TradingUnit;
  hsnCodeId?: string;
  description?: string;
}
interface VarietyInput {
  code: string;
  name: string;
  description?: string;
  isActive?: boolean;
}
interface QualityParameterInput {
  name: string;
  unit: string;
  minValue?: number | null;
  maxValue?: number | null;
  standardValue?: number | null;
  isMandatory?: boolean;
}
interface ImportRow {
  code: string;
  name: string;
  category: Category;
  tradingUnit: TradingUnit;
  hsnCode?: string;
  description?: string;
  varieties?: { code: string; name: string }[];
}
interface HsnInput {
  code: string;
  description: string;
  gstRate: number;
  cessRate?: number;
}
interface TradeTypeInput {
  code: string;
  name: string;
  description?: string;
  isCrossBorder?: boolean;
  requiresContract?: boolean;
}
interface PaymentTermInput {
  code: string;
  name: string;
  creditDays: number;
  advancePercent?: number;
  description?: string;
}
interface DeliveryTermInput {
  code: string;
  name: string;
  incoterm?: Incoterm | null;
  freightIncluded?: boolean;
  insuranceIncluded?: boolean;
  description?: string;
}
interface BargainTypeInput {
  code: string;
  name: string;
  description?: string;
  allowsCounterOffer?: boolean;
  requiresApproval?: boolean;
  maxRounds?: number | null;
}

/** Codes are compared and stored in capitals: 'kapas' and 'KAPAS' are one commodity. */
const normalizeCode = (value: string) => value.toUpperCase();

/**
 * What an Incoterm says about who pays freight and insurance, used when the caller did not say: C-terms carry the
 * main freight, CIF and CIP the insurance too, D-terms both. Domestic terms (no Incoterm) default to neither.
 */
function costsCoveredBy(incoterm: Incoterm | null | undefined): { freight: boolean; insurance: boolean } {
  switch (incoterm) {
    case 'CIF':
    case 'CIP':
    case 'DAP':
    case 'DPU':
    case 'DDP':
      return { freight: true, insurance: true };
    case 'CFR':
    case 'CPT':
      return { freight: true, insurance: false };
    default:
      return { freight: false, insurance: false };
  }
}

export function registerCommodityRoutes(app: FastifyInstance, deps: AppDeps): void {
  void deps; // master data: nothing here talks to Redis, the broker or sockets

  // ---------------------------------------------------------------- commodities

  app.get<{ Querystring: { status?: Status; category?: Category; search?: string } }>(
    '/commodities',
    {
      schema: {
        querystring: {
          type: 'object',
          properties: {
            status: { type: 'string', enum: STATUSES },
            category: { type: 'string', enum: CATEGORIES },
            search: { type: 'string', maxLength: 100 },
          },
        },
      },
    },
    async (req) => {
      const db = req.db;
      const { status, category, search } = req.query;
      const { rows } = await db.execute(
        `SELECT c.*, h.code AS hsn_code FROM commodities c LEFT JOIN hsn_codes h ON h.id = c.hsn_code_id
          WHERE ($1::text IS NULL OR c.status = $1) AND ($2::text IS NULL OR c.category = $2)
            AND ($3::text IS NULL OR c.name ILIKE '%' || $3 || '%' OR c.code ILIKE $3 || '%')
          ORDER BY c.name`,
        [status ?? null, category ?? null, search ?? null],
      );
      return { items: rows };
    },
  );

  app.get<{ Params: IdParams }>('/commodities/:id', { schema: { params: idParams } }, async (req) => {
    const db = req.db;
    const { rows } = await db.execute(
      `SELECT c.*, h.code AS hsn_code, h.gst_rate FROM commodities c LEFT JOIN hsn_codes h ON h.id = c.hsn_code_id
        WHERE c.id = $1`,
      [req.params.id],
    );
    if (rows.length === 0) throw notFound('commodity', req.params.id);
    const varieties = await db.execute('SELECT * FROM commodity_varieties WHERE commodity_id = $1 ORDER BY code', [req.params.id]);
    const parameters = await db.execute('SELECT * FROM quality_parameters WHERE commodity_id = $1 ORDER BY name', [req.params.id]);
    return { ...rows[0], varieties: varieties.rows, quality_parameters: parameters.rows };
  });

  app.get<{ Params: IdParams }>('/commodities/:id/status-history', { schema: { params: idParams } }, async (req) => {
    const db = req.db;
    const { rows } = await db.execute(
      'SELECT * FROM commodity_status_history WHERE commodity_id = $1 ORDER BY id',
      [req.params.id],
    );
    return { items: rows };
  });

  app.post<{ Body: CommodityInput }>(
    '/commodities',
    {
      schema: {
        body: {
          type: 'object',
          required: ['code', 'name', 'category', 'tradingUnit'],
          properties: {
            code,
            name,
            category: { type: 'string', enum: CATEGORIES },
            tradingUnit: { type: 'string', enum: TRADING_UNITS },
            hsnCodeId: uuid,
            description,
          },
        },
      },
    },
    async (req, reply) => {
      const db = req.db;
      const c = req.body;
      // New commodities start as drafts: they are listed for trading once their HSN code and parameters are set.
      const { rows } = await db.execute(
        `INSERT INTO commodities (code, name, category, trading_unit, hsn_code_id, description)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
        [normalizeCode(c.code), c.name, c.category, c.tradingUnit, c.hsnCodeId ?? null, c.description ?? null],
      );
      await db.commit();
      return reply.code(201).send(rows[0]);
    },
  );

  app.patch<{ Params: IdParams; Body: Partial<Omit<CommodityInput, 'code'>> }>(
    '/commodities/:id',
    {
      schema: {
        params: idParams,
        // The code is printed on contracts already signed; it does not change.
        body: patch({
          name,
          category: { type: 'string', enum: CATEGORIES },
          tradingUnit: { type: 'string', enum: TRADING_UNITS },
          hsnCodeId: uuid,
          description,
        }),
      },
    },
    async (req) => {
      const db = req.db;
      const c = req.body;
      const { rows } = await db.execute(
        `UPDATE commodities
            SET name = COALESCE($2, name), category = COALESCE($3, category), trading_unit = COALESCE($4, trading_unit),
                hsn_code_id = COALESCE($5::uuid, hsn_code_id), description = COALESCE($6, description), updated_at = now()
          WHERE id = $1 RETURNING *`,
        [req.params.id, c.name ?? null, c.category ?? null, c.tradingUnit ?? null, c.hsnCodeId ?? null, c.description ?? null],
      );
      if (rows.length === 0) throw notFound('commodity', req.params.id);
      await db.commit();
      return rows[0];
    },
  );

  app.delete<{ Params: IdParams }>('/commodities/:id', { schema: { params: idParams } }, async (req, reply) => {
    const db = req.db;
    // Live commodities have open availabilities and requirements against them: they are discontinued, not deleted.
    const { rows } = await db.execute(
      `DELETE FROM commodities WHERE id = $1 AND status IN ('draft', 'discontinued') RETURNING id`,
      [req.params.id],
    );
    if (rows.length === 0) {
      const existing = await db.execute<{ status: string }>('SELECT status FROM commodities WHERE id = $1', [req.params.id]);
      if (existing.rows.length === 0) throw notFound('commodity', req.params.id);
      throw conflict(`commodity ${req.params.id} is ${existing.rows[0]!.status}; discontinue it before deleting`);
    }
    await db.commit();
    return reply.code(204).send();
  });

  app.post<{ Params: IdParams; Body: { status: Status; reason?: string } }>(
    '/commodities/:id/status',
    {
      schema: {
        params: idParams,
        body: {
          type: 'object',
          required: ['status'],
          properties: { status: { type: 'string', enum: STATUSES }, reason: { type: 'string', minLength: 3, maxLength: 500 } },
        },
      },
    },
    async (req) => {
      const db = req.db;
      const { status: target, reason } = req.body;
      const { rows } = await db.execute<{ status: Status; hsn_code_id: string | null }>(
        'SELECT status, hsn_code_id FROM commodities WHERE id = $1 FOR UPDATE',
        [req.params.id],
      );
      const current = rows[0];
      if (!current) throw notFound('commodity', req.params.id);
      const refuse = () => conflict(`status: a ${current.status} commodity cannot become ${target}`);

      switch (target) {
        case 'active':
          if (current.status !== 'draft' && current.status !== 'suspended') throw refuse();
          // Invoices need the HSN code and its GST rate from the first trade on.
          if (!current.hsn_code_id) throw unprocessable('hsnCodeId: set the HSN code before activating the commodity');
          break;
        case 'suspended':
          if (current.status !== 'active') throw refuse();
          if (!reason) throw new HttpError(400, 'reason: required to suspend a commodity');
          break;
        case 'discontinued':
          if (current.status === 'discontinued') throw refuse();
          if (!reason) throw new HttpError(400, 'reason: required to discontinue a commodity');
          break;
        case 'draft':
          // Drafts are commodities nobody has traded yet; once listed, that history exists.
          throw refuse();
      }

      const updated = await db.execute(
        `UPDATE commodities SET status = $2, status_reason = $3, status_changed_at = now(), updated_at = now()
          WHERE id = $1 RETURNING *`,
        [req.params.id, target, reason ?? null],
      );
      await db.execute(
        'INSERT INTO commodity_status_history (commodity_id, from_status, to_status, reason) VALUES ($1, $2, $3, $4)',
        [req.params.id, current.status, target, reason ?? null],
      );
      await db.commit();
      return updated.rows[0];
    },
  );

  // Loads a commodity list exported from the old ERP. All or nothing: every row is checked (and inserted inside the
  // transaction, which is how duplicates of existing codes show up), and the import is committed only when no row
  // had a problem; otherwise the client gets every problem with its row number and nothing is kept.
  app.post<{ Body: { commodities: ImportRow[] } }>(
    '/commodities/bulk-import',
    {
      schema: {
        body: {
          type: 'object',
          required: ['commodities'],
          properties: {
            commodities: {
              type: 'array',
              minItems: 1,
              maxItems: MAX_IMPORT_ROWS,
              items: {
                type: 'object',
                required: ['code', 'name', 'category', 'tradingUnit'],
                properties: {
                  code,
                  name,
                  category: { type: 'string', enum: CATEGORIES },
                  tradingUnit: { type: 'string', enum: TRADING_UNITS },
                  hsnCode: { type: 'string', pattern: '^[0-9]{4}([0-9]{2}){0,2}$' },
                  description,
                  varieties: {
                    type: 'array',
                    maxItems: 50,
                    items: { type: 'object', required: ['code', 'name'], properties: { code, name } },
                  },
                },
              },
            },
          },
        },
      },
    },
    async (req, reply) => {
      const db = req.db;
      const problems: string[] = [];
      const codesInFile = new Set<string>();
      const hsnIdByCode = new Map<string, string | undefined>();
      let imported = 0;
      let varieties = 0;

      for (const [index, row] of req.body.commodities.entries()) {
        const where = `commodities[${index}]`;
        const commodityCode = normalizeCode(row.code);
        if (codesInFile.has(commodityCode)) {
          problems.push(`${where}.code: ${commodityCode} appears more than once in the file`);
          continue;
        }
        codesInFile.add(commodityCode);

        const varietyCodes = (row.varieties ?? []).map((v) => normalizeCode(v.code));
        const repeated = varietyCodes.find((c, i) => varietyCodes.indexOf(c) !== i);
        if (repeated) {
          problems.push(`${where}.varieties: variety ${repeated} appears more than once`);
          continue;
        }

        let hsnCodeId: string | undefined;
        if (row.hsnCode) {
          if (!hsnIdByCode.has(row.hsnCode)) {
            const hsn = await db.execute<{ id: string }>('SELECT id FROM hsn_codes WHERE code = $1', [row.hsnCode]);
            hsnIdByCode.set(row.hsnCode, hsn.rows[0]?.id);
          }
          hsnCodeId = hsnIdByCode.get(row.hsnCode);
          if (!hsnCodeId) {
            problems.push(`${where}.hsnCode: ${row.hsnCode} is not a known HSN code`);
            continue;
          }
        }

        const inserted = await db.execute<{ id: string }>(
          `INSERT INTO commodities (code, name, category, trading_unit, hsn_code_id, description)
           VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (code) DO NOTHING RETURNING id`,
          [commodityCode, row.name, row.category, row.tradingUnit, hsnCodeId ?? null, row.description ?? null],
        );
        const commodityId = inserted.rows[0]?.id;
        if (!commodityId) {
          problems.push(`${where}.code: commodity ${commodityCode} already exists`);
          continue;
        }
        for (const [i, variety] of (row.varieties ?? []).entries()) {
          await db.execute(
            'INSERT INTO commodity_varieties (commodity_id, code, name) VALUES ($1, $2, $3)',
            [commodityId, varietyCodes[i], variety.name],
          );
          varieties++;
        }
        imported++;
      }

      if (problems.length === 0) {
        await db.commit();
        return reply.code(201).send({ imported, varieties });
      }
      await db.rollback();
      const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
      return reply.code(422).send({
        error: 'unprocessable_entity',
        message: `nothing imported: ${problems[0]}${more}`,
        problems,
      });
    },
  );

  // ---------------------------------------------------------------- varieties

  app.get<{ Params: IdParams }>('/commodities/:id/varieties', { schema: { params: idParams } }, async (req) => {
    const db = req.db;
    const { rows } = await db.execute('SELECT * FROM commodity_varieties WHERE commodity_id = $1 ORDER BY code', [req.params.id]);
    return { items: rows };
  });

  app.post<{ Params: IdParams; Body: VarietyInput }>(
    '/commodities/:id/varieties',
    {
      schema: {
        params: idParams,
        body: { type: 'object', required: ['code', 'name'], properties: { code, name, description, isActive: { type: 'boolean' } } },
      },
    },
    async (req, reply) => {
      const db = req.db;
      const v = req.body;
      const { rows } = await db.execute(
        `INSERT INTO commodity_varieties (commodity_id, code, name, description, is_active)
         SELECT c.id, $2, $3, $4, $5 FROM commodities c WHERE c.id = $1
         RETURNING *`,
        [req.params.id, normalizeCode(v.code), v.name, v.description ?? null, v.isActive ?? true],
      );
      if (rows.length === 0) throw notFound('commodity', req.params.id);
      await db.commit();
      return reply.code(201).send(rows[0]);
    },
  );

  app.patch<{ Params: IdParams & { varietyId: string }; Body: Partial<VarietyInput> }>(
    '/commodities/:id/varieties/:varietyId',
    { schema: { params: varietyParams, body: patch({ code, name, description, isActive: { type: 'boolean' } }) } },
    async (req) => {
      const db = req.db;
      const v = req.body;
      const { rows } = await db.execute(
        `UPDATE commodity_varieties
            SET code = COALESCE($3, code), name = COALESCE($4, name), description = COALESCE($5, description),
                is_active = COALESCE($6::boolean, is_active), updated_at = now()
          WHERE id = $1 AND commodity_id = $2 RETURNING *`,
        [req.params.varietyId, req.params.id, v.code ? normalizeCode(v.code) : null, v.name ?? null,
          v.description ?? null, v.isActive ?? null],
      );
      if (rows.length === 0) throw notFound('variety', req.params.varietyId);
      await db.commit();
      return rows[0];
    },
  );

  app.delete<{ Params: IdParams & { varietyId: string } }>(
    '/commodities/:id/varieties/:varietyId',
    { schema: { params: varietyParams } },
    async (req, reply) => {
      const db = req.db;
      const { rowCount } = await db.execute(
        'DELETE FROM commodity_varieties WHERE id = $1 AND commodity_id = $2',
        [req.params.varietyId, req.params.id],
      );
      if (rowCount === 0) throw notFound('variety', req.params.varietyId);
      await db.commit();
      return reply.code(204).send();
    },
  );

  // ---------------------------------------------------------------- quality parameters

  const bound = { type: ['number', 'null'] } as const;

  app.get<{ Params: IdParams }>('/commodities/:id/quality-parameters', { schema: { params: idParams } }, async (req) => {
    const db = req.db;
    const { rows } = await db.execute('SELECT * FROM quality_parameters WHERE commodity_id = $1 ORDER BY name', [req.params.id]);
    return { items: rows };
  });

  app.post<{ Params: IdParams; Body: QualityParameterInput }>(
    '/commodities/:id/quality-parameters',
    {
      schema: {
        params: idParams,
        body: {
          type: 'object',
          required: ['name', 'unit'],
          properties: {
            name,
            unit: { type: 'string', minLength: 1, maxLength: 20 },
            minValue: bound,
            maxValue: bound,
            standardValue: bound,
            isMandatory: { type: 'boolean' },
          },
        },
      },
    },
    async (req, reply) => {
      const db = req.db;
      const p = req.body;
      const commodity = await db.execute('SELECT 1 FROM commodities WHERE id = $1', [req.params.id]);
      if (commodity.rows.length === 0) throw notFound('commodity', req.params.id);
      if (p.minValue != null && p.maxValue != null && p.minValue > p.maxValue) {
        throw unprocessable(`minValue: ${p.minValue} is above maxValue ${p.maxValue}`);
      }
      const { rows } = await db.execute(
        `INSERT INTO quality_parameters (commodity_id, name, unit, min_value, max_value, standard_value, is_mandatory)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
        [req.params.id, p.name, p.unit, p.minValue ?? null, p.maxValue ?? null, p.standardValue ?? null, p.isMandatory ?? false],
      );
      await db.commit();
      return reply.code(201).send(rows[0]);
    },
  );

  // Bounds can be removed as well as changed, so "absent" and "null" differ here: the patch travels as one jsonb
  // parameter and each column is replaced only when its key is present.
  app.patch<{ Params: IdParams & { parameterId: string }; Body: Partial<QualityParameterInput> }>(
    '/commodities/:id/quality-parameters/:parameterId',
    {
      schema: {
        params: parameterParams,
        body: patch({
          name,
          unit: { type: 'string', minLength: 1, maxLength: 20 },
          minValue: bound,
          maxValue: bound,
          standardValue: bound,
          isMandatory: { type: 'boolean' },
        }),
      },
    },
    async (req) => {
      const db = req.db;
      const { rows } = await db.execute(
        `UPDATE quality_parameters SET
           name = COALESCE($3::jsonb ->> 'name', name),
           unit = COALESCE($3::jsonb ->> 'unit', unit),
           min_value = CASE WHEN $3::jsonb ? 'minValue' THEN ($3::jsonb ->> 'minValue')::numeric ELSE min_value END,
           max_value = CASE WHEN $3::jsonb ? 'maxValue' THEN ($3::jsonb ->> 'maxValue')::numeric ELSE max_value END,
           standard_value = CASE WHEN $3::jsonb ? 'standardValue' THEN ($3::jsonb ->> 'standardValue')::numeric ELSE standard_value END,
           is_mandatory = COALESCE(($3::jsonb ->> 'isMandatory')::boolean, is_mandatory),
           updated_at = now()
         WHERE id = $1 AND commodity_id = $2 RETURNING *`,
        [req.params.parameterId, req.params.id, JSON.stringify(req.body)],
      );
      if (rows.length === 0) throw notFound('quality parameter', req.params.parameterId);
      await db.commit();
      return rows[0];
    },
  );

  app.delete<{ Params: IdParams & { parameterId: string } }>(
    '/commodities/:id/quality-parameters/:parameterId',
    { schema: { params: parameterParams } },
    async (req, reply) => {
      const db = req.db;
      const { rowCount } = await db.execute(
        'DELETE FROM quality_parameters WHERE id = $1 AND commodity_id = $2',
        [req.params.parameterId, req.params.id],
      );
      if (rowCount === 0) throw notFound('quality parameter', req.params.parameterId);
      await db.commit();
      return reply.code(204).send();
    },
  );

  // ---------------------------------------------------------------- HSN codes

  const hsnCode = { type: 'string', pattern: '^[0-9]{4}([0-9]{2}){0,2}$' } as const;
  const gstRate = { type: 'number', enum: GST_RATES } as const;
  const cessRate = { type: 'number', minimum: 0, maximum: 300 } as const;

  app.get('/hsn-codes', async (req) => {
    const db = req.db;
    const { rows } = await db.execute('SELECT * FROM hsn_codes ORDER BY code');
    return { items: rows };
  });

  app.get<{ Params: IdParams }>('/hsn-codes/:id', { schema: { params: idParams } }, async (req) => {
    const db = req.db;
    const { rows } = await db.execute('SELECT * FROM hsn_codes WHERE id = $1', [req.params.id]);
    if (rows.length === 0) throw notFound('HSN code', req.params.id);
    return rows[0];
  });

  app.post<{ Body: HsnInput }>(
    '/hsn-codes',
    {
      schema: {
        body: {
          type: 'object',
          required: ['code', 'description', 'gstRate'],
          properties: { code: hsnCode, description: { type: 'string', minLength: 3, maxLength: 1000 }, gstRate, cessRate },
        },
      },
    },
    async (req, reply) => {
      const db = req.db;
      const { code: hsn, description: text, gstRate: rate, cessRate: cess } = req.body;
      const { rows } = await db.execute(
        'INSERT INTO hsn_codes (code, description, gst_rate, cess_rate) VALUES ($1, $2, $3, $4) RETURNING *',
        [hsn, text, rate, cess ?? 0],
      );
      await db.commit();
      return reply.code(201).send(rows[0]);
    },
  );

  // The code itself is the tariff heading; correcting one means a new HSN code row.
  app.patch<{ Params: IdParams; Body: Partial<Omit<HsnInput, 'code'>> }>(
    '/hsn-codes/:id',
    {
      schema: {
        params: idParams,
        body: patch({ description: { type: 'string', minLength: 3, maxLength: 1000 }, gstRate, cessRate }),
      },
    },
    async (req) => {
      const db = req.db;
      const { rows } = await db.execute(
        `UPDATE hsn_codes SET description = COALESCE($2, description), gst_rate = COALESCE($3::numeric, gst_rate),
                cess_rate = COALESCE($4::numeric, cess_rate), updated_at = now()
          WHERE id = $1 RETURNING *`,
        [req.params.id, req.body.description ?? null, req.body.gstRate ?? null, req.body.cessRate ?? null],
      );
      if (rows.length === 0) throw notFound('HSN code', req.params.id);
      await db.commit();
      return rows[0];
    },
  );

  app.delete<{ Params: IdParams }>('/hsn-codes/:id', { schema: { params: idParams } }, async (req, reply) => {
    const db = req.db;
    const used = await db.execute<{ n: number }>(
      'SELECT count(*)::int AS n FROM commodities WHERE hsn_code_id = $1',
      [req.params.id],
    );
    if (used.rows[0]!.n > 0) throw conflict(`HSN code ${req.params.id} is used by ${used.rows[0]!.n} commodities`);
    const { rowCount } = await db.execute('DELETE FROM hsn_codes WHERE id = $1', [req.params.id]);
    if (rowCount === 0) throw notFound('HSN code', req.params.id);
    await db.commit();
    return reply.code(204).send();
  });

  // ---------------------------------------------------------------- trade types

  app.get('/trade-types', async (req) => {
    const db = req.db;
    return { items: (await db.execute('SELECT * FROM trade_types ORDER BY code')).rows };
  });

  app.get<{ Params: IdParams }>('/trade-types/:id', { schema: { params: idParams } }, async (req) => {
    const db = req.db;
    const { rows } = await db.execute('SELECT * FROM trade_types WHERE id = $1', [req.params.id]);
    if (rows.length === 0) throw notFound('trade type', req.params.id);
    return rows[0];
  });

  app.post<{ Body: TradeTypeInput }>(
    '/trade-types',
    {
      schema: {
        body: {
          type: 'object',
          required: ['code', 'name'],
          properties: { code, name, description, isCrossBorder: { type: 'boolean' }, requiresContract: { type: 'boolean' } },
        },
      },
    },
    async (req, reply) => {
      const db = req.db;
      const t = req.body;
      const { rows } = await db.execute(
        `INSERT INTO trade_types (code, name, description, is_cross_border, requires_contract)
         VALUES ($1, $2, $3, $4, $5) RETURNING *`,
        [normalizeCode(t.code), t.name, t.description ?? null, t.isCrossBorder ?? false, t.requiresContract ?? true],
      );
      await db.commit();
      return reply.code(201).send(rows[0]);
    },
  );

  app.patch<{ Params: IdParams; Body: Partial<TradeTypeInput> }>(
    '/trade-types/:id',
    {
      schema: {
        params: idParams,
        body: patch({ name, description, isCrossBorder: { type: 'boolean' }, requiresContract: { type: 'boolean' } }),
      },
    },
    async (req) => {
      const db = req.db;
      const t = req.body;
      const { rows } = await db.execute(
        `UPDATE trade_types SET name = COALESCE($2, name), description = COALESCE($3, description),
                is_cross_border = COALESCE($4::boolean, is_cross_border),
                requires_contract = COALESCE($5::boolean, requires_contract), updated_at = now()
          WHERE id = $1 RETURNING *`,
        [req.params.id, t.name ?? null, t.description ?? null, t.isCrossBorder ?? null, t.requiresContract ?? null],
      );
      if (rows.length === 0) throw notFound('trade type', req.params.id);
      await db.commit();
      return rows[0];
    },
  );

  app.delete<{ Params: IdParams }>('/trade-types/:id', { schema: { params: idParams } }, async (req, reply) => {
    const db = req.db;
    const { rows } = await db.execute('DELETE FROM trade_types WHERE id = $1 RETURNING code', [req.params.id]);
    if (rows.length === 0) throw notFound('trade type', req.params.id);
    await db.commit();
    return reply.code(204).send();
  });

  // ---------------------------------------------------------------- payment terms

  const creditDays = { type: 'integer', minimum: 0, maximum: 365 } as const;
  const advancePercent = { type: 'number', minimum: 0, maximum: 100 } as const;

  app.get('/payment-terms', async (req) => {
    const db = req.db;
    return { items: (await db.execute('SELECT * FROM payment_terms ORDER BY credit_days, code')).rows };
  });

  app.get<{ Params: IdParams }>('/payment-terms/:id', { schema: { params: idParams } }, async (req) => {
    const db = req.db;
    const { rows } = await db.execute('SELECT * FROM payment_terms WHERE id = $1', [req.params.id]);
    if (rows.length === 0) throw notFound('payment term', req.params.id);
    return rows[0];
  });

  app.post<{ Body: PaymentTermInput }>(
    '/payment-terms',
    {
      schema: {
        body: {
          type: 'object',
          required: ['code', 'name', 'creditDays'],
          properties: { code, name, creditDays, advancePercent, description },
        },
      },
    },
    async (req, reply) => {
      const db = req.db;
      const term = req.body;
      if ((term.advancePercent ?? 0) === 100 && term.creditDays > 0) {
        throw unprocessable('creditDays: a fully advance-paid term has no credit period');
      }
      const { rows } = await db.execute(
        `INSERT INTO payment_terms (code, name, credit_days, advance_percent, description)
         VALUES ($1, $2, $3, $4, $5) RETURNING *`,
        [normalizeCode(term.code), term.name, term.creditDays, term.advancePercent ?? 0, term.description ?? null],
      );
      await db.commit();
      return reply.code(201).send(rows[0]);
    },
  );

  app.patch<{ Params: IdParams; Body: Partial<PaymentTermInput> }>(
    '/payment-terms/:id',
    { schema: { params: idParams, body: patch({ name, creditDays, advancePercent, description }) } },
    async (req) => {
      const db = req.db;
      const term = req.body;
      // The advance/credit rule is checked by the table on the merged row (payment_terms_advance_or_credit).
      const { rows } = await db.execute(
        `UPDATE payment_terms SET name = COALESCE($2, name), credit_days = COALESCE($3::int, credit_days),
                advance_percent = COALESCE($4::numeric, advance_percent), description = COALESCE($5, description),
                updated_at = now()
          WHERE id = $1 RETURNING *`,
        [req.params.id, term.name ?? null, term.creditDays ?? null, term.advancePercent ?? null, term.description ?? null],
      );
      if (rows.length === 0) throw notFound('payment term', req.params.id);
      await db.commit();
      return rows[0];
    },
  );

  app.delete<{ Params: IdParams }>('/payment-terms/:id', { schema: { params: idParams } }, async (req, reply) => {
    const db = req.db;
    const { rowCount } = await db.execute('DELETE FROM payment_terms WHERE id = $1', [req.params.id]);
    if (rowCount === 0) throw notFound('payment term', req.params.id);
    await db.commit();
    return reply.code(204).send();
  });

  // ---------------------------------------------------------------- delivery terms

  const incoterm = { type: ['string', 'null'], enum: [...INCOTERMS, null] } as const;

  app.get('/delivery-terms', async (req) => {
    const db = req.db;
    return { items: (await db.execute('SELECT * FROM delivery_terms ORDER BY code')).rows };
  });

  app.get<{ Params: IdParams }>('/delivery-terms/:id', { schema: { params: idParams } }, async (req) => {
    const db = req.db;
    const { rows } = await db.execute('SELECT * FROM delivery_terms WHERE id = $1', [req.params.id]);
    if (rows.length === 0) throw notFound('delivery term', req.params.id);
    return rows[0];
  });

  app.post<{ Body: DeliveryTermInput }>(
    '/delivery-terms',
    {
      schema: {
        body: {
          type: 'object',
          required: ['code', 'name'],
          properties: {
            code,
            name,
            incoterm,
            freightIncluded: { type: 'boolean' },
            insuranceIncluded: { type: 'boolean' },
            description,
          },
        },
      },
    },
    async (req, reply) => {
      const db = req.db;
      const term = req.body;
      const implied = costsCoveredBy(term.incoterm);
      const { rows } = await db.execute(
        `INSERT INTO delivery_terms (code, name, incoterm, freight_included, insurance_included, description)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
        [normalizeCode(term.code), term.name, term.incoterm ?? null, term.freightIncluded ?? implied.freight,
          term.insuranceIncluded ?? implied.insurance, term.description ?? null],
      );
      await db.commit();
      return reply.code(201).send(rows[0]);
    },
  );

  app.patch<{ Params: IdParams; Body: Partial<DeliveryTermInput> }>(
    '/delivery-terms/:id',
    {
      schema: {
        params: idParams,
        body: patch({
          name,
          incoterm,
          freightIncluded: { type: 'boolean' },
          insuranceIncluded: { type: 'boolean' },
          description,
        }),
      },
    },
    async (req) => {
      const db = req.db;
      const term = req.body;
      // A new Incoterm brings its cost split along unless the caller overrides it in the same request.
      const implied = term.incoterm !== undefined ? costsCoveredBy(term.incoterm) : undefined;
      const { rows } = await db.execute(
        `UPDATE delivery_terms SET name = COALESCE($2, name),
                incoterm = CASE WHEN $3::boolean THEN $4 ELSE incoterm END,
                freight_included = COALESCE($5::boolean, freight_included),
                insurance_included = COALESCE($6::boolean, insurance_included),
                description = COALESCE($7, description), updated_at = now()
          WHERE id = $1 RETURNING *`,
        [req.params.id, term.name ?? null, term.incoterm !== undefined, term.incoterm ?? null,
          term.freightIncluded ?? implied?.freight ?? null, term.insuranceIncluded ?? implied?.insurance ?? null,
          term.description ?? null],
      );
      if (rows.length === 0) throw notFound('delivery term', req.params.id);
      await db.commit();
      return rows[0];
    },
  );

  app.delete<{ Params: IdParams }>('/delivery-terms/:id', { schema: { params: idParams } }, async (req, reply) => {
    const db = req.db;
    const { rowCount } = await db.execute('DELETE FROM delivery_terms WHERE id = $1', [req.params.id]);
    if (rowCount === 0) throw notFound('delivery term', req.params.id);
    await db.commit();
    return reply.code(204).send();
  });

  // ---------------------------------------------------------------- bargain types

  const maxRounds = { type: ['integer', 'null'], minimum: 1, maximum: 50 } as const;

  app.get('/bargain-types', async (req) => {
    const db = req.db;
    return { items: (await db.execute('SELECT * FROM bargain_types ORDER BY code')).rows };
  });

  app.get<{ Params: IdParams }>('/bargain-types/:id', { schema: { params: idParams } }, async (req) => {
    const db = req.db;
    const { rows } = await db.execute('SELECT * FROM bargain_types WHERE id = $1', [req.params.id]);
    if (rows.length === 0) throw notFound('bargain type', req.params.id);
    return rows[0];
  });

  app.post<{ Body: BargainTypeInput }>(
    '/bargain-types',
    {
      schema: {
        body: {
          type: 'object',
          required: ['code', 'name'],
          properties: {
            code,
            name,
            description,
            allowsCounterOffer: { type: 'boolean' },
            requiresApproval: { type: 'boolean' },
            maxRounds,
          },
        },
      },
    },
    async (req, reply) => {
      const db = req.db;
      const b = req.body;
      const counterOffers = b.allowsCounterOffer ?? true;
      // A fixed-price bargain is one round by definition.
      if (!counterOffers && b.maxRounds != null && b.maxRounds > 1) {
        throw unprocessable('maxRounds: a bargain without counter-offers has a single round');
      }
      const { rows } = await db.execute(
        `INSERT INTO bargain_types (code, name, description, allows_counter_offer, requires_approval, max_rounds)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
        [normalizeCode(b.code), b.name, b.description ?? null, counterOffers, b.requiresApproval ?? false,
          counterOffers ? b.maxRounds ?? null : 1],
      );
      await db.commit();
      return reply.code(201).send(rows[0]);
    },
  );

  app.patch<{ Params: IdParams; Body: Partial<BargainTypeInput> }>(
    '/bargain-types/:id',
    {
      schema: {
        params: idParams,
        body: patch({
          name,
          description,
          allowsCounterOffer: { type: 'boolean' },
          requiresApproval: { type: 'boolean' },
          maxRounds,
        }),
      },
    },
    async (req) => {
      const db = req.db;
      const b = req.body;
      const { rows } = await db.execute(
        `UPDATE bargain_types SET name = COALESCE($2, name), description = COALESCE($3, description),
                allows_counter_offer = COALESCE($4::boolean, allows_counter_offer),
                requires_approval = COALESCE($5::boolean, requires_approval),
                max_rounds = CASE WHEN $6::boolean THEN $7::int ELSE max_rounds END, updated_at = now()
          WHERE id = $1 RETURNING *`,
        [req.params.id, b.name ?? null, b.description ?? null, b.allowsCounterOffer ?? null, b.requiresApproval ?? null,
          b.maxRounds !== undefined, b.maxRounds ?? null],
      );
      if (rows.length === 0) throw notFound('bargain type', req.params.id);
      await db.commit();
      return rows[0];
    },
  );

  app.delete<{ Params: IdParams }>('/bargain-types/:id', { schema: { params: idParams } }, async (req, reply) => {
    const db = req.db;
    const { rowCount } = await db.execute('DELETE FROM bargain_types WHERE id = $1', [req.params.id]);
    if (rowCount === 0) throw notFound('bargain type', req.params.id);
    await db.commit();
    return reply.code(204).send();
  });
}
