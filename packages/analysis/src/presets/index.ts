import type { Preset } from './types.js';
import { session } from './session.js';
import { nodePostgres } from './node-postgres.js';
import { prisma } from './prisma.js';
import { typeorm } from './typeorm.js';
import { sequelize } from './sequelize.js';
import { mikroOrm } from './mikro-orm.js';
import { knex } from './knex.js';
import { drizzle } from './drizzle.js';
import { kysely } from './kysely.js';
import { medusa } from './medusa.js';
import { fastify, express, koa, nestjs, routeHandlers, hono, trpc } from './web.js';

export type { Preset, DataIdiom, WebIdiom, HandleShape, WrapScope } from './types.js';

/** Every preset, data access first. The order is the order in which a call is matched against them. */
export const PRESETS: readonly Preset[] = [
  session, nodePostgres, prisma, typeorm, sequelize, mikroOrm, medusa, knex, drizzle, kysely,
  fastify, express, koa, nestjs, routeHandlers, hono, trpc,
];

export const PRESET_NAMES: readonly string[] = PRESETS.map((preset) => preset.name);

const byName = new Map(PRESETS.map((preset) => [preset.name, preset]));

export function presetByName(name: string): Preset | undefined {
  return byName.get(name);
}
