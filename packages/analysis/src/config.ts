import { closeSync, fstatSync, openSync, readSync, realpathSync, constants as fsConstants } from 'node:fs';
import nodePath from 'node:path';
import type { ChecklistSettings } from './checklist/settings.js';
import { CHECK_IDS, CHECKLIST_PROFILES } from './checklist/profiles.js';
import { compileCommandPattern, globProblem, PatternError } from './patterns.js';
import { PRESET_NAMES } from './presets/index.js';

/**
 * `outbox.config.json`: the settings shared by the audit, the ESLint plugin and the codemods. It is JSON and is only
 * ever parsed, never executed, so auditing an untrusted pull request cannot run its code.
 */
export const CONFIG_FILE_NAME = 'outbox.config.json';

type JsonSchema =
  | { type: 'string'; description?: string; minLength?: number; maxLength?: number; enum?: readonly string[] }
  | { anyOf: readonly JsonSchema[]; description?: string }
  | { type: 'boolean'; description?: string }
  | { type: 'array'; items: JsonSchema; description?: string; maxItems?: number }
  | { type: 'object'; properties: Record<string, JsonSchema>; additionalProperties: false; required?: readonly string[]; description?: string };

/** Bounds on what a config may hold: a pull request can change it, and the audit must stay quick whatever it says. */
export const CONFIG_LIMITS = { fileBytes: 1024 * 1024, items: 1000, stringLength: 1000 } as const;

const stringList = {
  type: 'array',
  items: { type: 'string', minLength: 1, maxLength: CONFIG_LIMITS.stringLength },
  maxItems: CONFIG_LIMITS.items,
} as const;

/** A list: given as an array it replaces the default; `{ "add": [...], "remove": [...] }` changes the default instead. */
const strings = (description: string): JsonSchema => ({
  description,
  anyOf: [
    stringList,
    { type: 'object', additionalProperties: false, properties: { add: stringList, remove: stringList } },
  ],
});

/** The published JSON schema of outbox.config.json (written to schema/outbox.config.schema.json by a test). */
export const CONFIG_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://github.com/outbox-toolkit/outbox-toolkit/blob/main/packages/analysis/schema/outbox.config.schema.json',
  title: 'outbox.config.json',
  description: 'Settings of the outbox toolkit (eslint-plugin-outbox, outbox-audit, outbox-codemod). Every key is optional; absent keys keep their defaults; an array replaces the default list, { "add": [...], "remove": [...] } changes it.',
  type: 'object',
  additionalProperties: false,
  properties: {
    $schema: { type: 'string', description: 'Path or URL of this schema, for editors.' },
    presets: {
      type: 'array',
      items: { type: 'string', enum: PRESET_NAMES },
      description: 'Stacks the code is written on (outbox-audit init detects them): their DB handles, verbs, transactions and routes are added to the keys below.',
    },
    routerFiles: strings('Globs of router / controller files (relative to the audited root). Syntax: * ** ? [a-z] [!a] {a,b} and \\ to escape; no extglobs or leading !.'),
    serviceFiles: strings('Globs of service files.'),
    testFiles: strings('Globs of test files: read, but never a router or a service.'),
    ignore: strings('Globs never read.'),
    unanalysable: {
      type: 'array',
      maxItems: CONFIG_LIMITS.items,
      description:
        'Files (or folders) the audit may not be able to analyse — binary, not UTF-8, too large, unreadable, a link out of the root, too deeply nested — each named exactly, with the reason it is accepted. Any other router or service file (or file the audit would parse) that cannot be analysed fails the gate.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['path', 'reason'],
        properties: {
          path: { type: 'string', minLength: 1, maxLength: CONFIG_LIMITS.stringLength, description: 'Path relative to the audited root, with /, exactly as the audit reports it.' },
          reason: { type: 'string', minLength: 1, maxLength: CONFIG_LIMITS.stringLength, description: 'Why it is accepted (shown in the report).' },
        },
      },
    },
    dbHandles: strings('Last names of expressions that are a DB handle (db, session).'),
    routerCalls: strings('Handle methods forbidden in routers.'),
    strictRouterCalls: strings('Handle methods also forbidden in routers by the strict configuration.'),
    executeCalls: strings('Handle methods whose first argument is SQL.'),
    commitCalls: strings('Handle methods that commit.'),
    writeStatements: strings('SQL keywords that make a statement a write.'),
    dbWriteCalls: strings("Methods that write on any preset's handle or model instance, beside the preset's own verbs (a team's own saveWithCtx)."),
    dbReadCalls: strings("Methods that read on any preset's handle, beside the preset's own verbs."),
    repositoryNames: strings('Name patterns of the codebase\'s own repositories and stores (*Store): with a data preset on, their create…/update…/delete… methods write.'),
    unresolvedSqlIsWrite: { type: 'boolean', description: 'Whether SQL the analysis cannot resolve counts as a write.' },
    routeMethods: strings('Router methods that declare a route (app.post(...)).'),
    dualWrite: {
      type: 'object',
      additionalProperties: false,
      properties: {
        receivers: strings('A receiver whose last name contains one of these is an event bus, a queue or a broker.'),
        calls: strings('Its methods that publish (outside the transaction: a dual write).'),
      },
    },
    outbox: {
      type: 'object',
      additionalProperties: false,
      properties: {
        names: strings('A constructor parameter or property whose name or type contains one of these holds an outbox repository.'),
        eventCalls: strings('Outbox methods that add an event.'),
      },
    },
    idempotency: {
      type: 'object',
      additionalProperties: false,
      properties: {
        keyParams: strings('Parameter names that carry the idempotency key.'),
        redisKeyPrefix: { type: 'string', description: 'Prefix of the Redis key of the legacy check.' },
        redisCalls: strings('Redis methods that read the key.'),
        storeNames: strings('A receiver whose name contains one of these is an idempotency store.'),
        storeCalls: strings('Store methods that claim or check a key.'),
      },
    },
    checklist: {
      type: 'object',
      additionalProperties: false,
      properties: {
        profile: {
          type: 'string',
          enum: Object.keys(CHECKLIST_PROFILES),
          description: 'Which checks run: "default" (the generic checks) or "seed" (the seed report\'s 12 items).',
        },
        disable: {
          type: 'array',
          items: { type: 'string', enum: CHECK_IDS },
          description: 'Check ids turned off (each check has a doc page under packages/audit-cli/docs/checks/).',
        },
        aiBaseClasses: strings('Abstract base class(es) of the AI orchestration layer.'),
        aiFactoryFunctions: strings('Factory function(s) of the orchestrator.'),
        matchingEngineClass: { type: 'string', minLength: 1 },
        riskEngineClass: { type: 'string', minLength: 1 },
        aiInjectionNames: strings('Parameter / property names that count as an injected orchestrator.'),
        websocketManagerClass: { type: 'string', minLength: 1 },
        websocketManagerMethods: strings('Methods the WebSocket manager must have.'),
        webhookManagerClass: { type: 'string', minLength: 1 },
        webhookManagerMethods: strings('Methods the webhook manager must have.'),
        testFiles: strings('Globs of test files (imports there do not count as wiring).'),
        workflowsDir: { type: 'string', minLength: 1, maxLength: CONFIG_LIMITS.stringLength, description: 'Folder of the workflows, relative to the audited root and inside it.' },
        lintCommands: strings(
          'Regular expressions (JavaScript syntax, no back-references or look-around; matched in linear time) matching the run script of a workflow step that checks the architecture.',
        ),
      },
    },
  },
} as const satisfies { type: 'object'; properties: Record<string, JsonSchema>; additionalProperties: false } & Record<string, unknown>;

/** Keys whose strings are patterns, by their dotted path: globs, and the lintCommands regular expressions. */
const LIST_PATTERN_KEYS = [['routerFiles'], ['serviceFiles'], ['testFiles'], ['ignore'], ['repositoryNames'], ['checklist', 'testFiles'], ['checklist', 'lintCommands']] as const;

/** The strings of a list as written: an array, or `{ add, remove }` (only what is added is compiled). */
function listEntries(listed: unknown, key: string): { entry: string; key: string }[] {
  if (Array.isArray(listed)) return listed.map((entry: string, i) => ({ entry, key: `${key}[${i}]` }));
  const add = (listed as { add?: string[] } | undefined)?.add ?? [];
  return add.map((entry, i) => ({ entry, key: `${key}.add[${i}]` }));
}

export interface ConfigProblem {
  /** Dotted key path, e.g. `outbox.eventCalls[1]`; empty for the whole file. */
  key: string;
  message: string;
}

/** A config file that cannot be used: names the file, the key and the problem. */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: ConfigProblem[],
  ) {
    super(problems.map((p) => `${file}: ${p.key ? `${p.key}: ` : ''}${p.message}`).join('\n'));
    this.name = 'ConfigError';
  }
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

function check(value: unknown, schema: JsonSchema, key: string, problems: ConfigProblem[]): void {
  if ('anyOf' in schema) {
    // A list: an array, or { add, remove }. Report against the form the value has.
    const form = schema.anyOf.find((alternative) => 'type' in alternative && (alternative.type === 'array') === Array.isArray(value));
    if (form && (Array.isArray(value) || (typeof value === 'object' && value !== null))) check(value, form, key, problems);
    else problems.push({ key, message: `must be a list of strings, or { "add": [...], "remove": [...] }, got ${describe(value)}` });
    return;
  }
  switch (schema.type) {
    case 'string':
      if (typeof value !== 'string') problems.push({ key, message: `must be a string, got ${describe(value)}` });
      else if (schema.minLength && value.length < schema.minLength) problems.push({ key, message: 'must not be empty' });
      else if (schema.maxLength !== undefined && value.length > schema.maxLength) problems.push({ key, message: `too long (${value.length} characters, at most ${schema.maxLength})` });
      else if (schema.enum && !schema.enum.includes(value)) {
        const lower = value.toLowerCase();
        // A near miss, or the start of a longer id (`pr-lint-workflow` for `pr-lint-workflow-exists`).
        const close = schema.enum.filter((c) => distance(c.toLowerCase(), lower) <= 2 || (lower.length >= 4 && c.toLowerCase().startsWith(lower)));
        problems.push({ key, message: `unknown value ${JSON.stringify(value)}${close.length ? ` (did you mean ${close.map((c) => `"${c}"`).join(' or ')}?)` : ''}; one of: ${schema.enum.join(', ')}` });
      }
      return;
    case 'boolean':
      if (typeof value !== 'boolean') problems.push({ key, message: `must be true or false, got ${describe(value)}` });
      return;
    case 'array':
      if (!Array.isArray(value)) {
        problems.push({ key, message: `must be an array, got ${describe(value)}` });
        return;
      }
      if (schema.maxItems !== undefined && value.length > schema.maxItems) {
        problems.push({ key, message: `too many entries (${value.length}, at most ${schema.maxItems})` });
        return;
      }
      value.forEach((item, i) => check(item, schema.items, `${key}[${i}]`, problems));
      return;
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        problems.push({ key, message: `must be an object, got ${describe(value)}` });
        return;
      }
      const known = Object.keys(schema.properties);
      for (const required of schema.required ?? []) {
        if (!(required in value)) problems.push({ key, message: `needs "${required}"` });
      }
      for (const [k, v] of Object.entries(value)) {
        const path = key ? `${key}.${k}` : k;
        const sub = schema.properties[k];
        if (!sub) {
          const close = known.filter((c) => distance(c.toLowerCase(), k.toLowerCase()) <= 2);
          problems.push({ key: path, message: `unknown key${close.length ? ` (did you mean ${close.map((c) => `"${c}"`).join(' or ')}?)` : ''}` });
        } else {
          check(v, sub, path, problems);
        }
      }
      return;
    }
  }
}

/**
 * A path a config names (a folder to read, a file to accept): relative to the audited root, and inside it. The
 * config comes with the code it configures, so `../..` or `/etc` would let a pull request point the audit anywhere.
 */
export function relativePathProblem(value: string): string | undefined {
  if (value.includes('\0')) return 'must not contain a NUL character';
  if (nodePath.posix.isAbsolute(value) || nodePath.win32.isAbsolute(value)) return `must be relative to the audited root, got the absolute path "${value}"`;
  if (value.split(/[\\/]/).includes('..')) return `must stay inside the audited root (no ".." segment), got "${value}"`;
  return undefined;
}

/** Checks a parsed config object against CONFIG_SCHEMA, then the patterns and paths in it; empty means valid. */
export function validateConfig(value: unknown): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  check(value, CONFIG_SCHEMA as unknown as JsonSchema, '', problems);
  if (problems.length > 0) return problems;
  const config = value as Record<string, unknown> & { checklist?: Record<string, unknown>; unanalysable?: { path: string }[] };
  for (const keyPath of LIST_PATTERN_KEYS) {
    const listed = keyPath.reduce<unknown>((node, k) => (node as Record<string, unknown> | undefined)?.[k], config);
    for (const { entry, key } of listEntries(listed, keyPath.join('.'))) {
      const isGlob = keyPath[keyPath.length - 1] !== 'lintCommands';
      if (isGlob) {
        const problem = globProblem(entry);
        if (problem) problems.push({ key, message: `not a usable glob: ${problem}` });
        continue;
      }
      try {
        compileCommandPattern(entry);
      } catch (error) {
        const reason = error instanceof PatternError ? error.message : String(error);
        problems.push({ key, message: `not a usable regular expression: ${reason}` });
      }
    }
  }
  const workflowsDir = config.checklist?.workflowsDir as string | undefined;
  const dirProblem = workflowsDir === undefined ? undefined : relativePathProblem(workflowsDir);
  if (dirProblem) problems.push({ key: 'checklist.workflowsDir', message: dirProblem });
  (config.unanalysable ?? []).forEach((entry, i) => {
    const problem = relativePathProblem(entry.path);
    if (problem) problems.push({ key: `unanalysable[${i}].path`, message: problem });
  });
  return problems;
}

/** The config file's content as written (every key optional). */
export type OutboxConfigFile = Record<string, unknown> & { checklist?: Partial<ChecklistSettings> };

export interface ReadConfigOptions {
  /**
   * The audited root: the file must be inside it once links are resolved (a config a pull request turned into a link
   * to `/etc/passwd` is not read, and its text never reaches an error message).
   */
  root?: string;
}

/** Reads and validates a config file. Throws ConfigError (file, key, problem) for anything unusable. */
export function readConfigFile(file: string, options: ReadConfigOptions = {}): OutboxConfigFile {
  let text: string;
  try {
    if (options.root !== undefined) {
      const root = realpathSync(options.root);
      const real = realpathSync(file);
      const relative = nodePath.relative(root, real);
      if (relative.startsWith('..') || nodePath.isAbsolute(relative)) {
        throw new ConfigError(file, [{ key: '', message: 'is a symbolic link to a file outside the audited root; not read' }]);
      }
    }
    text = readBounded(file, CONFIG_LIMITS.fileBytes);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(file, [{ key: '', message: `cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` }]);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(file, [{ key: '', message: `not valid JSON: ${(error as Error).message}` }]);
  }
  const problems = validateConfig(parsed);
  if (problems.length > 0) throw new ConfigError(file, problems);
  const { $schema: _schema, ...config } = parsed as OutboxConfigFile;
  return config;
}

/** Reads a UTF-8 text file of at most `limit` bytes (a larger one is an error, not a long wait). */
function readBounded(file: string, limit: number): string {
  const fd = openSync(file, fsConstants.O_RDONLY | (fsConstants.O_NONBLOCK ?? 0));
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) throw new Error('not a regular file');
    if (info.size > limit) throw new Error(`too large (${info.size} bytes, at most ${limit})`);
    const buffer = Buffer.alloc(Math.min(info.size, limit) + 1);
    let length = 0;
    for (;;) {
      const read = readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
      if (length > limit) throw new Error(`too large (over ${limit} bytes)`);
      if (length === buffer.length) break;
    }
    return buffer.subarray(0, length).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
