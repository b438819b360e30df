/**
 * The patterns an `outbox.config.json` may hold — path globs (`routerFiles`, `ignore`, …) and the workflow step
 * patterns of `checklist.lintCommands` — matched in time linear in the text.
 *
 * A pull request can change the config, so its patterns are untrusted input. JavaScript's backtracking engine takes
 * exponential or high-polynomial time on some of them (a picomatch glob such as `*a*a*a*a*a*a*a*a*a*b`, or a regular
 * expression such as `(a+)+$`, runs for minutes on a path or a line of a few hundred characters). Here both compile
 * to a Thompson automaton and run as a set of states, so a match costs at most (text length × pattern size) steps,
 * whatever the pattern; path globs also remember the state sets they met (a lazily built DFA), so a path costs one
 * table lookup per character once the matcher is warm. What the engine cannot run in linear time — back-references,
 * look-around — is refused with a `PatternError` that names the construct.
 */

/** A pattern that cannot be compiled: the message says what is wrong and what to write instead. */
export class PatternError extends Error {
  override name = 'PatternError';
}

/** Longest glob or lintCommands pattern accepted (characters). */
export const MAX_PATTERN_LENGTH = 1000;
/** Most automaton states a pattern may compile to (nested counted repetitions multiply; `(x{100}){100}` is refused). */
const MAX_PROGRAM = 20_000;
/** Largest bound of a counted repetition `{n,m}`. */
const MAX_REPEAT = 100;

// ---------------------------------------------------------------------------------------------------------------
// Character sets

/** A set of UTF-16 code units: sorted, non-overlapping inclusive ranges, possibly negated. */
class CharSet {
  constructor(
    readonly ranges: readonly number[],
    readonly negate = false,
  ) {}

  has(c: number): boolean {
    const r = this.ranges;
    let inside = false;
    for (let i = 0; i < r.length; i += 2) {
      if (c < r[i]!) break;
      if (c <= r[i + 1]!) {
        inside = true;
        break;
      }
    }
    return inside !== this.negate;
  }

  static of(...chars: string[]): CharSet {
    return CharSet.ranges(chars.map((ch) => [ch.charCodeAt(0), ch.charCodeAt(0)] as const));
  }

  static ranges(list: readonly (readonly [number, number])[], negate = false): CharSet {
    const sorted = [...list].sort((a, b) => a[0] - b[0]);
    const merged: number[] = [];
    for (const [lo, hi] of sorted) {
      const last = merged.length - 1;
      if (last > 0 && lo <= merged[last]! + 1) merged[last] = Math.max(merged[last]!, hi);
      else merged.push(lo, hi);
    }
    return new CharSet(merged, negate);
  }
}

const range = (from: string, to: string): [number, number] => [from.charCodeAt(0), to.charCodeAt(0)];
const DIGIT: [number, number][] = [range('0', '9')];
const WORD: [number, number][] = [range('0', '9'), range('A', 'Z'), range('_', '_'), range('a', 'z')];
const SPACE: [number, number][] = [
  [0x09, 0x0d],
  [0x20, 0x20],
  [0xa0, 0xa0],
  [0x1680, 0x1680],
  [0x2000, 0x200a],
  [0x2028, 0x2029],
  [0x202f, 0x202f],
  [0x205f, 0x205f],
  [0x3000, 0x3000],
  [0xfeff, 0xfeff],
];
const LINE_TERMINATORS: [number, number][] = [
  [0x0a, 0x0a],
  [0x0d, 0x0d],
  [0x2028, 0x2029],
];
const SLASH = 0x2f;
const ANY = new CharSet([], true);
const NOT_SLASH = new CharSet([SLASH, SLASH], true);
const NOT_LINE_TERMINATOR = CharSet.ranges(LINE_TERMINATORS, true);
const isWordChar = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || c === 95 || (c >= 97 && c <= 122);

/** The complement of a union of ranges, as ranges (for `\D` inside a class, and a negated class minus `/`). */
function complement(list: readonly (readonly [number, number])[]): [number, number][] {
  const merged = CharSet.ranges(list).ranges;
  const out: [number, number][] = [];
  let next = 0;
  for (let i = 0; i < merged.length; i += 2) {
    if (merged[i]! > next) out.push([next, merged[i]! - 1]);
    next = merged[i + 1]! + 1;
  }
  if (next <= 0xffff) out.push([next, 0xffff]);
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// The syntax tree both pattern languages compile to, and the automaton

type Assertion = 'start' | 'end' | 'word' | 'not-word';

type Node =
  | { t: 'empty' }
  | { t: 'char'; set: CharSet }
  | { t: 'seq'; items: Node[] }
  | { t: 'alt'; options: Node[] }
  | { t: 'repeat'; node: Node; min: number; max: number }
  | { t: 'assert'; kind: Assertion };

const EMPTY: Node = { t: 'empty' };
const seq = (items: Node[]): Node => (items.length === 1 ? items[0]! : { t: 'seq', items });
const star = (node: Node): Node => ({ t: 'repeat', node, min: 0, max: Infinity });
const char = (set: CharSet): Node => ({ t: 'char', set });
const literal = (c: number): Node => char(new CharSet([c, c]));

type Instruction =
  | { op: 'char'; set: CharSet; next: number }
  | { op: 'split'; to: number[] }
  | { op: 'assert'; kind: Assertion; next: number }
  | { op: 'match' };

/** Thompson's construction, built from the end: `compile(node, next)` returns the first state of `node`. */
function assemble(root: Node, source: string): Instruction[] {
  const program: Instruction[] = [{ op: 'match' }];
  const push = (instruction: Instruction): number => {
    if (program.length >= MAX_PROGRAM) {
      throw new PatternError(`"${source}" is too complex (over ${MAX_PROGRAM} automaton states); write a shorter pattern or smaller repetition counts`);
    }
    program.push(instruction);
    return program.length - 1;
  };
  const compile = (node: Node, next: number): number => {
    switch (node.t) {
      case 'empty':
        return next;
      case 'char':
        return push({ op: 'char', set: node.set, next });
      case 'assert':
        return push({ op: 'assert', kind: node.kind, next });
      case 'seq': {
        let at = next;
        for (let i = node.items.length - 1; i >= 0; i--) at = compile(node.items[i]!, at);
        return at;
      }
      case 'alt':
        return push({ op: 'split', to: node.options.map((option) => compile(option, next)) });
      case 'repeat': {
        let at: number;
        if (node.max === Infinity) {
          // A loop: the split goes into the body (whose end comes back to the split) or on.
          const loop = push({ op: 'split', to: [] });
          const body = compile(node.node, loop);
          (program[loop] as { to: number[] }).to = [body, next];
          at = loop;
        } else {
          at = next;
          for (let i = node.min; i < node.max; i++) at = push({ op: 'split', to: [compile(node.node, at), next] });
        }
        for (let i = 0; i < node.min; i++) at = compile(node.node, at);
        return at;
      }
    }
  };
  const start = compile(root, 0);
  // State 0 is `match`; the program runs from `start`, kept as the last entry's index for the runner.
  program.push({ op: 'split', to: [start] });
  return program;
}

/**
 * Runs a program as a set of states (no backtracking): each character moves every live state at most once, so the
 * time is linear in the text for a given pattern. `anchored` matches the whole text; otherwise any substring.
 */
class Automaton {
  private readonly start: number;
  private readonly seen: Int32Array;
  private generation = 0;

  constructor(private readonly program: Instruction[]) {
    this.start = program.length - 1;
    this.seen = new Int32Array(program.length);
  }

  /**
   * Adds `pc` and every state reachable from it without reading a character to `into`. Assertions are checked at
   * `pos` of `text`; `text` undefined means "no assertions in this program".
   */
  private close(pcs: Iterable<number>, into: number[], text: string | undefined, pos: number): boolean {
    const stack = [...pcs];
    let matched = false;
    while (stack.length > 0) {
      const pc = stack.pop()!;
      if (this.seen[pc] === this.generation) continue;
      this.seen[pc] = this.generation;
      const instruction = this.program[pc]!;
      switch (instruction.op) {
        case 'match':
          matched = true;
          break;
        case 'char':
          into.push(pc);
          break;
        case 'split':
          for (let i = instruction.to.length - 1; i >= 0; i--) stack.push(instruction.to[i]!);
          break;
        case 'assert':
          if (text !== undefined && holds(instruction.kind, text, pos)) stack.push(instruction.next);
          break;
      }
    }
    return matched;
  }

  private nextGeneration(): void {
    this.generation++;
    if (this.generation === 0x7fffffff) {
      this.seen.fill(0);
      this.generation = 1;
    }
  }

  /** Does the pattern match somewhere in `text` (a regular expression's `test`)? */
  search(text: string): boolean {
    let states: number[] = [];
    this.nextGeneration();
    if (this.close([this.start], states, text, 0)) return true;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      const next: number[] = [];
      const moved: number[] = [];
      for (const pc of states) {
        const instruction = this.program[pc] as { set: CharSet; next: number };
        if (instruction.set.has(c)) moved.push(instruction.next);
      }
      // An unanchored search also starts a new attempt at every position.
      moved.push(this.start);
      this.nextGeneration();
      if (this.close(moved, next, text, i + 1)) return true;
      states = next;
    }
    return false;
  }

  /** The states after reading nothing (assertion-free programs: globs). */
  initial(): { states: number[]; accepts: boolean } {
    const states: number[] = [];
    this.nextGeneration();
    const accepts = this.close([this.start], states, undefined, 0);
    states.sort((a, b) => a - b);
    return { states, accepts };
  }

  /** The states after reading `c` from `states` (assertion-free programs). */
  step(states: readonly number[], c: number): { states: number[]; accepts: boolean } {
    const moved: number[] = [];
    for (const pc of states) {
      const instruction = this.program[pc] as { set: CharSet; next: number };
      if (instruction.set.has(c)) moved.push(instruction.next);
    }
    const next: number[] = [];
    this.nextGeneration();
    const accepts = this.close(moved, next, undefined, 0);
    next.sort((a, b) => a - b);
    return { states: next, accepts };
  }
}

function holds(kind: Assertion, text: string, pos: number): boolean {
  switch (kind) {
    case 'start':
      return pos === 0;
    case 'end':
      return pos === text.length;
    case 'word':
    case 'not-word': {
      const before = pos > 0 && isWordChar(text.charCodeAt(pos - 1));
      const after = pos < text.length && isWordChar(text.charCodeAt(pos));
      return (before !== after) === (kind === 'word');
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Globs

/**
 * Parses a glob into the tree. The syntax is picomatch's (with `dot: true`) for what configs use: `*` (within a
 * folder name), `**` as a whole path segment (any number of folders, none included), `?`, `[abc]` / `[a-z]` /
 * `[!abc]`, `{a,b}` (nestable, may hold `/`) and `\` to escape. Extglobs (`@(a|b)`, `!(x)`, …), POSIX classes and a
 * leading `!` are refused with a message; parentheses and `|` are plain characters.
 */
function parseGlob(glob: string): Node {
  if (glob.length === 0) throw new PatternError('a glob must not be empty');
  if (glob.length > MAX_PATTERN_LENGTH) throw new PatternError(`glob too long (${glob.length} characters, at most ${MAX_PATTERN_LENGTH})`);
  if (glob.startsWith('!')) {
    throw new PatternError(`"${glob}": a leading "!" (negation) is not supported; list the paths to leave out under "ignore"`);
  }
  let pos = 0;

  /** One token list per alternative; a brace group is a nested list of alternatives. */
  type Token = { k: 'node'; node: Node } | { k: 'slash' } | { k: 'globstar' } | { k: 'alt'; options: Token[][] };

  const parseSequence = (inBraces: boolean): Token[] => {
    const tokens: Token[] = [];
    while (pos < glob.length) {
      const ch = glob[pos]!;
      if (inBraces && (ch === ',' || ch === '}')) break;
      if ('@!+*?'.includes(ch) && glob[pos + 1] === '(') {
        throw new PatternError(`"${glob}": extglob "${ch}(" is not supported; use {a,b} for alternatives`);
      }
      if (ch === '\\') {
        if (pos + 1 >= glob.length) throw new PatternError(`"${glob}": ends with a lone backslash`);
        tokens.push({ k: 'node', node: literal(glob.charCodeAt(pos + 1)) });
        pos += 2;
      } else if (ch === '/') {
        tokens.push({ k: 'slash' });
        pos++;
      } else if (ch === '*') {
        let end = pos;
        while (glob[end] === '*') end++;
        const before = pos === 0 ? undefined : glob[pos - 1];
        const after = glob[end];
        const wholeSegment = (before === undefined || '/{,'.includes(before)) && (after === undefined || '/},'.includes(after));
        tokens.push(end - pos >= 2 && wholeSegment ? { k: 'globstar' } : { k: 'node', node: star(char(NOT_SLASH)) });
        pos = end;
      } else if (ch === '?') {
        tokens.push({ k: 'node', node: char(NOT_SLASH) });
        pos++;
      } else if (ch === '[') {
        const parsed = parseGlobClass(glob, pos);
        if (parsed) {
          tokens.push({ k: 'node', node: char(parsed.set) });
          pos = parsed.end;
        } else {
          tokens.push({ k: 'node', node: literal(0x5b) });
          pos++;
        }
      } else if (ch === '{') {
        const group = braceGroup();
        if (group) tokens.push(group);
        else {
          tokens.push({ k: 'node', node: literal(0x7b) });
          pos++;
        }
      } else {
        tokens.push({ k: 'node', node: literal(glob.charCodeAt(pos)) });
        pos++;
      }
    }
    return tokens;
  };

  /** `{a,b,…}` with at least one comma at its level; anything else (`{a}`, an unclosed `{`) is literal text. */
  const braceGroup = (): Token | undefined => {
    const startPos = pos;
    pos++;
    const options: Token[][] = [parseSequence(true)];
    while (glob[pos] === ',') {
      pos++;
      options.push(parseSequence(true));
    }
    if (glob[pos] === '}' && options.length >= 2) {
      pos++;
      return { k: 'alt', options };
    }
    const body = glob.slice(startPos + 1, glob.indexOf('}', startPos) < 0 ? undefined : glob.indexOf('}', startPos));
    if (glob[pos] === '}' && /^-?\d+\.\.-?\d+/.test(body)) {
      throw new PatternError(`"${glob}": numeric ranges in braces ({1..3}) are not supported; list the values ({1,2,3})`);
    }
    pos = startPos;
    return undefined;
  };

  /** Lowers tokens to the tree; `**` becomes "any folders" or "anything" by what surrounds it. */
  const lower = (tokens: Token[]): Node => {
    const items: Node[] = [];
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i]!;
      if (token.k === 'node') items.push(token.node);
      else if (token.k === 'slash') items.push(literal(SLASH));
      else if (token.k === 'alt') items.push({ t: 'alt', options: token.options.map(lower) });
      else if (tokens[i + 1]?.k === 'slash') {
        // `**/`: zero or more whole folders.
        items.push(star(seq([star(char(NOT_SLASH)), literal(SLASH)])));
        i++;
      } else if (i === tokens.length - 1 && tokens[i - 1]?.k === 'slash') {
        // `dir/**` at the end: the folder itself, or anything below it.
        items.pop();
        items.push({ t: 'repeat', node: seq([literal(SLASH), star(char(ANY))]), min: 0, max: 1 });
      } else {
        items.push(star(char(ANY)));
      }
    }
    return items.length === 0 ? EMPTY : seq(items);
  };

  const tokens = parseSequence(false);
  if (pos !== glob.length) throw new PatternError(`"${glob}": unexpected "${glob[pos]}" at character ${pos + 1}`);
  return lower(tokens);
}

/** `[...]` at `start` in a glob: the set (never `/`) and where it ends, or undefined when there is no closing `]`. */
function parseGlobClass(glob: string, start: number): { set: CharSet; end: number } | undefined {
  let pos = start + 1;
  const negate = glob[pos] === '!' || glob[pos] === '^';
  if (negate) pos++;
  const list: [number, number][] = [];
  let first = true;
  while (pos < glob.length && (glob[pos] !== ']' || first)) {
    if (glob[pos] === '[' && glob[pos + 1] === ':') {
      throw new PatternError(`"${glob}": POSIX character classes ([[:alpha:]]) are not supported; write the range ([a-zA-Z])`);
    }
    let lo = glob.charCodeAt(pos);
    if (glob[pos] === '\\' && pos + 1 < glob.length) lo = glob.charCodeAt(++pos);
    pos++;
    let hi = lo;
    if (glob[pos] === '-' && pos + 1 < glob.length && glob[pos + 1] !== ']') {
      pos++;
      hi = glob.charCodeAt(pos);
      if (glob[pos] === '\\' && pos + 1 < glob.length) hi = glob.charCodeAt(++pos);
      pos++;
      if (hi < lo) throw new PatternError(`"${glob}": range out of order in [${glob.slice(start + 1, pos)}]`);
    }
    list.push([lo, hi]);
    first = false;
  }
  if (glob[pos] !== ']') return undefined;
  // A class never matches the folder separator, as in picomatch.
  const set = negate ? CharSet.ranges(complement([...list, [SLASH, SLASH]])) : CharSet.ranges(list.filter(([lo, hi]) => !(lo === SLASH && hi === SLASH)));
  return { set, end: pos + 1 };
}

/** Above this many remembered state sets, a path matcher forgets them all and starts again (memory stays bounded). */
const MAX_DFA_STATES = 2000;

interface DfaState {
  readonly states: number[];
  readonly accepts: boolean;
  /** Transitions met so far: ASCII by index, the rest by code. */
  ascii: (DfaState | undefined)[];
  other?: Map<number, DfaState>;
}

/** A compiled set of globs: `match(path)` is true when any glob matches the whole path (`/`-separated). */
export interface GlobMatcher {
  (path: string): boolean;
  readonly globs: readonly string[];
}

/**
 * Compiles globs into one matcher. Throws PatternError (naming the glob) for a glob it does not accept. The
 * matcher's cost per path is linear in the path's length; the empty list matches nothing.
 */
export function compileGlobs(globs: readonly string[]): GlobMatcher {
  if (globs.length === 0) return Object.assign(() => false, { globs: [] as string[] });
  const options = globs.map((glob) => {
    try {
      return parseGlob(glob);
    } catch (error) {
      if (error instanceof PatternError && !error.message.includes(`"${glob}"`)) throw new PatternError(`"${glob}": ${error.message}`);
      throw error;
    }
  });
  const automaton = new Automaton(assemble(options.length === 1 ? options[0]! : { t: 'alt', options }, globs.join(', ')));
  const known = new Map<string, DfaState>();
  const keyOf = (found: { states: number[]; accepts: boolean }): string => found.states.join(',') + (found.accepts ? '!' : '');
  const initial = automaton.initial();
  const start: DfaState = { ...initial, ascii: [] };
  known.set(keyOf(initial), start);
  const intern = (found: { states: number[]; accepts: boolean }): DfaState => {
    const key = keyOf(found);
    let state = known.get(key);
    if (!state) {
      if (known.size >= MAX_DFA_STATES) {
        // Forget every remembered transition (so the old states can be collected) and keep only the start.
        for (const old of known.values()) {
          old.ascii = [];
          delete old.other;
        }
        known.clear();
        known.set(keyOf(start), start);
      }
      state = { states: found.states, accepts: found.accepts, ascii: [] };
      known.set(key, state);
    }
    return state;
  };
  const match = (path: string): boolean => {
    let state = start;
    for (let i = 0; i < path.length; i++) {
      if (state.states.length === 0) return false;
      const c = path.charCodeAt(i);
      let next = c < 128 ? state.ascii[c] : state.other?.get(c);
      if (!next) {
        next = intern(automaton.step(state.states, c));
        if (c < 128) state.ascii[c] = next;
        else (state.other ??= new Map()).set(c, next);
      }
      state = next;
    }
    return state.accepts;
  };
  return Object.assign(match, { globs: [...globs] });
}

/** Checks one glob; returns the problem in words, or undefined when it compiles. */
export function globProblem(glob: string): string | undefined {
  try {
    parseGlob(glob);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Workflow step patterns (checklist.lintCommands): regular expressions without back-references or look-around

/** A compiled lintCommands pattern: `test(text)` says whether it matches anywhere in `text`, like RegExp#test. */
export interface CommandPattern {
  readonly source: string;
  test(text: string): boolean;
}

/**
 * Compiles a regular expression in JavaScript's syntax (no flags) to a linear-time matcher. Supported: literals and
 * escapes, `.`, classes (`[a-z]`, `[^…]`, `\d \w \s` and their negations), groups `(…)` / `(?:…)` / `(?<name>…)`,
 * `|`, `* + ? {n} {n,} {n,m}` (lazy or not: only whether it matches counts), `^ $ \b \B`. Refused, with the reason:
 * back-references, look-ahead and look-behind (they need backtracking), and flags or Unicode property escapes.
 */
export function compileCommandPattern(source: string): CommandPattern {
  if (source.length > MAX_PATTERN_LENGTH) throw new PatternError(`pattern too long (${source.length} characters, at most ${MAX_PATTERN_LENGTH})`);
  const automaton = new Automaton(assemble(new RegexParser(source).parse(), source));
  return { source, test: (text: string) => automaton.search(text) };
}

class RegexParser {
  private pos = 0;

  constructor(private readonly source: string) {}

  private fail(message: string): never {
    throw new PatternError(`/${this.source}/: ${message} (at character ${this.pos + 1})`);
  }

  parse(): Node {
    const node = this.alternation();
    if (this.pos < this.source.length) this.fail(this.source[this.pos] === ')' ? 'unmatched ")"' : `unexpected "${this.source[this.pos]}"`);
    return node;
  }

  private alternation(): Node {
    const options = [this.sequence()];
    while (this.source[this.pos] === '|') {
      this.pos++;
      options.push(this.sequence());
    }
    return options.length === 1 ? options[0]! : { t: 'alt', options };
  }

  private sequence(): Node {
    const items: Node[] = [];
    while (this.pos < this.source.length && this.source[this.pos] !== '|' && this.source[this.pos] !== ')') {
      const atom = this.atom();
      items.push(this.quantified(atom));
    }
    return items.length === 0 ? EMPTY : seq(items);
  }

  private quantified(atom: Node): Node {
    const ch = this.source[this.pos];
    let min: number;
    let max: number;
    if (ch === '*') [min, max] = [0, Infinity];
    else if (ch === '+') [min, max] = [1, Infinity];
    else if (ch === '?') [min, max] = [0, 1];
    else if (ch === '{') {
      const counted = /^\{(\d+)(,(\d*))?\}/.exec(this.source.slice(this.pos));
      if (!counted) return atom; // a `{` that is not a count is a literal, as in JavaScript without the u flag
      min = Number(counted[1]);
      max = counted[2] === undefined ? min : counted[3] === '' ? Infinity : Number(counted[3]);
      if (min > MAX_REPEAT || (max !== Infinity && max > MAX_REPEAT)) this.fail(`repetition counts above ${MAX_REPEAT} are not supported`);
      if (max < min) this.fail('numbers out of order in {} quantifier');
      this.pos += counted[0].length - 1;
    } else return atom;
    if (atom.t === 'assert') this.fail('nothing to repeat');
    this.pos++;
    if (this.source[this.pos] === '?') this.pos++; // lazy: the same set of matches
    const next = this.source[this.pos];
    if (next === '*' || next === '+' || next === '?' || (next === '{' && /^\{\d+(,\d*)?\}/.test(this.source.slice(this.pos)))) this.fail('nothing to repeat');
    return { t: 'repeat', node: atom, min, max };
  }

  private atom(): Node {
    const ch = this.source[this.pos]!;
    switch (ch) {
      case '(':
        return this.group();
      case '[':
        return char(this.characterClass());
      case '.':
        this.pos++;
        return char(NOT_LINE_TERMINATOR);
      case '^':
        this.pos++;
        return { t: 'assert', kind: 'start' };
      case '$':
        this.pos++;
        return { t: 'assert', kind: 'end' };
      case '\\':
        return this.escape();
      default:
        if ('*+?'.includes(ch) || (ch === '{' && /^\{\d+(,\d*)?\}/.test(this.source.slice(this.pos)))) this.fail('nothing to repeat');
        this.pos++;
        return literal(ch.charCodeAt(0));
    }
  }

  private group(): Node {
    this.pos++;
    if (this.source[this.pos] === '?') {
      const rest = this.source.slice(this.pos);
      if (rest.startsWith('?:')) this.pos += 2;
      else if (rest.startsWith('?=') || rest.startsWith('?!')) this.fail('look-ahead is not supported (it needs backtracking); match the text itself');
      else if (rest.startsWith('?<=') || rest.startsWith('?<!')) this.fail('look-behind is not supported (it needs backtracking); match the text itself');
      else {
        const named = /^\?<([A-Za-z_$][\w$]*)>/.exec(rest);
        if (!named) this.fail('unsupported group syntax');
        this.pos += named[0].length;
      }
    }
    const inner = this.alternation();
    if (this.source[this.pos] !== ')') this.fail('unterminated group');
    this.pos++;
    return inner;
  }

  /** An escape outside a class: a set, an assertion or a literal. */
  private escape(): Node {
    const next = this.source[this.pos + 1];
    if (next === 'b' || next === 'B') {
      this.pos += 2;
      return { t: 'assert', kind: next === 'b' ? 'word' : 'not-word' };
    }
    if (next !== undefined && /[1-9]/.test(next)) this.fail('back-references are not supported (they need backtracking)');
    if (next === 'k' && this.source[this.pos + 2] === '<') this.fail('named back-references are not supported (they need backtracking)');
    return char(this.escapeSet(false));
  }

  /** `\x` at the current position, as a set (inside a class, `\b` is a backspace). */
  private escapeSet(inClass: boolean): CharSet {
    const next = this.source[this.pos + 1];
    if (next === undefined) this.fail('\\ at end of pattern');
    this.pos += 2;
    switch (next) {
      case 'd':
        return CharSet.ranges(DIGIT);
      case 'D':
        return CharSet.ranges(DIGIT, true);
      case 'w':
        return CharSet.ranges(WORD);
      case 'W':
        return CharSet.ranges(WORD, true);
      case 's':
        return CharSet.ranges(SPACE);
      case 'S':
        return CharSet.ranges(SPACE, true);
      case 'n':
        return CharSet.of('\n');
      case 'r':
        return CharSet.of('\r');
      case 't':
        return CharSet.of('\t');
      case 'v':
        return CharSet.of('\v');
      case 'f':
        return CharSet.of('\f');
      case '0':
        return CharSet.of('\0');
      case 'b':
        if (inClass) return CharSet.of('\b');
        break;
      case 'x': {
        const hex = /^[0-9a-fA-F]{2}/.exec(this.source.slice(this.pos));
        if (!hex) this.fail('\\x needs two hexadecimal digits');
        this.pos += 2;
        const c = parseInt(hex[0], 16);
        return new CharSet([c, c]);
      }
      case 'u': {
        const hex = /^[0-9a-fA-F]{4}/.exec(this.source.slice(this.pos));
        if (!hex) this.fail('\\u needs four hexadecimal digits (\\u{…} needs the u flag, which config patterns do not take)');
        this.pos += 4;
        const c = parseInt(hex[0], 16);
        return new CharSet([c, c]);
      }
    }
    if (/[A-Za-z0-9]/.test(next)) {
      this.pos -= 2;
      this.fail(`unsupported escape \\${next}`);
    }
    return new CharSet([next.charCodeAt(0), next.charCodeAt(0)]);
  }

  private characterClass(): CharSet {
    this.pos++;
    const negate = this.source[this.pos] === '^';
    if (negate) this.pos++;
    const list: [number, number][] = [];
    /** One class member: a single code unit, or a set (\d, \w, \s and their negations) that cannot start a range. */
    const member = (): number | CharSet => {
      if (this.source[this.pos] === '\\') {
        const set = this.escapeSet(true);
        return set.negate || set.ranges.length !== 2 || set.ranges[0] !== set.ranges[1] ? set : set.ranges[0]!;
      }
      return this.source.charCodeAt(this.pos++);
    };
    const add = (m: number | CharSet) => {
      if (typeof m === 'number') list.push([m, m]);
      else if (m.negate) list.push(...complement(pairs(m.ranges)));
      else list.push(...pairs(m.ranges));
    };
    while (this.pos < this.source.length && this.source[this.pos] !== ']') {
      const lo = member();
      if (this.source[this.pos] === '-' && this.pos + 1 < this.source.length && this.source[this.pos + 1] !== ']') {
        this.pos++;
        const hi = member();
        if (typeof lo !== 'number' || typeof hi !== 'number') {
          add(lo);
          list.push([0x2d, 0x2d]);
          add(hi);
          continue;
        }
        if (hi < lo) this.fail('range out of order in character class');
        list.push([lo, hi]);
      } else add(lo);
    }
    if (this.source[this.pos] !== ']') this.fail('unterminated character class');
    this.pos++;
    return CharSet.ranges(list, negate);
  }
}

function pairs(ranges: readonly number[]): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < ranges.length; i += 2) out.push([ranges[i]!, ranges[i + 1]!]);
  return out;
}
