import path from 'node:path';
import ts from 'typescript';
import { collectReferences } from './handler.js';

/**
 * The router's top level, as the moved code needs it: which declarations (types, constants, helpers) must travel
 * with the handlers into the service file, and which imports.
 */

export interface ImportBinding {
  name: string;
  /** `import { a as b }`: `a`. */
  imported?: string;
  specifier: string;
  kind: 'named' | 'default' | 'namespace';
  typeOnly: boolean;
  declaration: ts.ImportDeclaration;
}

export interface TopLevel {
  imports: Map<string, ImportBinding>;
  /** Declared name → its statement. */
  declarations: Map<string, ts.Statement>;
}

export function topLevelOf(source: ts.SourceFile): TopLevel {
  const imports = new Map<string, ImportBinding>();
  const declarations = new Map<string, ts.Statement>();
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
      const clause = statement.importClause;
      const specifier = statement.moduleSpecifier.text;
      const typeOnly = clause?.isTypeOnly ?? false;
      if (clause?.name) imports.set(clause.name.text, { name: clause.name.text, specifier, kind: 'default', typeOnly, declaration: statement });
      const bindings = clause?.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) imports.set(bindings.name.text, { name: bindings.name.text, specifier, kind: 'namespace', typeOnly, declaration: statement });
      if (bindings && ts.isNamedImports(bindings)) {
        for (const element of bindings.elements) {
          imports.set(element.name.text, {
            name: element.name.text,
            ...(element.propertyName ? { imported: element.propertyName.getText(source) } : {}),
            specifier,
            kind: 'named',
            typeOnly: typeOnly || element.isTypeOnly,
            declaration: statement,
          });
        }
      }
      continue;
    }
    for (const name of statementNames(statement)) declarations.set(name, statement);
  }
  return { imports, declarations };
}

function statementNames(statement: ts.Statement): string[] {
  if (ts.isVariableStatement(statement)) {
    const names: string[] = [];
    const add = (name: ts.BindingName): void => {
      if (ts.isIdentifier(name)) names.push(name.text);
      else for (const element of name.elements) if (!ts.isOmittedExpression(element)) add(element.name);
    };
    for (const d of statement.declarationList.declarations) add(d.name);
    return names;
  }
  if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement) || ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement) || ts.isEnumDeclaration(statement)) && statement.name) {
    return [statement.name.text];
  }
  return [];
}

export function isTypeDeclaration(statement: ts.Statement): boolean {
  return ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement);
}

export function isExported(statement: ts.Statement): boolean {
  return ts.canHaveModifiers(statement) && (ts.getModifiers(statement) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
}

/** The declarations `references` need, transitively, in the order they appear in the file. */
export function closureOf(references: Set<string>, top: TopLevel): { statements: ts.Statement[]; imports: ImportBinding[] } {
  const statements = new Set<ts.Statement>();
  const imports = new Map<string, ImportBinding>();
  const queue = [...references];
  const seen = new Set<string>();
  while (queue.length > 0) {
    const name = queue.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const binding = top.imports.get(name);
    if (binding) {
      imports.set(name, binding);
      continue;
    }
    const statement = top.declarations.get(name);
    if (!statement || statements.has(statement)) continue;
    statements.add(statement);
    const inner = new Set<string>();
    collectReferences(statement, inner);
    for (const ref of inner) if (!seen.has(ref)) queue.push(ref);
  }
  return { statements: [...statements].sort((a, b) => a.pos - b.pos), imports: [...imports.values()] };
}

/** An import specifier seen from another file: relative ones are re-based, packages stay as they are. */
export function rebaseSpecifier(specifier: string, fromFile: string, toFile: string): string {
  if (!specifier.startsWith('.')) return specifier;
  const target = path.posix.join(path.posix.dirname(fromFile), specifier);
  let rel = path.posix.relative(path.posix.dirname(toFile), target);
  if (!rel.startsWith('.')) rel = `./${rel}`;
  return rel;
}

/** `import { a, type B } from 'x';` lines for bindings, grouped by specifier in first-seen order. */
export function importLines(bindings: { name: string; imported?: string; specifier: string; kind: ImportBinding['kind']; typeOnly: boolean }[], quote: string, semi: string): string[] {
  const bySpecifier = new Map<string, typeof bindings>();
  for (const b of bindings) bySpecifier.set(b.specifier, [...(bySpecifier.get(b.specifier) ?? []), b]);
  const lines: string[] = [];
  for (const [specifier, group] of bySpecifier) {
    const from = `${quote}${specifier}${quote}`;
    for (const b of group.filter((g) => g.kind === 'default')) lines.push(`import ${b.typeOnly ? 'type ' : ''}${b.name} from ${from}${semi}`);
    for (const b of group.filter((g) => g.kind === 'namespace')) lines.push(`import ${b.typeOnly ? 'type ' : ''}* as ${b.name} from ${from}${semi}`);
    const named = group.filter((g) => g.kind === 'named');
    if (named.length === 0) continue;
    const allTypes = named.every((n) => n.typeOnly);
    const parts = named.map((n) => `${!allTypes && n.typeOnly ? 'type ' : ''}${n.imported ? `${n.imported} as ` : ''}${n.name}`);
    lines.push(`import ${allTypes ? 'type ' : ''}{ ${parts.join(', ')} } from ${from}${semi}`);
  }
  return lines;
}
