import MarkdownIt from 'markdown-it';

/** A command GitHub's runner would act on. */
export interface RunnerCommand {
  command: string;
  properties: Record<string, string>;
  data: string;
  line: string;
}

/** The commands the runner registers (every command extension, plus stop-commands). */
const REGISTERED = new Set(['set-env', 'set-output', 'save-state', 'add-mask', 'add-path', 'add-matcher', 'remove-matcher', 'debug', 'warning', 'error', 'notice', 'group', 'endgroup', 'echo', 'stop-commands']);

const unescapeData = (s: string) => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
const unescapeProperty = (s: string) => unescapeData(s).replace(/%3A/g, ':').replace(/%2C/g, ',');

/**
 * Reads output the way GitHub's runner does (actions/runner, ActionCommandManager.TryProcessCommand): line by line
 * (LF, CR or CRLF), each line first as a `::command props::data` command when it starts with `::` after leading
 * white space, then as a legacy `##[command props]data` command when it holds `##[` anywhere; `stop-commands` pauses
 * everything until its token. Returns every command the runner would act on.
 */
export function runnerCommands(output: string): RunnerCommand[] {
  const found: RunnerCommand[] = [];
  let stopToken: string | undefined;
  for (const line of output.split(/\r\n|\n|\r/)) {
    const parsed = parseV2(line) ?? parseV1(line);
    if (!parsed) continue;
    if (stopToken !== undefined) {
      if (parsed.command.toLowerCase() === stopToken.toLowerCase()) stopToken = undefined;
      continue;
    }
    if (parsed.command === 'stop-commands') stopToken = parsed.data;
    found.push(parsed);
  }
  return found;
}

function parseV2(raw: string): RunnerCommand | undefined {
  const line = raw.replace(/^[\s\u0085]+/, '');
  if (!line.startsWith('::')) return undefined;
  const end = line.indexOf('::', 2);
  if (end < 0) return undefined;
  const info = line.slice(2, end);
  const space = info.indexOf(' ');
  const command = space < 0 ? info : info.slice(0, space);
  if (!REGISTERED.has(command)) return undefined;
  const properties: Record<string, string> = {};
  if (space > 0) {
    for (const pair of info.slice(space + 1).trim().split(',').filter(Boolean)) {
      const eq = pair.indexOf('=');
      if (eq > 0 && eq < pair.length - 1) properties[pair.slice(0, eq)] = unescapeProperty(pair.slice(eq + 1));
    }
  }
  return { command, properties, data: unescapeData(line.slice(end + 2)), line: raw };
}

function parseV1(line: string): RunnerCommand | undefined {
  const prefix = line.indexOf('##[');
  if (prefix < 0) return undefined;
  const close = line.indexOf(']', prefix);
  if (close < 0) return undefined;
  const info = line.slice(prefix + 3, close);
  const space = info.indexOf(' ');
  const command = space < 0 ? info : info.slice(0, space);
  if (!REGISTERED.has(command)) return undefined;
  return { command, properties: {}, data: line.slice(close + 1), line };
}

const markdown = new MarkdownIt({ html: true, linkify: true });

export interface RenderedMarkdown {
  html: string;
  /** Every heading: level and text. */
  headings: { level: number; text: string }[];
  /** Raw HTML blocks and inline HTML the renderer passed through. */
  html_tokens: string[];
  /** Each table: the number of cells of every row (header first). */
  tables: number[][];
  /** Images and links. */
  images: string[];
  links: string[];
}

/** Renders Markdown as a CommonMark renderer with GFM tables does, and lists what the page would show. */
export function renderMarkdown(text: string): RenderedMarkdown {
  const tokens = markdown.parse(text, {});
  const out: RenderedMarkdown = { html: markdown.renderer.render(tokens, markdown.options, {}), headings: [], html_tokens: [], tables: [], images: [], links: [] };
  let table: number[] | undefined;
  let cells = 0;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.type === 'heading_open') out.headings.push({ level: Number(token.tag.slice(1)), text: tokens[i + 1]!.content });
    if (token.type === 'html_block') out.html_tokens.push(token.content);
    if (token.type === 'table_open') out.tables.push((table = []));
    if (token.type === 'tr_open') cells = 0;
    if (token.type === 'th_open' || token.type === 'td_open') cells++;
    if (token.type === 'tr_close') table?.push(cells);
    for (const child of token.children ?? []) {
      if (child.type === 'html_inline') out.html_tokens.push(child.content);
      if (child.type === 'image') out.images.push(child.attrGet('src') ?? '');
      if (child.type === 'link_open') out.links.push(child.attrGet('href') ?? '');
    }
  }
  return out;
}
