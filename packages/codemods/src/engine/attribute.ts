import ts from 'typescript';
import type { FileAnalysis } from 'outbox-analysis';
import { parseSource } from './parse.js';
import type { UnitClaim } from './types.js';
import type { IntroducedTypeError } from './typecheck.js';

/** Where a type error sits: the route whose handler holds it, the class member, the class. */
export interface ErrorPlace {
  route?: string;
  className?: string;
  member?: string;
}

/**
 * The place of an offset in a file's text. Routes come from the analysis (its route facts); classes and members are
 * read off the syntax tree around the offset.
 */
export function placeOf(file: string, text: string, offset: number, analysis: FileAnalysis): ErrorPlace {
  const place: ErrorPlace = {};
  const route = analysis.routes
    .filter((r) => r.registration.start <= offset && offset < r.registration.end)
    .sort((a, b) => b.registration.start - a.registration.start)[0];
  if (route) place.route = route.route;
  const source = parseSource(file, text);
  let node: ts.Node | undefined = tokenAt(source, offset);
  for (; node; node = node.parent) {
    if ((ts.isMethodDeclaration(node) || ts.isPropertyDeclaration(node) || ts.isGetAccessor(node) || ts.isSetAccessor(node)) && node.name && !place.member) {
      place.member = ts.isIdentifier(node.name) || ts.isPrivateIdentifier(node.name) ? node.name.text : node.name.getText(source);
    }
    if (ts.isConstructorDeclaration(node) && !place.member) place.member = '<constructor>';
    if (ts.isClassLike(node)) {
      place.className = node.name?.text ?? '';
      break;
    }
  }
  if (!place.className) delete place.member;
  return place;
}

function tokenAt(source: ts.SourceFile, offset: number): ts.Node | undefined {
  let found: ts.Node | undefined;
  const visit = (node: ts.Node): void => {
    if (node.getStart(source) <= offset && offset < node.getEnd()) {
      found = node;
      ts.forEachChild(node, visit);
    }
  };
  ts.forEachChild(source, visit);
  return found;
}

/**
 * The units of work a type error is traced to, among the claims of the transform that made it: the claims of the
 * same route; else of the same class member; else of the same class; else of the same file; else of the files that
 * file imports (a changed signature breaks its callers); else every unit the transform claimed. Never empty when
 * there is a claim at all, so an error always leads to something being left out.
 */
export function unitsFor(error: IntroducedTypeError, place: ErrorPlace, claims: readonly UnitClaim[], importsOf: (file: string) => string[]): string[] {
  const keys = (list: UnitClaim[]) => [...new Set(list.map((c) => c.key))];
  const inFile = claims.filter((c) => c.file === error.file);
  const levels: UnitClaim[][] = [
    place.route ? inFile.filter((c) => c.route === place.route) : [],
    place.className && place.member ? inFile.filter((c) => c.className === place.className && c.member === place.member) : [],
    place.className ? inFile.filter((c) => c.className === place.className) : [],
    inFile,
  ];
  for (const level of levels) if (level.length > 0) return keys(level);
  const imported = new Set(importsOf(error.file));
  const upstream = claims.filter((c) => imported.has(c.file));
  if (upstream.length > 0) return keys(upstream);
  return keys([...claims]);
}
