import { compileGlobs, type OutboxSettings } from 'outbox-analysis';
import type { Transform, Workspace } from '../../engine/types.js';
import { snakeCase } from '../shared/edits.js';
import { findIdempotencyStore } from '../inject-idempotency/index.js';
import { findOutboxRepository } from '../inject-outbox/index.js';
import { idempotencyStore, migrationSql, outboxRepository, prismaModels, relay, typeormEntities, type ScaffoldNames, type ScaffoldStack } from './templates.js';

/** The data presets scaffold writes for, in the order one is chosen when a project names several. */
const STACKS: readonly ScaffoldStack[] = ['prisma', 'typeorm', 'node-postgres', 'session'];
/** Data presets it has no template for (reported, never guessed). */
const UNSUPPORTED = ['knex', 'kysely', 'drizzle', 'sequelize', 'mikro-orm'];
/** Where a project keeps its SQL migrations, in the order they are looked for. */
const MIGRATION_DIRS = ['migrations', 'db/migrations', 'database/migrations', 'sql/migrations', 'src/migrations', 'src/db/migrations'];
/** Where the new files go: the first of these that is neither a router nor a service file by the project's globs. */
const PLACES = ['src/outbox', 'src/infrastructure/outbox', 'outbox'];

/**
 * scaffold: the infrastructure the other transforms need and a project may lack, for the stack the settings name
 * (`presets`, from outbox.config.json or detected as the audit does): the outbox and idempotency tables, an outbox
 * repository with the event method, an idempotency store, and a relay entry point. Names come from the settings.
 * What the project has already is left alone, so a second run writes nothing.
 */
export const scaffold: Transform = {
  name: 'scaffold',
  summary: 'write what the stack lacks: outbox and idempotency tables, an outbox repository, an idempotency store, a relay',
  run(workspace) {
    const presets = workspace.settings.presets;
    const unsupported = presets.filter((p) => UNSUPPORTED.includes(p));
    const stack = STACKS.find((s) => presets.includes(s)) ?? (unsupported.length === 0 ? 'session' : undefined);
    if (!stack) {
      workspace.skip({ code: 'scaffold-unsupported-stack', file: '.', reason: `scaffold has no template for ${unsupported.join(', ')} (it writes for node-postgres, Prisma, TypeORM and the session style); add the outbox repository, the idempotency store, their tables and a relay by hand` });
      return;
    }
    const names = scaffoldNames(workspace.settings);
    const problem = namesProblem(workspace.settings, names);
    if (problem) {
      workspace.skip({ code: 'scaffold-names-unusable', file: 'outbox.config.json', reason: problem });
      return;
    }
    const place = placeFor(workspace);
    if (!place) {
      workspace.skip({ code: 'no-scaffold-place', file: '.', reason: `every place scaffold would write to (${PLACES.join(', ')}) is a router or service file by the project's routerFiles / serviceFiles` });
      return;
    }
    const create = (file: string, text: string) => {
      if (workspace.exists(file)) {
        if (workspace.read(file) !== text) workspace.skip({ code: 'scaffold-file-taken', file, reason: `${file} exists and is not what scaffold would write there; left as it is` });
        return;
      }
      workspace.write(file, text);
    };

    writeTables(workspace, stack, names, place, create);
    const repository = findOutboxRepository(workspace);
    if (!repository && !declaresClass(workspace, names.outboxClass)) create(`${place}/${kebab(names.outboxClass)}.ts`, outboxRepository(stack, names));
    const store = findIdempotencyStore(workspace);
    if ('missing' in store && !declaresClass(workspace, names.storeClass)) create(`${place}/${kebab(names.storeClass)}.ts`, idempotencyStore(stack, names));
    if (!hasRelay(workspace, names)) create(`${place}/${kebab(names.outboxTable)}-relay.ts`, relay(stack, names));
  },
};

/** The names of what scaffold writes, from the settings: the first outbox name, event call and store name. */
export function scaffoldNames(settings: OutboxSettings): ScaffoldNames {
  const outbox = pascal(settings.outbox.names[0] ?? 'outbox');
  const store = pascal(settings.idempotency.storeNames[0] ?? 'idempotency');
  return {
    outboxClass: /repository$/i.test(outbox) ? outbox : `${outbox}Repository`,
    eventCall: settings.outbox.eventCalls[0] ?? 'addEvent',
    eventType: `${outbox.replace(/Repository$/i, '')}Event`,
    outboxTable: snakeCase(outbox.replace(/Repository$/i, '')),
    storeClass: /store$/i.test(store) ? store : `${store}Store`,
    storeTable: `${snakeCase(store.replace(/Store$/i, ''))}_keys`,
    executeCall: settings.executeCalls[0] ?? 'execute',
    commitCall: settings.commitCalls[0] ?? 'commit',
  };
}

/** Why the settings' names cannot name what scaffold writes (inject-idempotency claims through `begin`). */
function namesProblem(settings: OutboxSettings, names: ScaffoldNames): string | undefined {
  const identifier = /^[A-Za-z_$][\w$]*$/;
  for (const name of [names.outboxClass, names.eventCall, names.storeClass, names.executeCall, names.commitCall]) {
    if (!identifier.test(name)) return `"${name}" (from outbox.names / eventCalls / idempotency.storeNames / executeCalls / commitCalls) is not an identifier a class or method can be named`;
  }
  if (!settings.idempotency.storeCalls.includes('begin')) return 'idempotency.storeCalls does not list `begin`, the store method scaffold writes and inject-idempotency claims keys with';
  return undefined;
}

function pascal(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

function kebab(name: string): string {
  return snakeCase(name).replace(/_/g, '-');
}

/** The folder for the new files: one that exists (src/) and whose files no router or service glob matches. */
function placeFor(workspace: Workspace): string | undefined {
  const roles = compileGlobs([...workspace.settings.routerFiles, ...workspace.settings.serviceFiles]);
  const hasSrc = workspace.listFiles('src').length > 0;
  return PLACES.filter((p) => hasSrc || !p.startsWith('src/')).find((p) => !roles(`${p}/outbox-repository.ts`) && !roles(`${p}/x.ts`));
}

/** Files that are the project's own code: not tests, not ignored. */
function ownFiles(workspace: Workspace): string[] {
  const skip = compileGlobs([...workspace.settings.testFiles, ...workspace.settings.ignore]);
  return workspace.files().filter((file) => !skip(file));
}

/**
 * The project declares a class of that name already (one the other transforms do not take as an outbox repository or
 * a store: it lacks their methods): a second one of the same name is not written beside it.
 */
function declaresClass(workspace: Workspace, name: string): boolean {
  const found = ownFiles(workspace).find((file) => workspace.read(file).includes(name) && workspace.analysis(file).classes.some((c) => c.name === name));
  if (found) workspace.skip({ code: 'scaffold-file-taken', file: found, reason: `${found} declares a class ${name} without the methods the other transforms call; scaffold does not write a second one (complete it, or rename it)` });
  return found !== undefined;
}

/** Some code of the project reads the outbox table (`FROM outbox`): it has a relay. */
function hasRelay(workspace: Workspace, names: ScaffoldNames): boolean {
  const reads = new RegExp(`\\bFROM\\s+"?${names.outboxTable}"?(?![\\w])`, 'i');
  return ownFiles(workspace).some((file) => reads.test(workspace.read(file)));
}

function createsTable(text: string, table: string): boolean {
  return new RegExp(`\\bCREATE\\s+TABLE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?(?:"?public"?\\.)?"?${table}"?\\s*\\(`, 'i').test(text);
}

function writeTables(workspace: Workspace, stack: ScaffoldStack, names: ScaffoldNames, place: string, create: (file: string, text: string) => void): void {
  const all = workspace.listFiles('');
  if (stack === 'prisma') {
    const schema = all.filter((f) => f.endsWith('.prisma') && !f.includes('/migrations/')).sort((a, b) => Number(!a.endsWith('schema.prisma')) - Number(!b.endsWith('schema.prisma')))[0];
    if (!schema) {
      workspace.skip({ code: 'no-prisma-schema', file: '.', reason: 'the prisma preset is on but no schema.prisma was found; add the outbox and idempotency models by hand' });
      return;
    }
    const text = workspace.read(schema);
    const mapped = (table: string) => new RegExp(`@@map\\(\\s*"${table}"\\s*\\)`).test(text);
    if (mapped(names.outboxTable) && mapped(names.storeTable)) return;
    if (mapped(names.outboxTable) || mapped(names.storeTable)) {
      workspace.skip({ code: 'scaffold-file-taken', file: schema, reason: `${schema} maps one of the ${names.outboxTable} and ${names.storeTable} tables but not the other; add the missing model by hand` });
      return;
    }
    if (!/provider\s*=\s*"postgres(?:ql)?"/.test(text)) {
      workspace.skip({ code: 'scaffold-unsupported-stack', file: schema, reason: `${schema} has no postgresql datasource: the models scaffold writes are PostgreSQL's; add them by hand` });
      return;
    }
    const models = { event: `${pascal(names.outboxTable)}Event`, key: `${pascal(names.storeTable.replace(/_keys$/, ''))}Key` };
    if (new RegExp(`\\bmodel\\s+(${models.event}|${models.key})\\s*\\{`).test(text)) {
      workspace.skip({ code: 'scaffold-file-taken', file: schema, reason: `${schema} already has a model named ${models.event} or ${models.key} for other tables; add the outbox models by hand` });
      return;
    }
    const eol = text.includes('\r\n') ? '\r\n' : '\n';
    workspace.write(schema, text + (text.endsWith('\n') || text === '' ? '' : eol) + prismaModels(names, models).replace(/\n/g, eol));
    // A project that deploys its schema with `prisma migrate` keeps one folder per migration beside the schema
    // (`prisma/migrations/<name>/migration.sql`): the tables get a migration of their own there, next in its order.
    const migrations = `${schema.includes('/') ? schema.slice(0, schema.lastIndexOf('/')) : '.'}/migrations`.replace(/^\.\//, '');
    const folders = [...new Set(all.filter((f) => f.startsWith(`${migrations}/`) && f.endsWith('/migration.sql')).map((f) => f.slice(migrations.length + 1, -'/migration.sql'.length)).filter((name) => !name.includes('/')))];
    if (folders.length > 0) create(`${migrations}/${nextMigrationName(folders.map((name) => `${name}.sql`), names.outboxTable).replace(/\.sql$/, '')}/migration.sql`, migrationSql(names));
    return;
  }
  if (stack === 'typeorm') {
    const entity = (table: string) => new RegExp(`@Entity\\(\\s*(?:['"]${table}['"]|\\{[^}]*name:\\s*['"]${table}['"])`);
    const has = (table: string) => ownFiles(workspace).some((f) => entity(table).test(workspace.read(f))) || all.some((f) => f.endsWith('.sql') && createsTable(workspace.read(f), table));
    if (has(names.outboxTable) && has(names.storeTable)) return;
    if (has(names.outboxTable) || has(names.storeTable)) {
      workspace.skip({ code: 'scaffold-file-taken', file: '.', reason: `the project has an entity or table for one of ${names.outboxTable} and ${names.storeTable} but not the other; add the missing one by hand` });
      return;
    }
    create(`${place}/${kebab(names.outboxTable)}-entities.ts`, typeormEntities(names, { event: `${pascal(names.outboxTable)}EventEntity`, key: `${pascal(names.storeTable.replace(/_keys$/, ''))}KeyEntity` }));
    // A project that keeps its schema in SQL migrations gets the tables there too.
    const sqlFiles = all.filter((f) => f.endsWith('.sql'));
    const folder = MIGRATION_DIRS.find((dir) => sqlFiles.some((f) => f.startsWith(`${dir}/`)));
    if (folder) create(`${folder}/${nextMigrationName(sqlFiles.filter((f) => f.startsWith(`${folder}/`) && !f.slice(folder.length + 1).includes('/')).map((f) => f.slice(folder.length + 1)), names.outboxTable)}`, migrationSql(names));
    return;
  }
  // node-postgres and the session style: a PostgreSQL migration.
  const sql = all.filter((f) => f.endsWith('.sql'));
  const hasOutbox = sql.some((f) => createsTable(workspace.read(f), names.outboxTable));
  const hasKeys = sql.some((f) => createsTable(workspace.read(f), names.storeTable));
  if (hasOutbox && hasKeys) return;
  if (hasOutbox || hasKeys) {
    workspace.skip({ code: 'scaffold-file-taken', file: '.', reason: `a migration creates the ${hasOutbox ? names.outboxTable : names.storeTable} table but none the ${hasOutbox ? names.storeTable : names.outboxTable} table; add it by hand (the columns scaffold uses are in docs/scaffold.md)` });
    return;
  }
  const folder = MIGRATION_DIRS.find((dir) => sql.some((f) => f.startsWith(`${dir}/`))) ?? 'migrations';
  create(`${folder}/${nextMigrationName(sql.filter((f) => f.startsWith(`${folder}/`) && !f.slice(folder.length + 1).includes('/')).map((f) => f.slice(folder.length + 1)), names.outboxTable)}`, migrationSql(names));
}

/** The next file of a migrations folder in its own numbering: `081_outbox.sql` after `080_matching.sql`. */
export function nextMigrationName(existing: readonly string[], table: string): string {
  const numbered = existing.map((name) => /^(\d+)([_-])/.exec(name)).filter((m): m is RegExpExecArray => m !== null);
  if (numbered.length === 0) return existing.length === 0 ? `001_${table}.sql` : `${table}.sql`;
  const last = numbered.reduce((a, b) => (BigInt(b[1]!) > BigInt(a[1]!) ? b : a));
  const next = (BigInt(last[1]!) + 1n).toString().padStart(last[1]!.length, '0');
  return `${next}${last[2]}${table}.sql`;
}
