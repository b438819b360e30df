import type { FastifyInstance } from 'fastify';
import { HttpError } from './errors.js';

/**
 * Input hygiene: strings that no database column can hold are refused with a 400 naming the field, before the
 * request reaches a handler — so before any transaction begins, and never halfway through an operation that has
 * already committed part of its work.
 *
 * PostgreSQL refuses two things any JSON string can carry:
 *   - U+0000 (NUL): `text` cannot store it (invalid byte sequence 0x00) and `jsonb` refuses the `\u0000` escape;
 *   - an unpaired UTF-16 surrogate (U+D800–U+DFFF alone): not Unicode at all; `jsonb` refuses its escape, and a text
 *     column would silently receive U+FFFD instead of what was sent.
 * Both are looked for in every string of the body (values and property names, at any depth), the query string and the
 * path parameters. Lengths and formats are the route schemas' business.
 */
const NUL = /\u0000/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why `value` cannot be stored, or undefined when it can. */
export function unstorable(value: string): string | undefined {
  if (NUL.test(value)) return 'contains a NUL character (U+0000), which cannot be stored';
  if (LONE_SURROGATE.test(value)) return 'contains an unpaired UTF-16 surrogate, which is not valid Unicode';
  return undefined;
}

/**
 * The first unstorable string in `root`, as `where/path/to/field <reason>`. Walks without recursion, so a deeply
 * nested body cannot exhaust the stack.
 */
export function findUnstorable(root: unknown, where: string): string | undefined {
  const stack: [unknown, string][] = [[root, where]];
  while (stack.length > 0) {
    const [value, path] = stack.pop()!;
    if (typeof value === 'string') {
      const reason = unstorable(value);
      if (reason) return `${path} ${reason}`;
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push([value[i], `${path}/${i}`]);
    } else if (typeof value === 'object' && value !== null) {
      const entries = Object.entries(value);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i]!;
        const reason = unstorable(key);
        if (reason) return `${path} has a property name that ${reason}`;
        stack.push([child, `${path}/${key}`]);
      }
    }
  }
  return undefined;
}

/** Refuses unstorable strings in every request, before validation and before the handler. */
export function installInputHygiene(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const problem =
      findUnstorable(request.params, 'params') ?? findUnstorable(request.query, 'querystring') ?? findUnstorable(request.body, 'body');
    if (problem) throw new HttpError(400, problem, 'unstorable_input');
  });
}
