import type { FileRole } from './types.js';
import type { OutboxSettings } from './settings.js';
import { checklistNames } from './checklist/settings.js';
import { stackRulesFor, type StackRules } from './stack.js';

/**
 * The pre-check: before a file is parsed, a scan of its text for anything that could make the analysis find
 * something in it. Parsing is most of an audit's time, and most route and service files of a real codebase on an ORM
 * hold no DB call at all (a backend of 612 such files had 6 operations); those are read, scanned and skipped.
 *
 * What the scan looks for is derived from the settings and the compiled presets (stack.ts), never listed here, so a
 * preset added later is covered. It reasons from what the model (model.ts) needs to find anything:
 *
 * - An operation needs a write, and a router finding a DB call; either is a call rooted at a DB handle. A handle is
 *   a name of `dbHandles` (the session style), or, with a data preset, a preset's handle name or name pattern
 *   (`prisma`, `*Repository`, and `repositoryNames`), a declared type (`EntityManager`), a producing function
 *   (`getRepository`), a model class (one extending `Model`, or imported from a path with `models` in it). Every other
 *   handle — a local alias, a transaction's callback parameter, `const repo = ds.getRepository(X)` — is made from
 *   one of those in the same file, so the file's text holds it. What only qualifies a write (outbox, idempotency and
 *   publish words, the configured verbs, `@Transactional()`) adds nothing to a file that has none.
 * - A decorator that makes a router of a class (`@Controller()`) changes the file's role, so it counts on its own.
 * - The checklist reads classes, functions and imports by name: a file that mentions one of its names counts.
 *
 * It is conservative: each name is matched as the model matches it (a whole name for a handle, a type's name after a
 * non-word character, a pattern's fixed part at its end or start, case aside as the model ignores case there), with
 * "word" meaning ASCII letters, digits, `_` and `$`, so any other character only makes more files pass. A name spelt
 * with Unicode escapes (`\u0064b` for `db`) is not seen; nothing else the model finds is missed (the tests compare
 * the audit with and without the pre-check on every fixture app and the reference runtime).
 *
 * What it never decides: a file's role (classify.ts does, from its path) or anything about a file it lets through.
 */

/** One thing to look for in a file's text. */
export interface Needle {
  text: string;
  /** The character before it must not be a word character. */
  start: boolean;
  /** The character after it must not be a word character. */
  end: boolean;
}

/** What a settings object makes the pre-check look for, compiled once per settings object. */
export interface PreCheck {
  /** Whole names, case-sensitive: DB handle names, model bases, producing functions. */
  words: readonly Needle[];
  /** Declared types' names (after a non-word character, as `idiomByType` reads them). */
  types: readonly Needle[];
  /** Case-insensitive (the model lowercases before matching): the fixed parts of handle name patterns. */
  folded: readonly Needle[];
  /** Case-insensitive parts of import paths that make the imported names models. */
  modelImports: RegExp | undefined;
  /** Substrings, case-sensitive: the names the checklist looks for. */
  checklist: readonly string[];
  /** A decorator that makes a router of a class, however it is written (`@Controller()`, `@nest.Controller ()`). */
  routerDecorator: RegExp | undefined;
  /** Its names: the regular expression only runs on a text that has one (a scan for `@` alone is slow). */
  routerDecoratorNames: readonly string[];
  /** A name pattern with no fixed part (`*`): any file may match, so every router and service file passes. */
  anyName: boolean;
}

const cache = new WeakMap<OutboxSettings, PreCheck>();

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * The part of a glob on a name that every matching name contains: its last fixed run when the glob ends with one
 * (`*repository` → a name ending in `repository`), else its first when it starts with one, else its longest one.
 * Undefined when the glob has no fixed part (any name may match). `[…]` and `{…}` count as wildcards here.
 */
export function fixedPartOf(glob: string): Needle | undefined {
  const runs: { text: string; from: number; to: number }[] = [];
  let current = '';
  let from = 0;
  let i = 0;
  const close = (at: number) => {
    if (current.length > 0) runs.push({ text: current, from, to: at });
    current = '';
  };
  while (i < glob.length) {
    const ch = glob[i]!;
    if (ch === '\\' && i + 1 < glob.length) {
      if (current.length === 0) from = i;
      current += glob[i + 1];
      i += 2;
    } else if (ch === '*' || ch === '?') {
      close(i);
      i++;
    } else if (ch === '[' || ch === '{') {
      close(i);
      // Skip to the matching close; an unclosed one is a wildcard to the end (the glob compiler refuses most of them).
      const end = glob.indexOf(ch === '[' ? ']' : '}', i + 1);
      if (ch === '{') {
        let depth = 0;
        let j = i;
        for (; j < glob.length; j++) {
          if (glob[j] === '\\') j++;
          else if (glob[j] === '{') depth++;
          else if (glob[j] === '}' && --depth === 0) break;
        }
        i = j + 1;
      } else {
        i = end < 0 ? glob.length : end + 1;
      }
    } else {
      if (current.length === 0) from = i;
      current += ch;
      i++;
    }
  }
  close(i);
  if (runs.length === 0) return undefined;
  const first = runs[0]!;
  const last = runs[runs.length - 1]!;
  if (runs.length === 1 && first.from === 0 && first.to === glob.length) return { text: first.text, start: true, end: true };
  if (last.to === glob.length) return { text: last.text, start: false, end: true };
  if (first.from === 0) return { text: first.text, start: true, end: false };
  const longest = runs.reduce((a, b) => (b.text.length > a.text.length ? b : a));
  return { text: longest.text, start: false, end: false };
}

const unique = <T>(items: T[], key: (item: T) => string): T[] => {
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = key(item);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
};

/** The pre-check for a settings object (compiled once, kept while the settings object lives). */
export function precheckFor(settings: OutboxSettings): PreCheck {
  let found = cache.get(settings);
  if (found) return found;
  const stack: StackRules = stackRulesFor(settings);
  const word = (text: string): Needle => ({ text, start: true, end: true });
  const words = [...settings.dbHandles.map(word)];
  const types: Needle[] = [];
  const folded: Needle[] = [];
  let anyName = false;
  let modelImports: RegExp | undefined;
  if (stack.hasData) {
    for (const name of stack.byName.keys()) words.push(word(name));
    for (const name of stack.modelBases.keys()) words.push(word(name));
    for (const name of stack.producerFunctions.keys()) words.push(word(name));
    for (const { mark } of stack.typeMarks) types.push({ text: mark, start: true, end: false });
    // A team's repositories (`repositoryNames`) are matched like a preset's name patterns, once the model has the
    // evidence that the name is an injected or imported one: their names are looked for alike.
    const patterns = [...stack.namePatterns, ...(stack.repository ? [stack.repository] : [])];
    for (const { matches } of patterns) {
      // Each pattern is a compiled glob (patterns.ts keeps its source); one that is not says nothing, so all pass.
      const globs = (matches as { globs?: readonly string[] }).globs;
      if (!globs) {
        anyName = true;
        continue;
      }
      for (const glob of globs) {
        const part = fixedPartOf(glob.toLowerCase());
        if (part) folded.push({ ...part, text: part.text.toLowerCase() });
        else anyName = true;
      }
    }
    const marks = unique(stack.modelImports.map((entry) => entry.mark.toLowerCase()).filter((mark) => mark.length > 0), (m) => m);
    if (marks.length > 0) {
      // `import … from '<path>'` (comments may sit between): the only imports that make models (model.ts).
      modelImports = new RegExp(`\\bfrom(?:\\s|/\\*[\\s\\S]*?\\*/|//[^\\n]*\\n)*['"][^'"\\n]*(?:${marks.map(escapeRegExp).join('|')})`, 'i');
    }
    if (stack.modelImports.some((entry) => entry.mark.length === 0)) anyName = true;
  }
  const decorators = [...stack.web.controllerDecorators];
  found = {
    words: unique(words.filter((n) => n.text.length > 0), (n) => n.text),
    types: unique(types.filter((n) => n.text.length > 0), (n) => n.text),
    folded: unique(folded, (n) => `${n.start ? '^' : ''}${n.text}${n.end ? '$' : ''}`),
    modelImports,
    checklist: checklistNames(settings.checklist),
    routerDecorator:
      decorators.length > 0 ? new RegExp(`@\\s*(?:[\\w$]+\\s*\\.\\s*)*(?:${decorators.map(escapeRegExp).join('|')})(?![\\w$])`) : undefined,
    routerDecoratorNames: decorators,
    anyName,
  };
  cache.set(settings, found);
  return found;
}

/** ASCII letters, digits, `_` and `$`: the characters that continue a name. */
function isWordChar(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 95 || code === 36;
}

/** What `idiomByType` (stack.ts) takes to continue a type's name: no `$`. */
function isTypeWordChar(code: number): boolean {
  return code !== 36 && isWordChar(code);
}

function has(text: string, needle: Needle, before: (code: number) => boolean = isWordChar): boolean {
  const { text: what, start, end } = needle;
  for (let at = text.indexOf(what); at >= 0; at = text.indexOf(what, at + 1)) {
    if (start && at > 0 && before(text.charCodeAt(at - 1))) continue;
    const after = at + what.length;
    if (end && after < text.length && isWordChar(text.charCodeAt(after))) continue;
    return true;
  }
  return false;
}

/**
 * The text may call one of `methods` by its name (init's second look: the files that a codebase's own write methods,
 * found after its first look, can change). It names one as a whole name — an identifier or a quoted member name is
 * never part of a longer run of word characters, so `copy` in `copyright` is none — or it holds an escape (`\u…`,
 * `\x…`) in which a name may be spelt otherwise.
 */
export function mayCallByName(text: string, methods: readonly string[]): boolean {
  if (text.includes('\\u') || text.includes('\\x')) return true;
  return methods.some((name) => name.length > 0 && has(text, { text: name, start: true, end: true }));
}

/** The file's text mentions a name the checklist looks for (the only reason a file with no role is parsed). */
export function mentionsChecklistName(text: string, settings: OutboxSettings): boolean {
  return precheckFor(settings).checklist.some((name) => text.includes(name));
}

/** A class in the text may be a router by its decorator (`@Controller()`), whatever the file's path says. */
export function mentionsRouterDecorator(text: string, settings: OutboxSettings): boolean {
  const check = precheckFor(settings);
  const decorator = check.routerDecorator;
  return decorator !== undefined && check.routerDecoratorNames.some((name) => text.includes(name)) && decorator.test(text);
}

/** The text may hold a DB call: it names a DB handle, or something that makes one, of the session style or a preset. */
export function mentionsDbHandle(text: string, settings: OutboxSettings): boolean {
  const check = precheckFor(settings);
  if (check.anyName) return true;
  for (const needle of check.words) if (has(text, needle)) return true;
  for (const needle of check.types) if (has(text, needle, isTypeWordChar)) return true;
  if (check.folded.length > 0) {
    const lower = text.toLowerCase();
    for (const needle of check.folded) if (has(lower, needle)) return true;
  }
  return check.modelImports !== undefined && check.modelImports.test(text);
}

/**
 * Can the analysis of a file with this role (by its path, classify.ts) find anything in this text? False only when
 * it cannot: no DB handle, no name the checklist reads (see above), and no router decorator that would change the
 * file's role. A test file has role 'other'.
 *
 * A router decorator counts only in a file that is not a router by its path already: there it can only confirm the
 * role, and what a router yields besides its role — router DB calls, operations — needs a DB handle. (On a public
 * NestJS backend, 32 of the 59 files the audit parsed were controllers and resolvers that name no handle.)
 */
export function textMayMatter(role: FileRole, text: string, settings: OutboxSettings): boolean {
  if (mentionsChecklistName(text, settings) || (role !== 'router' && mentionsRouterDecorator(text, settings))) return true;
  return role !== 'other' && mentionsDbHandle(text, settings);
}
