import path from 'node:path';
import ts from 'typescript';
import { parseSource } from '../../engine/parse.js';
import { classifyFile, type ClassFacts, type FileAnalysis, type RouterDbCall } from 'outbox-analysis';
import type { SkipCode } from '../../engine/skips.js';
import type { Transform, Workspace } from '../../engine/types.js';
import { detectStyle, indentAt, todoEdit, type CodeStyle, type TextEdit } from '../shared/edits.js';
import { closureOf, importLines, isExported, isTypeDeclaration, rebaseSpecifier, topLevelOf, type ImportBinding } from './declarations.js';
import { collectReferences, enclosingHandler, planHandler, type ExtractedHandler } from './handler.js';
import { methodNameForRoute, serviceClassName, serviceFileName, singular, pascalCase } from './naming.js';

/**
 * extract-router-db: every `db.execute` / `db.commit` the analysis finds in a router moves into a service method.
 * A module without a service layer gets `<module>.service.ts` with one class; a module with services gets the method
 * on the class that fits the route. The router keeps its routes, schemas and status codes and calls the service with
 * the request's DB session, so HTTP behaviour stays what it was.
 */
export const extractRouterDb: Transform = {
  name: 'extract-router-db',
  summary: 'move DB calls out of routers into service methods (creating the service class where a module has none)',
  run(workspace) {
    try {
      for (const file of workspace.files()) {
        const analysis = workspace.analysis(file);
        if (analysis.role !== 'router') continue;
        const calls = analysis.routerDbCalls.filter((call) => !call.strictOnly);
        if (calls.length === 0) continue;
        if (analysis.diagnostics.some((d) => d.message.startsWith('parse error'))) {
          workspace.skip({ code: 'file-does-not-parse', file, line: calls[0]!.line, reason: 'the router does not parse; left as it is' });
          continue;
        }
        extractRouter(workspace, file, analysis, calls);
      }
    } finally {
      // Kept for this run only: the texts it holds are gone from the workspace once the routers are rewritten.
      handedByText.delete(workspace);
    }
  },
};

/** Why a handler has no service to go to. */
interface Refusal {
  code: SkipCode;
  reason: string;
}

/** Where a handler's method goes. */
interface Target {
  file: string;
  className: string;
  /** The class exists already (in `file`); otherwise the file and class are created. */
  existing: boolean;
  dbProperty: string;
  /** `new X(<args>)` with the handler's request name substituted. */
  construct: (requestName: string) => string;
  memberNames: Set<string>;
  /** For a new class: the first words of its doc comment (`The organization module's service layer`). */
  description: string;
  /** For a new class built from a handle the router closes over: the type its constructor parameter is declared with. */
  dbTypeText?: string;
  /**
   * Built once in the function that registers the routes, from the handle the handlers closed over
   * (`const commentService = new CommentService(pool);`); the handlers call the methods on that variable.
   */
  built?: { factory?: ts.FunctionLikeDeclaration; variable: string; args: string; exists?: boolean };
}

/** A handle an Express handler closes over: a parameter or local of the function that registers the routes. */
interface OuterHandle {
  name: string;
  /** The function that registers the routes, when the handle is its parameter or local; none for an imported one. */
  factory?: ts.FunctionLikeDeclaration;
  /** An imported handle (`import { pool } from '../db.js'`): where from, and its exported name. */
  imported?: { specifier: string; name: string };
  /** Its declared type (`Pool`), when it has one. */
  type?: ts.TypeNode;
}

interface PlannedMethod {
  handler: ExtractedHandler;
  target: Target;
  name: string;
}

function parse(file: string, text: string): ts.SourceFile {
  return parseSource(file, text);
}

function deepestNodeAt(source: ts.SourceFile, start: number, end: number): ts.Node {
  let found: ts.Node = source;
  const visit = (node: ts.Node): void => {
    if (node.getStart(source) <= start && node.getEnd() >= end) {
      found = node;
      ts.forEachChild(node, visit);
    }
  };
  ts.forEachChild(source, visit);
  return found;
}

/** Applies edits; insertions at an offset go before a replacement that starts there. */
function apply(text: string, edits: readonly TextEdit[], offset = 0): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start || (a.end - a.start) - (b.end - b.start));
  let out = '';
  let at = offset;
  for (const edit of sorted) {
    if (edit.start < at) throw new Error(`extract-router-db: overlapping edits at ${edit.start}`);
    out += text.slice(at, edit.start) + edit.text;
    at = edit.end;
  }
  return out;
}

function applyAll(text: string, edits: readonly TextEdit[]): string {
  return apply(text, edits) + text.slice(Math.max(0, ...edits.map((e) => e.end)));
}

function lineOf(source: ts.SourceFile, node: ts.Node): number {
  return source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
}

function extractRouter(workspace: Workspace, file: string, analysis: FileAnalysis, calls: RouterDbCall[]): void {
  const { settings } = workspace;
  const text = workspace.read(file);
  const source = parse(file, text);
  const style = detectStyle(text);
  const dir = path.posix.dirname(file);
  const express = settings.presets.includes('express');
  const todo: TextEdit[] = [];
  const skip = (node: ts.Node, code: SkipCode, reason: string): void => {
    workspace.skip({ code, file, line: lineOf(source, node), reason });
    if (workspace.options.todoComments) {
      const edit = todoEdit(text, node.getStart(source), reason, style);
      if (edit && !todo.some((t) => t.start === edit.start)) todo.push(edit);
    }
  };

  // The handlers that hold the calls, once each.
  const handlers = new Map<ts.ArrowFunction | ts.FunctionExpression, NonNullable<ReturnType<typeof enclosingHandler>>>();
  const callsByHandler = new Map<ts.Node, RouterDbCall[]>();
  for (const call of calls) {
    const node = deepestNodeAt(source, call.start, call.end);
    const found = enclosingHandler(node, analysis.routes, source);
    if (!found) {
      skip(node, 'db-call-outside-handler', `${call.handle}.${call.call}() is not inside a route handler; move it into a service by hand`);
      continue;
    }
    handlers.set(found.fn, found);
    callsByHandler.set(found.fn, [...(callsByHandler.get(found.fn) ?? []), call]);
  }

  const moduleClasses = serviceClassesBeside(workspace, dir);
  const moduleTarget = newServiceTarget(workspace, file, analysis.module, dir, moduleClasses);
  const entityTargets = new Map<string, Target | Refusal>();
  const planned: PlannedMethod[] = [];
  for (const [fn, found] of handlers) {
    if (workspace.excluded(routeKey(file, found.route))) continue;
    const constructed = servicesConstructedIn(fn, moduleClasses.map((c) => c.facts.name));
    if (constructed.length > 0) {
      const onlyCommits = (callsByHandler.get(fn) ?? []).every((c) => c.kind === 'commit');
      skip(found.registration, onlyCommits ? 'router-commits-after-service-call' : 'handler-mixes-service-and-db', onlyCommits
        ? `${found.route}: the router commits after calling ${constructed.join(', ')}; service-commit moves that commit into the service (run it first, or run \`all\`)`
        : `${found.route}: the handler mixes calls of ${constructed.join(', ')} with its own DB calls; left in the router`);
      continue;
    }
    // Express: the handle the handler closes over (`pool`, a parameter of `commentsRouter(pool)`) goes to a service of
    // the route's entity, built once in that function with it.
    const handlerCalls = callsByHandler.get(fn) ?? [];
    const outerHandles = express ? outerHandlesOf(fn, handlerCalls) : undefined;
    if (outerHandles && 'code' in outerHandles) {
      skip(found.registration, outerHandles.code, `${found.route}: ${outerHandles.reason}; left in the router`);
      continue;
    }
    // A module without a service layer gets one (`<Module>Service`); a module with one keeps it: the class of the
    // route's entity, else the module's own `<Module>Service`, else a new `<Entity>Service` — never another class.
    let target: Target | Refusal;
    if (outerHandles && outerHandles.length > 0) {
      const entity = entityOfRoute(found.route, file);
      const key = `built:${entity}`;
      if (!entityTargets.has(key)) entityTargets.set(key, builtTarget(workspace, file, dir, entity, outerHandles, source));
      target = entityTargets.get(key)!;
    } else if (moduleClasses.length === 0 || ('existing' in moduleTarget && moduleTarget.existing)) target = moduleTarget;
    else {
      const entity = entityOfRoute(found.route, file);
      const match = moduleClasses.find((c) => c.facts.name === `${entity}Service`) ?? moduleClasses.find((c) => entity !== '' && c.facts.name.includes(entity));
      if (match) target = existingTarget(fn, source, text, match);
      else {
        if (!entityTargets.has(entity)) entityTargets.set(entity, newEntityTarget(workspace, dir, entity, moduleClasses));
        target = entityTargets.get(entity)!;
      }
    }
    if ('code' in target) {
      skip(found.registration, target.code, `${found.route}: ${target.reason}; left in the router`);
      continue;
    }
    const handles = outerHandles && outerHandles.length > 0 ? new Map(outerHandles.map((h) => [h.name, `this.${target.dbProperty}`])) : undefined;
    const wrap = handles ? transactionToBegin(analysis, found.route, handlerCalls, outerHandles as OuterHandle[], target.dbProperty, fn, style, source) : undefined;
    const plan = planHandler(found, { source, text, dbProperty: target.dbProperty, dbCalls: handlerCalls, express, ...(handles ? { outerHandles: handles } : {}), ...(wrap ? { wrap } : {}) });
    if (!plan.ok) {
      skip(plan.at, plan.code, plan.reason);
      continue;
    }
    // The handle is the service's now (`this.pool`): the router keeps it. The new class's constructor takes it with its
    // declared type (imported where the router imports it).
    for (const h of outerHandles ?? []) plan.handler.references.delete(h.name);
    if (!target.existing && target.dbTypeText !== undefined) for (const h of outerHandles ?? []) if (h.type) collectReferences(h.type, plan.handler.references);
    if (plan.handler.mode !== 'plain' && !(ts.getModifiers(fn) ?? []).some((m) => m.kind === ts.SyntaxKind.AsyncKeyword)) {
      skip(found.registration, 'handler-not-async', `${found.route}: the handler is not async, so it cannot await the service method; left in the router`);
      continue;
    }
    const base = fn.name && ts.isIdentifier(fn.name) ? fn.name.text : methodNameForRoute(express ? mountedRoute(found.route, file) : found.route);
    let name = base;
    for (let n = 2; target.memberNames.has(name); n++) name = `${base}${n}`;
    target.memberNames.add(name);
    planned.push({ handler: plan.handler, target, name });
  }

  // What moves with the handlers: the router's own declarations they use (types, constants, helpers), per target file.
  const top = topLevelOf(source);
  const hostStatements = new Set(planned.map((p) => topStatementOf(p.handler.statement)));
  const movedTo = new Map<ts.Statement, string>();
  const accepted: PlannedMethod[] = [];
  for (const method of planned) {
    const closure = closureOf(method.handler.references, top);
    const blocker = closure.statements.find((s) => hostStatements.has(s) || isExported(s) || (movedTo.has(s) && movedTo.get(s) !== method.target.file));
    if (blocker) {
      skip(method.handler.at, 'declaration-cannot-move', `${method.handler.route}: the handler needs ${describe(blocker, source)}, which cannot move into ${method.target.file}; left in the router`);
      continue;
    }
    for (const s of closure.statements) movedTo.set(s, method.target.file);
    accepted.push(method);
    const key = routeKey(file, method.handler.route);
    const label = method.handler.route;
    const line = lineOf(source, method.handler.registration);
    workspace.claim({ key, label, file, line, route: method.handler.route });
    workspace.claim({ key, label, file: method.target.file, line, className: method.target.className, member: method.name });
  }

  const routerEdits: TextEdit[] = [...todo];
  for (const method of accepted) routerEdits.push(...routerEditsFor(method, text, source, style));
  routerEdits.push(...constructionEdits(accepted, text, source, style));
  const byTarget = new Map<string, PlannedMethod[]>();
  for (const method of accepted) byTarget.set(method.target.file, [...(byTarget.get(method.target.file) ?? []), method]);
  // Removing moved declarations (with the comments above them, and one blank line so none doubles up).
  const moved = [...movedTo.keys()].sort((a, b) => a.pos - b.pos);
  routerEdits.push(...removalEdits(text, source, moved));
  if (accepted.length === 0) {
    if (todo.length > 0) workspace.write(file, applyAll(text, todo));
    return;
  }
  const intermediate = applyAll(text, routerEdits);

  // Which moved names the router still uses (schemas built from the same constants): exported there, imported here.
  const after = parse(file, intermediate);
  const stillUsed = new Set<string>();
  for (const statement of after.statements) if (!ts.isImportDeclaration(statement)) collectReferences(statement, stillUsed);
  const importEdits: TextEdit[] = [];
  for (const [targetFile, methods] of byTarget) {
    const target = methods[0]!.target;
    const statements = moved.filter((s) => movedTo.get(s) === targetFile);
    const names = statements.flatMap((s) => namesOf(s).filter((n) => stillUsed.has(n)).map((n) => ({ name: n, typeOnly: isTypeDeclaration(s) })));
    const exportNames = new Set(names.map((n) => n.name));
    const references = new Set<string>();
    for (const m of methods) for (const r of m.handler.references) references.add(r);
    const closure = closureOf(references, top);
    writeService(workspace, target, methods, statements, exportNames, closure.imports, file, text, source, style);
    const specifier = rebaseSpecifier(`./${path.posix.basename(targetFile).replace(/\.ts$/, '.js')}`, targetFile, file);
    const wanted = [{ name: target.className, specifier, kind: 'named' as const, typeOnly: false }, ...names.map((n) => ({ ...n, specifier, kind: 'named' as const }))];
    importEdits.push(...addImports(intermediate, after, wanted, style));
  }
  importEdits.push(...unusedImportEdits(intermediate, after, stillUsed, importEdits, style));
  workspace.write(file, applyAll(intermediate, importEdits));
}

/** The unit of work of one route: the router file and the route, as the analysis names it (`POST /bins`). */
function routeKey(file: string, route: string): string {
  return `${file}#${route}`;
}

function describe(statement: ts.Statement, source: ts.SourceFile): string {
  const names = namesOf(statement);
  return names.length > 0 ? `\`${names.join(', ')}\`` : `the statement at line ${lineOf(source, statement)}`;
}

function namesOf(statement: ts.Statement): string[] {
  const top = topLevelOf(ts.factory.updateSourceFile(ts.factory.createSourceFile([], ts.factory.createToken(ts.SyntaxKind.EndOfFileToken), ts.NodeFlags.None), [statement]));
  return [...top.declarations.keys()];
}

function topStatementOf(node: ts.Node): ts.Statement {
  let current = node;
  while (current.parent && !ts.isSourceFile(current.parent)) current = current.parent;
  return current as ts.Statement;
}

/**
 * Service classes in service files of the router's folder, or of the folders serviceFilePlace puts new ones in (the
 * module's existing service layer).
 */
function serviceClassesBeside(workspace: Workspace, dir: string): { file: string; facts: ClassFacts }[] {
  const parent = path.posix.dirname(dir);
  const dirs = new Set([dir, `${dir}/services`, parent === '.' ? 'services' : `${parent}/services`]);
  const out: { file: string; facts: ClassFacts }[] = [];
  for (const file of workspace.files()) {
    if (!dirs.has(path.posix.dirname(file))) continue;
    const analysis = workspace.analysis(file);
    if (analysis.role !== 'service') continue;
    for (const facts of analysis.classes) if (!facts.abstract) out.push({ file, facts });
  }
  return out;
}

/** The property (or, failing one, the constructor parameter) the analysis says holds the class's DB handle. */
function dbPropertyOf(facts: ClassFacts): string | undefined {
  return facts.dbHandleProperties?.[0] ?? facts.dbHandleParams?.[0];
}

/** The classes of the module whose instances the handler makes (`new PartnerService(...)`). */
function servicesConstructedIn(fn: ts.Node, classNames: string[]): string[] {
  const found = new Set<string>();
  const visit = (n: ts.Node): void => {
    if (ts.isNewExpression(n) && ts.isIdentifier(n.expression) && classNames.includes(n.expression.text)) found.add(n.expression.text);
    ts.forEachChild(n, visit);
  };
  visit(fn);
  return [...found];
}

/**
 * A module without a service: `<module>.service.ts` beside the router, holding `<Module>Service`, constructed per
 * request with the request's session. The session's type is the one other services of the project take.
 */
function newServiceTarget(workspace: Workspace, routerFile: string, module: string, dir: string, existing: { file: string; facts: ClassFacts }[]): Target | Refusal {
  const className = serviceClassName(module);
  const file = serviceFilePlace(workspace, dir, serviceFileName(module));
  if (!file) return noServicePlace(workspace, dir, serviceFileName(module));
  const already = existing.find((c) => c.facts.name === className && c.file === file);
  if (already) {
    const dbProperty = dbPropertyOf(already.facts) ?? 'db';
    return { file, className, existing: true, dbProperty, construct: (request) => `new ${className}(${request}.${dbProperty})`, memberNames: new Set([...already.facts.methods, ...already.facts.properties.map((p) => p.name)]), description: `The ${path.posix.basename(dir)} module's service layer` };
  }
  if (workspace.exists(file)) return { code: 'service-file-taken', reason: `${file}, where its new ${className} would go, exists and holds no ${className}` };
  void routerFile;
  return { file, className, existing: false, dbProperty: 'db', construct: (request) => `new ${className}(${request}.db)`, memberNames: new Set(), description: `The ${path.posix.basename(dir)} module's service layer` };
}

/** A module with services but none for this entity: a new `<Entity>Service` in `<entity>.service.ts`. */
function newEntityTarget(workspace: Workspace, dir: string, entity: string, existing: { file: string; facts: ClassFacts }[]): Target | Refusal {
  if (!entity) return { code: 'route-names-no-entity', reason: 'its path names no entity, so no service class of the module is its own, and none can be named for it' };
  const className = `${entity}Service`;
  const base = `${kebabCase(entity)}.service.ts`;
  const file = serviceFilePlace(workspace, dir, base);
  if (!file) return noServicePlace(workspace, dir, base);
  const already = existing.find((c) => c.facts.name === className && c.file === file);
  if (already) {
    const dbProperty = dbPropertyOf(already.facts) ?? 'db';
    return { file, className, existing: true, dbProperty, construct: (request) => `new ${className}(${request}.${dbProperty})`, memberNames: new Set([...already.facts.methods, ...already.facts.properties.map((p) => p.name)]), description: `The service of ${entity} records` };
  }
  if (workspace.exists(file)) return { code: 'service-file-taken', reason: `no service class of the module is for ${entity} records, and ${file}, where a new ${className} would go, exists without it` };
  return { file, className, existing: false, dbProperty: 'db', construct: (request) => `new ${className}(${request}.db)`, memberNames: new Set(), description: `The service of ${entity} records` };
}

/**
 * Where a new service file goes: beside the router when the project's `serviceFiles` patterns take that path (and its
 * `routerFiles` do not); else in a `services` folder next to the router's folder (`src/routes/x.ts` → `src/services/`);
 * undefined when no candidate is a service file by the project's own settings.
 */
function serviceFilePlace(workspace: Workspace, dir: string, name: string): string | undefined {
  const parent = path.posix.dirname(dir);
  const candidates = [
    `${dir}/${name}`,
    `${dir}/services/${name}`,
    ...(parent !== '.' ? [`${parent}/services/${name}`] : [`services/${name}`]),
  ];
  return candidates.find((candidate) => classifyFile(candidate, workspace.settings).role === 'service');
}

function noServicePlace(workspace: Workspace, dir: string, name: string): Refusal {
  void workspace;
  return { code: 'no-service-place', reason: `no path for ${name} near ${dir} is a service file by the project's serviceFiles patterns (or each is a router file); set serviceFiles` };
}

/** `BankAccount` → `bank-account`. */
function kebabCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

/**
 * The entity a route acts on: its last collection segment in the singular (`POST /bins/:binId/occupancy` → `Bin`).
 * A route with no collection in its path (`POST /:id/hide` in an Express router mounted at `/comments`) acts on the
 * entity its router file is named after (`comments.routes.ts` → `Comment`), when it is.
 */
function entityOfRoute(route: string, routerFile: string): string {
  const nouns = route.split(/\s+/)[1]?.split('/').filter((s) => s && !s.startsWith(':') && !s.startsWith('{') && !s.startsWith('*')) ?? [];
  const collection = [...nouns].reverse().find((noun) => singular(noun) !== noun);
  const fromFile = fileEntityWord(routerFile);
  if (collection === undefined && fromFile !== undefined) return pascalCase(singular(fromFile));
  return pascalCase(singular(collection ?? nouns[nouns.length - 1] ?? ''));
}

/** An existing service class of the module, constructed the way the router already constructs it. */
function existingTarget(fn: ts.Node, source: ts.SourceFile, text: string, chosen: { file: string; facts: ClassFacts }): Target | Refusal {
  const dbProperty = dbPropertyOf(chosen.facts);
  if (!dbProperty) return { code: 'service-keeps-no-session', reason: `${chosen.facts.name}, the service of its entity, keeps no DB session (no constructor parameter or property the analysis sees holding a DB handle) to run the moved code on` };
  // How the router builds it elsewhere: the same arguments, with this request's session first.
  let template: string[] | undefined;
  const visit = (n: ts.Node): void => {
    if (!template && ts.isNewExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === chosen.facts.name) {
      const args = n.arguments ?? [];
      const rest = args.slice(1).map((a) => text.slice(a.getStart(source), a.getEnd()));
      if (rest.every((r) => /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/.test(r))) template = rest;
    }
    ts.forEachChild(n, visit);
  };
  visit(source);
  if (!template && chosen.facts.constructorParams.length > 1) return { code: 'no-construction-to-copy', reason: `${chosen.facts.name} takes more than a session, and the router never builds it, so there are no arguments to copy` };
  const rest = template ?? [];
  // The other arguments must be visible in the handler (parameters of the function that registers the routes).
  const outerParams = new Set<string>();
  for (let p: ts.Node | undefined = fn.parent; p; p = p.parent) if (ts.isFunctionDeclaration(p) || ts.isFunctionExpression(p) || ts.isArrowFunction(p)) for (const param of p.parameters) if (ts.isIdentifier(param.name)) outerParams.add(param.name.text);
  if (rest.some((r) => !outerParams.has(r.split('.')[0]!))) return { code: 'service-built-from-hidden-values', reason: `${chosen.facts.name} is built from values the handler cannot see (${rest.join(', ')})` };
  return {
    file: chosen.file,
    className: chosen.facts.name,
    existing: true,
    dbProperty,
    construct: (request) => `new ${chosen.facts.name}(${[`${request}.db`, ...rest].join(', ')})`,
    memberNames: new Set([...chosen.facts.methods, ...chosen.facts.properties.map((p) => p.name)]),
    description: '',
  };
}

/** The router's new handler: it calls the method and answers exactly as before. */
function routerEditsFor(method: PlannedMethod, text: string, source: ts.SourceFile, style: CodeStyle): TextEdit[] {
  const { handler, target, name } = method;
  const semi = style.semicolons ? ';' : '';
  const args = handler.params.map((p) => `${handler.requestName}.${p.part}`).join(', ');
  const call = `${target.construct(handler.requestName)}.${name}(${args})`;
  const body = handler.fn.body;
  if (handler.mode === 'prefix') {
    const p = handler.prefix!;
    const text = p.names.length > 0 ? `${p.kind} { ${p.names.join(', ')} } = await ${call}${semi}` : `await ${call}${semi}`;
    return [{ start: p.start, end: p.end, text }];
  }
  if (!ts.isBlock(body)) return [{ start: body.getStart(source), end: body.getEnd(), text: call }];
  const close = indentAt(text, body.getEnd() - 1);
  const first = body.statements[0];
  const inner = first ? indentAt(text, first.getStart(source)) : close + style.indentUnit;
  const reply = handler.replyName;
  let lines: string[];
  if (handler.mode === 'express') {
    const answer = handler.express!;
    if (answer.kind === 'single') lines = answer.withPayload ? [`${answer.before}await ${call}${answer.after}${semi}`] : [`await ${call}${semi}`, answer.statement];
    else {
      const result = collectNames(handler.fn).has('result') ? 'response' : 'result';
      lines = [`const ${result} = await ${call}${semi}`, `${reply}.status(${result}.statusCode).${answer.method}(${result}.payload)${semi}`];
    }
  } else if (handler.mode === 'plain') lines = [`return ${call}${semi}`];
  else if (handler.mode === 'status') {
    const s = handler.status!;
    lines = s.withPayload ? [`return ${reply}.${s.method}(${s.code}).send(await ${call})${semi}`] : [`await ${call}${semi}`, `return ${reply}.${s.method}(${s.code}).send()${semi}`];
  } else {
    const result = handler.fn.body && collectNames(handler.fn).has('result') ? 'response' : 'result';
    lines = [`const ${result} = await ${call}${semi}`, `return ${reply}.code(${result}.statusCode).send(${result}.payload)${semi}`];
  }
  return [{ start: body.getStart(source), end: body.getEnd(), text: `{${style.eol}${lines.map((l) => inner + l).join(style.eol)}${style.eol}${close}}` }];
}

function collectNames(node: ts.Node): Set<string> {
  const names = new Set<string>();
  collectReferences(node, names);
  return names;
}

/** Offsets of template literals (their text must not be re-indented: it is data). */
function templateRanges(source: ts.SourceFile): [number, number][] {
  const ranges: [number, number][] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isNoSubstitutionTemplateLiteral(n) || ts.isTemplateExpression(n)) ranges.push([n.getStart(source), n.getEnd()]);
    ts.forEachChild(n, visit);
  };
  visit(source);
  return ranges;
}

/**
 * Moves lines from one indentation to another. Lines that start inside a template literal are data (SQL, messages)
 * and stay byte for byte.
 */
function reindent(code: string, from: string, to: string, eol: string): string {
  const wrapper = 'async function moved() {\n';
  const parsed = parse('moved.ts', `${wrapper}${code}\n}`);
  const templates = templateRanges(parsed).map(([s, e]) => [s - wrapper.length, e - wrapper.length] as const);
  const lines = code.split('\n');
  let offset = 0;
  const out = lines.map((line) => {
    const lineStart = offset;
    offset += line.length + 1;
    const clean = line.replace(/\r$/, '');
    if (templates.some(([s, e]) => s < lineStart && lineStart < e)) return clean;
    if (clean.trim() === '') return '';
    const lead = /^[ \t]*/.exec(clean)![0];
    return to + clean.slice(lead.startsWith(from) ? from.length : lead.length);
  });
  return out.join(eol);
}

/** The method for one handler, at `memberIndent`. */
function methodText(method: PlannedMethod, routerText: string, routerSource: ts.SourceFile, memberIndent: string, style: CodeStyle): string {
  const { handler, name } = method;
  const unit = style.indentUnit;
  const semi = style.semicolons ? ';' : '';
  const signature = `${memberIndent}async ${name}(${handler.params.map((p) => `${p.name}: ${p.type}`).join(', ')}) {`;
  const bodyIndent = memberIndent + unit;
  let body: string;
  const fnBody = handler.fn.body;
  if (!ts.isBlock(fnBody)) {
    body = `${bodyIndent}return ${apply(routerText, handler.bodyEdits, handler.bodyStart) + routerText.slice(Math.max(handler.bodyStart, ...handler.bodyEdits.map((e) => e.end)), handler.bodyEnd)}${semi}`;
  } else {
    let start = handler.bodyStart;
    let end = handler.bodyEnd;
    if (handler.mode !== 'prefix') {
      // The block's inside without its first and last line breaks.
      const first = fnBody.statements[0];
      start = first ? routerText.lastIndexOf('\n', first.getFullStart() + leadingBlank(routerText, first.getFullStart())) + 1 : start;
      end = fnBody.getEnd() - 1;
      while (end > start && /\s/.test(routerText[end - 1]!)) end--;
    } else {
      start = routerText.lastIndexOf('\n', start - 1) + 1;
    }
    const from = indentAt(routerText, fnBody.statements[0]?.getStart(routerSource) ?? start);
    const edited = apply(routerText, handler.bodyEdits.filter((e) => e.start >= start && e.end <= end), start) + routerText.slice(Math.max(start, ...handler.bodyEdits.filter((e) => e.start >= start && e.end <= end).map((e) => e.end)), end);
    if (handler.wrap) {
      // The writes committed by themselves: the method runs them in a transaction on a client of the pool.
      const w = handler.wrap;
      const inner = bodyIndent + unit;
      const q = style.quote;
      body = [
        `${bodyIndent}const ${w.client} = await ${w.pool}.${w.checkout}()${semi}`,
        `${bodyIndent}try {`,
        `${inner}await ${w.client}.query(${q}BEGIN${q})${semi}`,
        reindent(edited, from, inner, style.eol) + (handler.bodyTail ? `${style.eol}${inner}${handler.bodyTail}` : ''),
        `${bodyIndent}} catch (error) {`,
        `${inner}await ${w.client}.query(${q}ROLLBACK${q})${semi}`,
        `${inner}throw error${semi}`,
        `${bodyIndent}} finally {`,
        `${inner}${w.client}.release()${semi}`,
        `${bodyIndent}}`,
      ].join(style.eol);
    } else {
      body = reindent(edited, from, bodyIndent, style.eol);
      if (handler.bodyTail) body += `${style.eol}${bodyIndent}${handler.bodyTail.replace(/;$/, semi)}`;
    }
  }
  const comments = handler.comments.map((c) => `${memberIndent}${c.startsWith('*') ? ` ${c}` : c}`);
  return [...comments, signature, body, `${memberIndent}}`].join(style.eol);
}

/** Offset just past the blank space before the first statement's own line (to keep comments at the block's top). */
function leadingBlank(text: string, fullStart: number): number {
  const m = /^[ \t]*\r?\n/.exec(text.slice(fullStart));
  return m ? m[0].length - 1 : 0;
}

/** Creates the service file, or adds the methods (and what they need) to the existing class. */
function writeService(
  workspace: Workspace,
  target: Target,
  methods: PlannedMethod[],
  statements: ts.Statement[],
  exportNames: Set<string>,
  imports: ImportBinding[],
  routerFile: string,
  routerText: string,
  routerSource: ts.SourceFile,
  routerStyle: CodeStyle,
): void {
  const movedText = statements.map((s) => {
    const start = ownLineCommentStart(routerText, s);
    let code = routerText.slice(start, s.getEnd());
    const names = namesOf(s);
    if (names.some((n) => exportNames.has(n)) && !isExported(s)) {
      const at = s.getStart(routerSource) - start;
      code = `${code.slice(0, at)}export ${code.slice(at)}`;
    }
    return code;
  });
  const rebased = imports.map((b) => ({ ...b, specifier: rebaseSpecifier(b.specifier, routerFile, target.file) }));

  if (!target.existing) {
    const style = routerStyle;
    const semi = style.semicolons ? ';' : '';
    const dbType = target.dbTypeText !== undefined ? undefined : target.built ? undefined : sessionType(workspace, target.file);
    const head = importLines([...(dbType ? [{ name: dbType.name, specifier: dbType.specifier, kind: 'named' as const, typeOnly: true }] : []), ...rebased], style.quote, semi);
    const unit = style.indentUnit;
    const methodTexts = methods.map((m) => methodText(m, routerText, routerSource, unit, style));
    const lines = [
      ...(head.length > 0 ? [...dedupeImports(head), ''] : []),
      ...movedText.flatMap((t) => [t, '']),
      '/**',
      ...(target.built
        ? [
            ` * ${target.description}: the work its router did on the database, one method per route.`,
            target.built.args ? ` * Built by the router with the ${target.built.args} it was given; the methods that write commit themselves.` : ' * The methods that write commit themselves.',
          ]
        : [` * ${target.description}: the work its router did on the request's session, one method per route.`, ' * Constructed per request with `request.db`; the methods that write commit themselves.']),
      ' */',
      `export class ${target.className} {`,
      ...(dbType ? [`${unit}constructor(private readonly ${target.dbProperty}: ${dbType.typeText}) {}`] : target.dbTypeText !== undefined ? [`${unit}constructor(private readonly ${target.dbProperty}: ${target.dbTypeText}) {}`] : []),
      ...methodTexts.flatMap((t, i) => (i === 0 && !dbType && target.dbTypeText === undefined ? [t] : ['', t])),
      '}',
      '',
    ];
    workspace.write(target.file, lines.join(style.eol));
    return;
  }

  const text = workspace.read(target.file);
  const source = parse(target.file, text);
  const style = detectStyle(text);
  const cls = source.statements.find((s): s is ts.ClassDeclaration => ts.isClassDeclaration(s) && s.name?.text === target.className);
  if (!cls) return;
  const firstMember = cls.members[0];
  const memberIndent = firstMember ? indentAt(text, firstMember.getStart(source)) : indentAt(text, cls.getStart(source)) + style.indentUnit;
  const edits: TextEdit[] = [];
  const closeBrace = cls.getEnd() - 1;
  const closeLine = text.lastIndexOf('\n', closeBrace - 1) + 1;
  const methodTexts = methods.map((m) => methodText(m, routerText, routerSource, memberIndent, style));
  edits.push({ start: closeLine, end: closeLine, text: methodTexts.map((t) => `${style.eol}${t}${style.eol}`).join('') });
  if (movedText.length > 0) {
    const at = ownLineCommentStart(text, cls);
    edits.push({ start: at, end: at, text: movedText.map((t) => `${t}${style.eol}${style.eol}`).join('') });
  }
  const after = parse(target.file, text);
  edits.push(...addImports(text, after, rebased, style));
  workspace.write(target.file, applyAll(text, edits));
}

function dedupeImports(lines: string[]): string[] {
  return [...new Set(lines)];
}

/**
 * The type of the request's DB session, as the services the routers already hand it to declare it: a class built in
 * a router as `new X(request.db, …)` whose first constructor parameter the analysis sees holding a DB handle
 * (`db: DbSession`) takes it with that type (imported from where X imports it).
 * `FastifyRequest['db']` (the request's own property type) when no router shows such a construction.
 */
function sessionType(workspace: Workspace, serviceFile: string): { name: string; specifier: string; typeText: string } {
  const handed = new Set<string>();
  const services: { file: string; analysis: FileAnalysis }[] = [];
  for (const file of workspace.files()) {
    const analysis = workspace.analysis(file);
    if (analysis.role === 'router') for (const name of classesHandedTheSession(workspace, file)) handed.add(name);
    else if (analysis.role === 'service') services.push({ file, analysis });
  }
  for (const { file, analysis } of services) {
    for (const facts of analysis.classes) {
      if (!handed.has(facts.name)) continue;
      const param = facts.constructorParams[0];
      if (!param || !(facts.dbHandleParams ?? []).includes(param.name) || !param.type || !/^[A-Za-z_$][\w$]*$/.test(param.type)) continue;
      const from = analysis.imports.find((i) => i.names.includes(param.type!));
      if (!from) continue;
      return { name: param.type, specifier: rebaseSpecifier(from.from, file, serviceFile), typeText: param.type };
    }
  }
  return { name: 'FastifyRequest', specifier: 'fastify', typeText: "FastifyRequest['db']" };
}

/**
 * Per workspace and router file, the classes its text constructs as `new X(<request>.db, …)`, with the text they were
 * found in: `sessionType` asks for every router each time it writes a service, and a router's text changes only when
 * this transform rewrites it, so each text is walked once instead of once per service written.
 */
const handedByText = new WeakMap<Workspace, Map<string, { text: string; names: string[] }>>();

function classesHandedTheSession(workspace: Workspace, file: string): string[] {
  let byFile = handedByText.get(workspace);
  if (!byFile) handedByText.set(workspace, (byFile = new Map()));
  const text = workspace.read(file);
  const known = byFile.get(file);
  if (known && known.text === text) return known.names;
  const names = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (ts.isNewExpression(node) && ts.isIdentifier(node.expression)) {
      const first = node.arguments?.[0];
      // Whether that first parameter is a DB handle is the class's fact (dbHandleParams), checked by sessionType.
      if (first && ts.isPropertyAccessExpression(first) && ts.isIdentifier(first.expression)) names.add(node.expression.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(parse(file, text));
  byFile.set(file, { text, names: [...names] });
  return [...names];
}

/** Start of the own-line comments right above a statement (or of its line). */
function ownLineCommentStart(text: string, statement: ts.Node): number {
  const ranges = ts.getLeadingCommentRanges(text, statement.getFullStart()) ?? [];
  for (const r of ranges) {
    const lineStart = text.lastIndexOf('\n', r.pos - 1) + 1;
    if (/^[ \t]*$/.test(text.slice(lineStart, r.pos))) {
      // Only comments that touch the statement (no blank line between) belong to it.
      const between = text.slice(r.end, statement.getStart());
      const later = ranges.filter((x) => x.pos >= r.pos);
      const gapHasBlank = later.some((x, i) => /\n[ \t]*\r?\n/.test(text.slice(x.end, later[i + 1]?.pos ?? statement.getStart())));
      if (!gapHasBlank || !/\n[ \t]*\r?\n/.test(between)) {
        if (!gapHasBlank) return lineStart;
      }
    }
  }
  return text.lastIndexOf('\n', statement.getStart() - 1) + 1;
}

/** Edits that remove the moved statements, merging neighbours and keeping one blank line between what remains. */
function removalEdits(text: string, source: ts.SourceFile, statements: ts.Statement[]): TextEdit[] {
  const ranges = statements.map((s) => {
    const start = ownLineCommentStart(text, s);
    const newline = text.indexOf('\n', s.getEnd());
    return [start, newline < 0 ? text.length : newline + 1] as [number, number];
  });
  void source;
  const merged: [number, number][] = [];
  for (const r of ranges.sort((a, b) => a[0] - b[0])) {
    const last = merged[merged.length - 1];
    if (last && /^\s*$/.test(text.slice(last[1], r[0]))) last[1] = r[1];
    else merged.push([...r]);
  }
  return merged.map(([start, end]) => {
    const before = text.slice(Math.max(0, start - 2), start);
    const blank = /^[ \t]*\r?\n/.exec(text.slice(end));
    if ((before === '\n\n' || start === 0 || before.endsWith('\n\r\n') ) && blank) end += blank[0].length;
    return { start, end, text: '' };
  });
}

/** Adds named imports, merged into an existing import of the same specifier. */
function addImports(text: string, source: ts.SourceFile, bindings: { name: string; imported?: string; specifier: string; kind: ImportBinding['kind']; typeOnly: boolean }[], style: CodeStyle): TextEdit[] {
  const top = topLevelOf(source);
  const missing = bindings.filter((b) => !top.imports.has(b.name) && !top.declarations.has(b.name));
  if (missing.length === 0) return [];
  const semi = style.semicolons ? ';' : '';
  const edits: TextEdit[] = [];
  const fresh: typeof missing = [];
  for (const [specifier, group] of groupBy(missing, (b) => b.specifier)) {
    const existing = source.statements.find((s): s is ts.ImportDeclaration => ts.isImportDeclaration(s) && ts.isStringLiteral(s.moduleSpecifier) && s.moduleSpecifier.text === specifier && !!s.importClause?.namedBindings && ts.isNamedImports(s.importClause.namedBindings));
    const named = group.filter((g) => g.kind === 'named');
    if (existing && named.length === group.length) {
      const clause = existing.importClause!;
      const elements = (clause.namedBindings as ts.NamedImports).elements;
      const last = elements[elements.length - 1];
      const typeOnlyDecl = clause.isTypeOnly;
      if (last && (!typeOnlyDecl || named.every((n) => n.typeOnly))) {
        edits.push({ start: last.getEnd(), end: last.getEnd(), text: named.map((n) => `, ${!typeOnlyDecl && n.typeOnly ? 'type ' : ''}${n.imported ? `${n.imported} as ` : ''}${n.name}`).join('') });
        continue;
      }
    }
    fresh.push(...group);
  }
  if (fresh.length > 0) {
    const imports = source.statements.filter(ts.isImportDeclaration);
    const lastImport = imports[imports.length - 1];
    const lines = importLines(fresh, style.quote, semi);
    if (lastImport) edits.push({ start: lastImport.getEnd(), end: lastImport.getEnd(), text: lines.map((l) => style.eol + l).join('') });
    else edits.push({ start: 0, end: 0, text: lines.map((l) => l + style.eol).join('') + style.eol });
  }
  return edits;
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) map.set(key(item), [...(map.get(key(item)) ?? []), item]);
  return map;
}

/** Drops the import bindings nothing in the router uses any more (the moved code took them along). */
function unusedImportEdits(text: string, source: ts.SourceFile, used: Set<string>, pending: TextEdit[], style: CodeStyle): TextEdit[] {
  const edits: TextEdit[] = [];
  const semi = style.semicolons ? ';' : '';
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    const clause = statement.importClause;
    if (!clause) continue;
    if (pending.some((e) => e.start >= statement.getStart(source) && e.start < statement.getEnd())) continue;
    const top = topLevelOf(parse('x.ts', text.slice(statement.getStart(source), statement.getEnd())));
    const bindings = [...top.imports.values()];
    const kept = bindings.filter((b) => used.has(b.name));
    if (kept.length === bindings.length) continue;
    if (kept.length === 0) {
      // Taking the line break before it keeps an import added right after this one in place.
      const start = statement.getStart(source);
      if (text.slice(0, start).endsWith('\n') && start > 0) {
        const eolStart = text.slice(0, start).endsWith('\r\n') ? start - 2 : start - 1;
        edits.push({ start: eolStart, end: statement.getEnd(), text: '' });
        continue;
      }
      const lineStart = text.lastIndexOf('\n', statement.getStart(source) - 1) + 1;
      const newline = text.indexOf('\n', statement.getEnd());
      edits.push({ start: lineStart, end: newline < 0 ? text.length : newline + 1, text: '' });
      continue;
    }
    const quote = text[statement.moduleSpecifier.getStart(source)] ?? style.quote;
    edits.push({ start: statement.getStart(source), end: statement.getEnd(), text: importLines(kept, quote, semi).join(style.eol) });
  }
  return edits;
}

/**
 * The handles an Express handler's DB calls run on, traced by the analysis to where they come from (`origin`: `pool`
 * for a client of `pool.connect()`), when each is a name the handler closes over: a parameter or local of a function
 * around it (`commentsRouter(pool)`), or a name of the module (an imported pool). Empty when the calls run on
 * something else (a request's session, `request.db`): the handler is planned as before. A handle declared inside the
 * handler itself is the handler's own business and stays a local.
 */
function outerHandlesOf(fn: ts.ArrowFunction | ts.FunctionExpression, calls: RouterDbCall[]): OuterHandle[] | Refusal {
  const roots = new Set(calls.map((c) => c.origin ?? c.handle));
  const out: OuterHandle[] = [];
  for (const root of roots) {
    if (!/^[A-Za-z_$][\w$]*$/.test(root)) return [];
    if (declaresName(fn, root)) return [];
    let found: OuterHandle | undefined;
    for (let p: ts.Node | undefined = fn.parent; p && !found; p = p.parent) {
      if (ts.isSourceFile(p)) {
        const top = topLevelOf(p);
        const binding = top.imports.get(root);
        if (binding && binding.kind !== 'namespace' && !binding.typeOnly) found = { name: root, imported: { specifier: binding.specifier, name: binding.kind === 'default' ? 'default' : (binding.imported ?? root) } };
        const statement = top.declarations.get(root);
        const declaration = statement && ts.isVariableStatement(statement) ? statement.declarationList.declarations.find((d) => ts.isIdentifier(d.name) && d.name.text === root) : undefined;
        if (declaration?.type) found = { name: root, type: declaration.type };
        break;
      }
      if (!(ts.isFunctionDeclaration(p) || ts.isFunctionExpression(p) || ts.isArrowFunction(p) || ts.isMethodDeclaration(p))) continue;
      const parameter = p.parameters.find((q) => ts.isIdentifier(q.name) && q.name.text === root);
      if (parameter) {
        found = { name: root, factory: p, ...(parameter.type ? { type: parameter.type } : {}) };
        break;
      }
      if (p.body && ts.isBlock(p.body)) {
        for (const statement of p.body.statements) {
          if (!ts.isVariableStatement(statement)) continue;
          const declaration = statement.declarationList.declarations.find((d) => ts.isIdentifier(d.name) && d.name.text === root);
          if (declaration) found = { name: root, factory: p, ...(declaration.type ? { type: declaration.type } : {}) };
        }
      }
    }
    if (!found) return { code: 'handle-not-reachable', reason: `its DB handle \`${root}\` is declared where a service cannot be given it` };
    out.push(found);
  }
  if (out.length > 1) return { code: 'handle-not-reachable', reason: `it runs on several handles (${out.map((h) => h.name).join(', ')}), and a service is built with one` };
  return out;
}

function declaresName(node: ts.Node, name: string): boolean {
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if ((ts.isVariableDeclaration(n) || ts.isParameter(n) || ts.isBindingElement(n)) && ts.isIdentifier(n.name) && n.name.text === name) found = true;
    if ((ts.isFunctionDeclaration(n) || ts.isClassDeclaration(n)) && n.name?.text === name) found = true;
    ts.forEachChild(n, visit);
  };
  ts.forEachChild(node, visit);
  return found;
}

/**
 * The service an Express router's handlers go to: `<Entity>Service` (the entity of the route, or of the router's
 * file: `comments.routes.ts` → `Comment`), an existing class of that name in a service file, or a new one where the
 * project keeps services; built once, with the handle the handlers closed over, in the function that has it.
 */
function builtTarget(workspace: Workspace, routerFile: string, dir: string, entity: string, handles: OuterHandle[], source: ts.SourceFile): Target | Refusal {
  if (!entity) return { code: 'route-names-no-entity', reason: 'neither its path nor the router file names an entity, so no service can be named for it' };
  const className = `${entity}Service`;
  const given = handles[0];
  const variable = freeName(source, camelCaseOf(className));
  const built = { ...(given?.factory ? { factory: given.factory } : {}), variable, args: given ? given.name : '' };
  for (const file of workspace.files()) {
    const analysis = workspace.analysis(file);
    if (analysis.role !== 'service') continue;
    const facts = analysis.classes.find((c) => c.name === className && !c.abstract);
    if (!facts) continue;
    // The existing class is built with the same handle: its one constructor parameter, of the handle's type.
    const param = facts.constructorParams[0];
    const typeText = given ? handleType(given, routerFile, file, source) : undefined;
    if (given ? facts.constructorParams.length !== 1 || !param || param.type !== typeText : facts.constructorParams.length !== 0) {
      return { code: 'service-keeps-no-session', reason: `${className} exists in ${file} but is not built from ${given ? `one ${typeText ?? given.name}` : 'nothing'}, the handle the handler uses` };
    }
    // The router may build it already (`const tickets = new TicketService(pool);`): the methods are called on that.
    const already = constructedAs(given?.factory?.body ?? source, className, built.args, source);
    const use = already ? { ...built, variable: already, exists: true } : built;
    return { file, className, existing: true, dbProperty: param?.name ?? given?.name ?? '', construct: () => use.variable, memberNames: new Set([...facts.methods, ...facts.properties.map((p) => p.name)]), description: '', built: use };
  }
  if (given && !given.type && !given.imported) return { code: 'handle-not-reachable', reason: `its DB handle \`${given.name}\` has no declared type for the new ${className}'s constructor` };
  const base = `${kebabCase(entity)}.service.ts`;
  const file = moduleServicePlace(workspace, routerFile, dir, entity, base) ?? serviceFilePlace(workspace, dir, base);
  if (!file) return noServicePlace(workspace, dir, base);
  if (workspace.exists(file)) return { code: 'service-file-taken', reason: `no service class is for ${entity} records, and ${file}, where a new ${className} would go, exists without it` };
  return {
    file,
    className,
    existing: false,
    dbProperty: given?.name ?? '',
    construct: () => variable,
    memberNames: new Set(),
    description: `The service of ${entity} records`,
    ...(given ? { dbTypeText: handleType(given, routerFile, file, source) } : {}),
    built,
  };
}

/**
 * The type a service's constructor declares the handle with: the type the router declares it with (`Pool`), or for
 * an imported handle the type of that export, as the service file reaches it (`(typeof import('../db.js'))['pool']`).
 */
function handleType(handle: OuterHandle, routerFile: string, serviceFile: string, source: ts.SourceFile): string | undefined {
  if (handle.type) return handle.type.getText(source);
  if (handle.imported) return `(typeof import('${rebaseSpecifier(handle.imported.specifier, routerFile, serviceFile)}'))['${handle.imported.name}']`;
  return undefined;
}

/**
 * A project that keeps a folder per entity (`src/tickets/ticket.service.ts` beside `src/routes/`) gets the new
 * service in a folder of its own the same way: `src/comments/comment.service.ts`.
 */
function moduleServicePlace(workspace: Workspace, routerFile: string, dir: string, entity: string, base: string): string | undefined {
  const parent = path.posix.dirname(dir);
  const folderOf = (file: string) => path.posix.basename(path.posix.dirname(file));
  const laidOut = workspace.files().some((file) => path.posix.dirname(path.posix.dirname(file)) === parent && workspace.analysis(file).role === 'service' && path.posix.basename(file) === `${kebabCase(pascalCase(singular(folderOf(file))))}.service.ts`);
  if (!laidOut) return undefined;
  const plural = fileEntityWord(routerFile) ?? `${kebabCase(entity)}s`;
  const candidate = `${parent === '.' ? '' : `${parent}/`}${plural}/${base}`;
  return classifyFile(candidate, workspace.settings).role === 'service' ? candidate : undefined;
}

function camelCaseOf(name: string): string {
  return name[0]!.toLowerCase() + name.slice(1);
}

/** A name no declaration of the file uses (`commentService`, else `commentService2`, …). */
function freeName(source: ts.SourceFile, base: string): string {
  let name = base;
  for (let n = 2; declaresName(source, name); n++) name = `${base}${n}`;
  return name;
}

/** The entity word a router file is named after: `comments.routes.ts` → `comments`; none for `router.ts`, `index.ts`. */
function fileEntityWord(file: string): string | undefined {
  const word = path.posix.basename(file).replace(/\.[cm]?[jt]sx?$/, '').replace(/[.-](routes?|router|controller|api|handlers?)$/i, '');
  return /^(index|routes?|router|controllers?|api|app|server|handlers?)$/i.test(word) || word === '' ? undefined : word;
}

/**
 * The transaction to begin in the method when the handler's writes commit by themselves (the analysis' `autocommits`
 * of the route, with no begin or commit of its own) on a node-postgres pool the router closes over: `BEGIN` on a client
 * of that pool, so that an outbox event and an idempotency key can join the writes. None otherwise (inject-outbox then
 * reports the autocommit).
 */
function transactionToBegin(analysis: FileAnalysis, route: string, calls: RouterDbCall[], handles: OuterHandle[], dbProperty: string, fn: ts.Node, style: CodeStyle, source: ts.SourceFile): import('./handler.js').WrapInTransaction | undefined {
  const operation = analysis.operations.find((o) => o.kind === 'router' && o.method === route);
  if (!operation || (operation.autocommits ?? []).length === 0 || (operation.begins ?? []).length > 0 || (operation.commits ?? []).length > 0) return undefined;
  const writes = calls.filter((c) => c.effect === 'write');
  if (writes.length === 0 || !calls.every((c) => c.preset === 'node-postgres' && c.origin === undefined)) return undefined;
  const handle = handles.find((h) => h.name === writes[0]!.handle);
  if (!handle || !calls.every((c) => c.handle === handle.name)) return undefined;
  // A pool (not one client): the analysis says how a client is checked out of it (`pool.connect()`).
  const checkout = writes[0]!.checkout;
  if (checkout === undefined || !calls.every((c) => c.checkout === checkout)) return undefined;
  let client = 'client';
  for (let n = 2; declaresName(fn, client); n++) client = `client${n}`;
  return { pool: `this.${dbProperty}`, client, checkout, quote: style.quote, semi: style.semicolons ? ';' : '' };
}

/** `const commentService = new CommentService(pool);` once per built service, before the first route that uses it. */
function constructionEdits(accepted: PlannedMethod[], text: string, source: ts.SourceFile, style: CodeStyle): TextEdit[] {
  const edits: TextEdit[] = [];
  const done = new Set<Target>();
  const semi = style.semicolons ? ';' : '';
  for (const method of accepted) {
    const { target } = method;
    if (!target.built || target.built.exists || done.has(target)) continue;
    done.add(target);
    const first = accepted.filter((m) => m.target === target).map((m) => m.handler.statement).sort((a, b) => a.pos - b.pos)[0]!;
    // The statement of the factory's body (or of the module) that holds the first registration.
    let holder: ts.Node = first;
    const scope = target.built.factory?.body ?? source;
    while (holder.parent && holder.parent !== scope) holder = holder.parent;
    const at = ownLineCommentStart(text, holder);
    const indent = /^[ \t]*/.exec(text.slice(at))![0];
    edits.push({ start: at, end: at, text: `${indent}const ${target.built.variable} = new ${target.className}(${target.built.args})${semi}${style.eol}${style.eol}` });
  }
  return edits;
}

/**
 * An Express route as its router file's name mounts it, for naming its method: `POST /:id/hide` in
 * `comments.routes.ts` reads as `POST /comments/:id/hide` (→ `hideComment`); a path naming a collection stays.
 */
function mountedRoute(route: string, routerFile: string): string {
  const [verb = '', routePath = ''] = route.split(/\s+/, 2);
  const nouns = routePath.split('/').filter((s) => s && !s.startsWith(':') && !s.startsWith('{') && !s.startsWith('*'));
  const word = fileEntityWord(routerFile);
  if (word === undefined || nouns.some((noun) => singular(noun) !== noun)) return route;
  return `${verb} /${word}${routePath === '/' ? '' : routePath}`;
}

/** The name of a `const x = new ClassName(args)` among the statements of `scope` (a factory's body, or the module). */
function constructedAs(scope: ts.Node, className: string, args: string, source: ts.SourceFile): string | undefined {
  const statements = ts.isBlock(scope) || ts.isSourceFile(scope) ? scope.statements : [];
  for (const statement of statements) {
    if (!ts.isVariableStatement(statement) || !(statement.declarationList.flags & ts.NodeFlags.Const)) continue;
    for (const d of statement.declarationList.declarations) {
      const init = d.initializer;
      if (!ts.isIdentifier(d.name) || !init || !ts.isNewExpression(init) || !ts.isIdentifier(init.expression) || init.expression.text !== className) continue;
      if ((init.arguments ?? []).map((a) => a.getText(source)).join(', ') === args) return d.name.text;
    }
  }
  return undefined;
}
