import { randomUUID } from 'node:crypto';

/**
 * Valid example values from a route's JSON schema, so that a test can aim a request the app would accept at every
 * route it has — including routes added after the test was written. Understands what the runtime's schemas use: types
 * (and unions with null), enum/const, formats, patterns (a small generator for the regular expressions in them),
 * lengths, bounds, arrays and objects (required properties, or the first one when only `minProperties` asks).
 */
export interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  multipleOf?: number;
  items?: JsonSchema;
  minItems?: number;
  properties?: Record<string, JsonSchema>;
  required?: readonly string[];
  minProperties?: number;
  additionalProperties?: boolean | JsonSchema;
}

/** A value that `schema` accepts (as far as this generator understands it); `name` is the property's, as a hint. */
export function exampleOf(schema: JsonSchema | undefined, name = ''): unknown {
  if (!schema) return undefined;
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum.find((value) => value !== null) ?? schema.enum[0];
  const type = primaryType(schema);
  switch (type) {
    case 'string':
      return exampleString(schema, name);
    case 'integer':
    case 'number':
      return exampleNumber(schema, type === 'integer');
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'array':
      return Array.from({ length: Math.max(1, schema.minItems ?? 1) }, () => exampleOf(schema.items ?? { type: 'string' }));
    case 'object':
    default: {
      const out: Record<string, unknown> = {};
      const properties = schema.properties ?? {};
      const names = new Set(schema.required ?? []);
      if (names.size < (schema.minProperties ?? 0)) for (const name of Object.keys(properties).slice(0, schema.minProperties)) names.add(name);
      for (const property of names) out[property] = exampleOf(properties[property] ?? { type: 'string' }, property);
      return out;
    }
  }
}

/** The schema's type, preferring a non-null one. */
export function primaryType(schema: JsonSchema): string {
  if (Array.isArray(schema.type)) return schema.type.find((t) => t !== 'null') ?? 'null';
  return schema.type ?? (schema.properties ? 'object' : 'string');
}

/** Every string in a schema, as a path into the value (`['documents', 0, 'fileName']`), with its schema. */
export function stringFields(schema: JsonSchema | undefined, path: (string | number)[] = []): { path: (string | number)[]; schema: JsonSchema }[] {
  if (!schema) return [];
  const type = primaryType(schema);
  if (type === 'string' && !schema.enum && schema.const === undefined) return [{ path, schema }];
  if (type === 'array') return stringFields(schema.items, [...path, 0]);
  if (type === 'object') {
    return Object.entries(schema.properties ?? {}).flatMap(([name, child]) => stringFields(child, [...path, name]));
  }
  return [];
}

/** Every object in a schema (the value itself included), as a path. */
export function objectPaths(schema: JsonSchema | undefined, path: (string | number)[] = []): (string | number)[][] {
  if (!schema) return [];
  const type = primaryType(schema);
  if (type === 'array') return objectPaths(schema.items, [...path, 0]);
  if (type !== 'object') return [];
  return [path, ...Object.entries(schema.properties ?? {}).flatMap(([name, child]) => objectPaths(child, [...path, name]))];
}

/** A copy of `root` with `value` at `path`, creating the objects and one-element arrays on the way. */
export function withValue(root: unknown, path: readonly (string | number)[], value: unknown, schema?: JsonSchema): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  if (typeof head === 'number') {
    const array = Array.isArray(root) ? [...root] : [exampleOf(schema?.items)];
    array[head] = withValue(array[head], rest, value, schema?.items);
    return array;
  }
  const object = typeof root === 'object' && root !== null && !Array.isArray(root) ? { ...(root as Record<string, unknown>) } : {};
  const child = schema?.properties?.[head!];
  object[head!] = withValue(object[head!] ?? (rest.length > 0 ? exampleOf(child) : undefined), rest, value, child);
  return object;
}

function exampleNumber(schema: JsonSchema, integer: boolean): number {
  let value = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : 1);
  if (schema.maximum !== undefined && value > schema.maximum) value = schema.maximum;
  if (schema.multipleOf) value = Math.ceil(value / schema.multipleOf) * schema.multipleOf;
  return integer ? Math.ceil(value) : value;
}

function exampleString(schema: JsonSchema, name: string): string {
  switch (schema.format) {
    case 'uuid':
      return randomUUID();
    case 'email':
      return `example.${randomUUID().slice(0, 8)}@example.com`;
    case 'date':
      return '2027-01-15';
    case 'date-time':
      return '2027-01-15T10:00:00.000Z';
    case 'uri':
      return 'https://example.com/path';
  }
  const min = schema.minLength ?? 0;
  const max = schema.maxLength ?? Infinity;
  // A URL checked by the handler rather than by a format (webhook endpoints).
  if (/url$/i.test(name) && !schema.pattern && max >= 40) return 'https://erp.example.com/hooks';
  if (schema.pattern) {
    const regex = new RegExp(schema.pattern, 'u');
    for (let extra = 0; extra < 40; extra++) {
      const value = fromPattern(schema.pattern, extra);
      if (regex.test(value) && value.length >= min && value.length <= max) return value;
    }
    throw new Error(`no example for pattern ${schema.pattern} (length ${min}-${max})`);
  }
  return 'x'.repeat(Math.max(1, Math.min(min || 8, max)));
}

// ---- a generator for the simple regular expressions of the schemas --------------------------------------------------

type Node =
  | { kind: 'chars'; options: string[] }
  | { kind: 'group'; alternatives: Node[][] }
  | { kind: 'repeat'; node: Node; min: number; max: number };

/** A string matching `pattern`: each repetition takes its minimum, plus `extra` where it may (to reach a minLength). */
export function fromPattern(pattern: string, extra = 0): string {
  const parser = new PatternParser(pattern);
  const sequence = parser.sequence();
  return render(sequence, extra);
}

function render(sequence: Node[], extra: number): string {
  return sequence.map((node) => renderNode(node, extra)).join('');
}

function renderNode(node: Node, extra: number): string {
  switch (node.kind) {
    case 'chars':
      return node.options[Math.floor(Math.random() * node.options.length)]!;
    case 'group':
      return render(node.alternatives[0]!, extra);
    case 'repeat': {
      const count = Math.min(node.max, node.min + extra);
      return Array.from({ length: count }, () => renderNode(node.node, extra)).join('');
    }
  }
}

class PatternParser {
  private at = 0;
  constructor(private readonly source: string) {}

  sequence(): Node[] {
    const nodes: Node[] = [];
    while (this.at < this.source.length) {
      const c = this.source[this.at]!;
      if (c === '|' || c === ')') break;
      if (c === '^' || c === '$') {
        this.at++;
        continue;
      }
      let node = this.atom();
      node = this.quantified(node);
      nodes.push(node);
    }
    return nodes;
  }

  private alternatives(): Node[][] {
    const alternatives = [this.sequence()];
    while (this.source[this.at] === '|') {
      this.at++;
      alternatives.push(this.sequence());
    }
    return alternatives;
  }

  private atom(): Node {
    const c = this.source[this.at++]!;
    if (c === '(') {
      if (this.source.startsWith('?:', this.at)) this.at += 2;
      const alternatives = this.alternatives();
      this.at++; // ')'
      return { kind: 'group', alternatives };
    }
    if (c === '[') return { kind: 'chars', options: this.charClass() };
    if (c === '\\') {
      const escaped = this.source[this.at++]!;
      return { kind: 'chars', options: escaped === 'd' ? [...'0123456789'] : [escape(escaped)] };
    }
    if (c === '.') return { kind: 'chars', options: ['x'] };
    return { kind: 'chars', options: [c] };
  }

  private quantified(node: Node): Node {
    const c = this.source[this.at];
    if (c === '?') return this.take(1, { kind: 'repeat', node, min: 0, max: 1 });
    if (c === '*') return this.take(1, { kind: 'repeat', node, min: 0, max: 50 });
    if (c === '+') return this.take(1, { kind: 'repeat', node, min: 1, max: 50 });
    if (c === '{') {
      const match = /^\{(\d+)(,(\d*))?\}/.exec(this.source.slice(this.at))!;
      this.at += match[0].length;
      const min = Number(match[1]);
      const max = match[2] === undefined ? min : match[3] ? Number(match[3]) : min + 50;
      return { kind: 'repeat', node, min, max };
    }
    return node;
  }

  private take(length: number, node: Node): Node {
    this.at += length;
    return node;
  }

  /**
   * The characters a class admits (after `[`, up to and including `]`); one is drawn at random each time, so that
   * examples of one pattern differ and unique columns do not turn every example after the first into a conflict.
   */
  private charClass(): string[] {
    const negated = this.source[this.at] === '^';
    if (negated) this.at++;
    const members: string[] = [];
    while (this.source[this.at] !== ']') {
      let c = this.source[this.at++]!;
      if (c === '\\') c = escape(this.source[this.at++]!);
      if (this.source[this.at] === '-' && this.source[this.at + 1] !== ']') {
        this.at++;
        let end = this.source[this.at++]!;
        if (end === '\\') end = escape(this.source[this.at++]!);
        for (let code = c.charCodeAt(0); code <= end.charCodeAt(0); code++) members.push(String.fromCharCode(code));
      } else {
        members.push(c);
      }
    }
    this.at++; // ']'
    if (!negated) return members;
    return [...'aAx0'].filter((candidate) => !members.includes(candidate));
  }
}

function escape(c: string): string {
  switch (c) {
    case 'd':
      return '0';
    case 'w':
      return 'a';
    case 's':
      return ' ';
    case 'S':
      return 'x';
    default:
      return c;
  }
}
