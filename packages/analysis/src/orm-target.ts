import type TS from 'typescript';
import ts from './typescript.js';

/**
 * What an ORM write call says about the row it writes, read off its arguments as written (no types): the key in its
 * criteria, whether it makes a new row, the fields it sets to a literal. For the event that names the row (the codemods'
 * inject-outbox), as `sqlWriteTarget` reads a SQL statement.
 *
 * - Prisma-style `{ where: { id: x }, data: { status: 'paid' } }` (also `upsert`'s `where`).
 * - TypeORM-style criteria: `repo.update({ id: x }, { status: 'paid' })`, `manager.update(Invoice, { id }, {…})`,
 *   `delete({ id })`.
 * - `create`/`insert`/`upsert`/`createMany`: a new row.
 */
export interface OrmWriteTarget {
  /** The key expression of the row (`x` of `where: { id: x }`), as written; absent when none is read plainly. */
  key?: string;
  /** The property the key is the value of (`id`, `token`). */
  keyField?: string;
  /** It makes a new row. */
  inserts: boolean;
  /**
   * The entity object it writes, when it is given one by name (TypeORM's `repo.save(article)`, `manager.remove(Order,
   * order)`): the row is that object's.
   */
  entity?: string;
  /** Fields set to a string, number or boolean literal: `[['status', 'paid']]`. */
  literals: [string, string][];
}

const INSERT_VERBS = new Set(['create', 'insert', 'upsert', 'createMany', 'insertMany', 'bulkCreate']);

/** `sourceFile`: the call's file, for its text (a file parsed without parent pointers cannot find it by itself). */
export function ormWriteTarget(call: TS.CallExpression, sourceFile: TS.SourceFile = call.getSourceFile()): OrmWriteTarget | undefined {
  const callee = call.expression;
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const verb = callee.name.text;
  const objects = call.arguments.map((argument) => (ts.isObjectLiteralExpression(argument) ? argument : undefined));
  const first = objects[0];
  let criteria: TS.ObjectLiteralExpression | undefined;
  let values: TS.ObjectLiteralExpression | undefined;
  const where = first && property(first, 'where');
  if (where && ts.isObjectLiteralExpression(where)) {
    criteria = where;
    const data = property(first, 'data') ?? property(first, 'update');
    if (data && ts.isObjectLiteralExpression(data)) values = data;
  } else if (first && property(first, 'data') !== undefined) {
    const data = property(first, 'data');
    if (data && ts.isObjectLiteralExpression(data)) values = data;
  } else {
    // TypeORM: the criteria are the first object argument (after the entity class), the values the next one.
    const index = objects.findIndex((o) => o !== undefined);
    if (index >= 0 && !INSERT_VERBS.has(verb)) {
      criteria = objects[index];
      values = objects[index + 1];
    }
  }
  const key = criteria && keyOf(criteria, sourceFile);
  const literals: [string, string][] = [];
  for (const member of values?.properties ?? []) {
    if (!ts.isPropertyAssignment(member) || !(ts.isIdentifier(member.name) || ts.isStringLiteral(member.name))) continue;
    const value = member.initializer;
    if (ts.isStringLiteral(value) || ts.isNoSubstitutionTemplateLiteral(value)) literals.push([member.name.text, value.text]);
    else if (ts.isNumericLiteral(value)) literals.push([member.name.text, value.text]);
    else if (value.kind === ts.SyntaxKind.TrueKeyword || value.kind === ts.SyntaxKind.FalseKeyword) literals.push([member.name.text, value.kind === ts.SyntaxKind.TrueKeyword ? 'true' : 'false']);
  }
  const entity = ENTITY_VERBS.has(verb) ? entityArgument(call) : undefined;
  if (!key && !entity && literals.length === 0 && !INSERT_VERBS.has(verb)) return undefined;
  return { ...(key ?? {}), inserts: INSERT_VERBS.has(verb), literals, ...(entity !== undefined ? { entity } : {}) };
}

/** Verbs that write the entity object they are given: TypeORM's `save`, `remove`, …, Sequelize-free. */
const ENTITY_VERBS = new Set(['save', 'remove', 'softRemove', 'recover']);

/** `article` of `save(article)`, or of `save(Article, article)` (an entity class first); a name only. */
function entityArgument(call: TS.CallExpression): string | undefined {
  const args = call.arguments;
  const given = args.length === 1 ? args[0] : args.length === 2 && ts.isIdentifier(args[0]!) && /^[A-Z]/.test(args[0].text) ? args[1] : undefined;
  return given && ts.isIdentifier(given) ? given.text : undefined;
}

/** The criteria's key: `id` if present, else its only property; its value when it is a plain read. */
function keyOf(criteria: TS.ObjectLiteralExpression, sourceFile: TS.SourceFile): { key: string; keyField: string } | undefined {
  const members = criteria.properties.filter((m) => ts.isPropertyAssignment(m) || ts.isShorthandPropertyAssignment(m));
  const chosen = members.find((m) => m.name && ts.isIdentifier(m.name) && m.name.text === 'id') ?? (members.length === 1 ? members[0] : undefined);
  if (!chosen || !chosen.name || !ts.isIdentifier(chosen.name)) return undefined;
  const value = ts.isShorthandPropertyAssignment(chosen) ? chosen.name : (chosen as TS.PropertyAssignment).initializer;
  if (!plainRead(value)) return undefined;
  return { key: value.getText(sourceFile), keyField: chosen.name.text };
}

function plainRead(node: TS.Expression): boolean {
  if (ts.isIdentifier(node)) return true;
  if (ts.isPropertyAccessExpression(node)) return plainRead(node.expression) || node.expression.kind === ts.SyntaxKind.ThisKeyword;
  return false;
}

function property(object: TS.ObjectLiteralExpression, name: string): TS.Expression | undefined {
  for (const member of object.properties) {
    if (ts.isPropertyAssignment(member) && (ts.isIdentifier(member.name) || ts.isStringLiteral(member.name)) && member.name.text === name) return member.initializer;
    if (ts.isShorthandPropertyAssignment(member) && member.name.text === name) return member.name;
  }
  return undefined;
}
