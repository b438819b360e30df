import ts from 'typescript';
import type { ClassFacts } from 'outbox-analysis';
import type { SkipCode } from '../../engine/skips.js';
import type { Transform, Workspace } from '../../engine/types.js';
import { applyEdits, detectStyle, indentAt, relativeImport, render, todoEdit, type CodeStyle, type TextEdit } from '../shared/edits.js';

/**
 * inject-ai-orchestrator: the engines the checklist names (MatchingEngine, RiskEngine by default) take the AI
 * orchestrator as a constructor parameter defaulting to the factory (`getOrchestrator()`), so every existing
 * `new Engine(config)` keeps working, and their edge cases are put to it. The rule-based value stands unless the
 * orchestrator answers with a valid score that differs from it beyond the engine's precision, confidently and not
 * from a fallback; the offline provider echoes the baseline, so with it every result stays what it was.
 */
export const injectAiOrchestrator: Transform = {
  name: 'inject-ai-orchestrator',
  summary: 'inject getOrchestrator() into the matching and risk engines and route their edge cases through it',
  run(workspace) {
    const checklist = workspace.settings.checklist;
    const factory = findDeclaration(workspace, (a) => a.functions.filter((f) => f.exported).map((f) => f.name), checklist.aiFactoryFunctions);
    const base = findDeclaration(workspace, (a) => a.classes.map((c) => c.name), checklist.aiBaseClasses);
    const tasks: Record<string, string> = { [checklist.matchingEngineClass]: 'match_scoring', [checklist.riskEngineClass]: 'risk_assessment' };
    for (const engine of [checklist.matchingEngineClass, checklist.riskEngineClass]) {
      const located = findClass(workspace, engine);
      if (!located) continue;
      const { file, facts } = located;
      if (injected(facts, checklist.aiInjectionNames, checklist.aiFactoryFunctions)) continue;
      if (!factory || !base) {
        workspace.skip({ code: 'no-orchestrator-factory', file, line: facts.line, reason: `${engine}: no ${!factory ? `factory (${checklist.aiFactoryFunctions.join(' / ')})` : `base class (${checklist.aiBaseClasses.join(' / ')})`} found to inject` });
        continue;
      }
      if (workspace.analysis(file).diagnostics.some((d) => d.message.startsWith('parse error'))) {
        workspace.skip({ code: 'file-does-not-parse', file, line: facts.line, reason: `${engine}: the file does not parse; left as it is` });
        continue;
      }
      const key = `${file}#${engine}`;
      if (workspace.excluded(key)) continue;
      workspace.claim({ key, label: engine, file, line: facts.line, className: engine });
      injectInto(workspace, file, engine, tasks[engine] ?? 'general', factory, base);
    }
  },
};

function findDeclaration(workspace: Workspace, names: (a: ReturnType<Workspace['analysis']>) => string[], wanted: string[]): { file: string; name: string } | undefined {
  for (const file of workspace.files()) {
    if (!wanted.some((w) => workspace.read(file).includes(w))) continue;
    const found = names(workspace.analysis(file)).find((n) => wanted.includes(n));
    if (found) return { file, name: found };
  }
  return undefined;
}

function findClass(workspace: Workspace, name: string): { file: string; facts: ClassFacts } | undefined {
  for (const file of workspace.files()) {
    if (!workspace.read(file).includes(`class ${name}`)) continue;
    const facts = workspace.analysis(file).classes.find((c) => c.name === name);
    if (facts) return { file, facts };
  }
  return undefined;
}

/** The checklist's own test: a parameter or property that mentions the orchestrator, or a call of the factory. */
function injected(facts: ClassFacts, names: string[], factories: string[]): boolean {
  const mentions = (text?: string) => !!text && (names.some((n) => text.toLowerCase().includes(n.toLowerCase())) || factories.some((f) => text.includes(f)));
  return (
    facts.constructorParams.some((p) => mentions(p.name) || mentions(p.type) || mentions(p.initializer)) ||
    facts.properties.some((p) => mentions(p.name) || mentions(p.type) || mentions(p.initializer)) ||
    facts.calls.some((c) => factories.includes(c))
  );
}

/** Where the engine's edge-case scores come from, and how a refined one goes back. */
type Route =
  /** `this.ruleBasedScore(...)` returns a number; the class has `isEdgeCase(score)`. */
  | { kind: 'number'; calls: ts.CallExpression[] }
  /** `await this.scorer.calculateScore(...)` returns `{ total, edgeCase, … }`. */
  | { kind: 'object'; calls: ts.CallExpression[] };

function injectInto(workspace: Workspace, file: string, engine: string, task: string, factory: { file: string; name: string }, base: { file: string; name: string }): void {
  const text = workspace.read(file);
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const style = detectStyle(text);
  const cls = source.statements.find((s): s is ts.ClassDeclaration => ts.isClassDeclaration(s) && s.name?.text === engine);
  if (!cls) return;
  const skip = (node: ts.Node, code: SkipCode, reason: string) => {
    workspace.skip({ code, file, line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1, reason });
    if (workspace.options.todoComments) {
      const edit = todoEdit(text, cls.getStart(source), reason, style);
      if (edit) workspace.write(file, applyEdits(text, [edit]));
    }
  };
  const route = edgeCaseRoute(cls);
  if (!route) return skip(cls, 'no-edge-case-scoring', `${engine}: no edge-case scoring found to route through the orchestrator (expected this.ruleBasedScore(...) with isEdgeCase, or an awaited scorer.calculateScore(...)); inject it by hand`);
  const ctor = cls.members.find(ts.isConstructorDeclaration);
  if (!ctor && cls.heritageClauses?.some((h) => h.token === ts.SyntaxKind.ExtendsKeyword)) return skip(cls, 'derived-without-constructor', `${engine}: a derived class without a constructor of its own, so no parameter can be added without restating its base's; inject the orchestrator by hand`);
  if (ctor?.parameters.some((p) => p.dotDotDotToken)) return skip(ctor, 'constructor-rest-parameter', `${engine}: the constructor ends with a rest parameter, so no parameter can follow it; inject the orchestrator by hand`);
  const memberNames = new Set(cls.members.map((m) => (m.name && ts.isIdentifier(m.name) ? m.name.text : '')));
  const helper = memberNames.has('refineEdgeCase') ? 'refineEdgeCaseWithOrchestrator' : 'refineEdgeCase';

  const edits: TextEdit[] = [];
  const memberIndent = cls.members[0] ? indentAt(text, cls.members[0].getStart(source)) : indentAt(text, cls.getStart(source)) + style.indentUnit;
  const param = `private readonly orchestrator: ${base.name} = ${factory.name}()`;
  if (ctor) {
    const last = ctor.parameters[ctor.parameters.length - 1];
    if (last) {
      // A trailing comma (multi-line parameter lists) stays where it is.
      const multiline = text.slice(ctor.parameters.pos, ctor.parameters.end).includes('\n');
      const comma = ctor.parameters.hasTrailingComma;
      if (multiline) edits.push({ start: comma ? ctor.parameters.end : last.getEnd(), end: comma ? ctor.parameters.end : last.getEnd(), text: `${comma ? '' : ','}${style.eol}${indentAt(text, last.getStart(source))}${param}${comma ? ',' : ''}` });
      else edits.push({ start: last.getEnd(), end: last.getEnd(), text: `, ${param}` });
    } else {
      const open = text.indexOf('(', ctor.getStart(source));
      edits.push({ start: open + 1, end: open + 1, text: param });
    }
  } else {
    const at = cls.members[0] ? lineStart(text, cls.members[0].getStart(source)) : cls.members.end;
    edits.push({ start: at, end: at, text: render([`constructor(${param}) {}`, ''], memberIndent, style) + style.eol });
  }
  for (const call of route.calls) {
    const wrapped = route.kind === 'object' ? call.parent : call;
    edits.push({ start: wrapped.getStart(source), end: wrapped.getStart(source), text: `await this.${helper}(` });
    edits.push({ start: wrapped.getEnd(), end: wrapped.getEnd(), text: ')' });
  }
  const closeLine = lineStart(text, cls.getEnd() - 1);
  edits.push({ start: closeLine, end: closeLine, text: style.eol + helperText(route.kind, helper, task, engine, memberIndent, style) + style.eol });
  const specifiers = new Map<string, string[]>();
  for (const d of [factory, base]) {
    const spec = relativeImport(file, d.file);
    specifiers.set(spec, [...(specifiers.get(spec) ?? []), d.name]);
  }
  const imports = source.statements.filter(ts.isImportDeclaration);
  const lastImport = imports[imports.length - 1];
  const importText = [...specifiers].map(([spec, names]) => render([`import ${names.every((n) => n === base.name) ? 'type ' : ''}{ ${names.map((n) => (n === base.name && names.length > 1 ? `type ${n}` : n)).join(', ')} } from '${spec}';`], '', style)).join(style.eol);
  if (lastImport) edits.push({ start: lastImport.getEnd(), end: lastImport.getEnd(), text: style.eol + importText });
  else edits.push({ start: 0, end: 0, text: importText + style.eol + style.eol });
  workspace.write(file, applyEdits(text, edits));
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function isAsync(fn: ts.FunctionLikeDeclaration): boolean {
  return (ts.getModifiers(fn) ?? []).some((m) => m.kind === ts.SyntaxKind.AsyncKeyword);
}

/** The calls to route, found in the class's own async methods (not in nested functions). */
function edgeCaseRoute(cls: ts.ClassDeclaration): Route | undefined {
  const methods = cls.members.filter((m): m is ts.MethodDeclaration => ts.isMethodDeclaration(m) && !!m.body);
  const names = new Set(methods.map((m) => (ts.isIdentifier(m.name) ? m.name.text : '')));
  const collect = (match: (call: ts.CallExpression) => boolean): ts.CallExpression[] => {
    const out: ts.CallExpression[] = [];
    for (const method of methods.filter(isAsync)) {
      const visit = (n: ts.Node): void => {
        if (ts.isFunctionLike(n)) return;
        if (ts.isCallExpression(n) && match(n)) out.push(n);
        ts.forEachChild(n, visit);
      };
      ts.forEachChild(method.body!, visit);
    }
    return out;
  };
  const onThis = (call: ts.CallExpression, name: string) => ts.isPropertyAccessExpression(call.expression) && call.expression.expression.kind === ts.SyntaxKind.ThisKeyword && call.expression.name.text === name;
  if (names.has('ruleBasedScore') && names.has('isEdgeCase')) {
    const calls = collect((c) => onThis(c, 'ruleBasedScore'));
    if (calls.length > 0) return { kind: 'number', calls };
  }
  // A scorer held in a property: `await this.scorer.calculateScore(...)`.
  const calls = collect((c) =>
    ts.isPropertyAccessExpression(c.expression) &&
    ['calculateScore', 'ruleBasedScore'].includes(c.expression.name.text) &&
    ts.isPropertyAccessExpression(c.expression.expression) &&
    c.expression.expression.expression.kind === ts.SyntaxKind.ThisKeyword &&
    ts.isAwaitExpression(c.parent),
  );
  return calls.length > 0 ? { kind: 'object', calls } : undefined;
}

function helperText(kind: Route['kind'], helper: string, task: string, engine: string, indent: string, style: CodeStyle): string {
  const doc = [
    '/**',
    ' * A second opinion on an edge case from the AI orchestrator. The rule-based value stands unless the orchestrator',
    ' * answers with a valid score in [0, 1] that differs from it beyond the engine\'s precision, with confidence of at',
    ' * least 0.8 and not from a fallback provider. A failing provider never fails the scoring.',
    ' */',
  ];
  const consult = [
    `  const scale = baseline > 1 ? 100 : 1;`,
    `  try {`,
    `    const answer = await this.orchestrator.execute({`,
    `      task: '${task}',`,
    `      prompt: '${engine}: refine this rule-based score of an edge case',`,
    `      baselineScore: baseline / scale,`,
    `    });`,
    `    const score = answer.score;`,
    `    if (answer.fallback || score === undefined || !Number.isFinite(score) || score < 0 || score > 1 || answer.confidence < 0.8) return baseline;`,
    `    // An answer within the rounding of the baseline is the baseline echoed back, not an adjustment.`,
    `    return Math.abs(score * scale - baseline) <= 5e-5 * scale ? baseline : Number((score * scale).toFixed(4));`,
    `  } catch {`,
    `    return baseline;`,
    `  }`,
  ];
  const lines = kind === 'number'
    ? [...doc, `private async ${helper}(baseline: number): Promise<number> {`, `  if (!this.isEdgeCase(baseline)) return baseline;`, ...consult, '}']
    : [
        ...doc,
        `private async ${helper}<T extends { total: number; edgeCase: boolean }>(score: T): Promise<T> {`,
        `  if (!score.edgeCase) return score;`,
        `  const total = await this.${helper}Total(score.total);`,
        `  return total === score.total ? score : { ...score, total };`,
        '}',
        '',
        `private async ${helper}Total(baseline: number): Promise<number> {`,
        ...consult,
        '}',
      ];
  // render() re-indents by leading spaces; the ' * ' of a doc comment keeps its one space.
  return render(lines, indent, style).replace(/^([ \t]*)\*/gm, '$1 *');
}
