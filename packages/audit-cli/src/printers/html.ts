import { createHash } from 'node:crypto';
import { reportView, type AuditReport, type ReportOperation, type ReportRouter, type RichText, type SuppressionRef } from '../report.js';
import type { GateResult } from '../gate.js';
import { guardCommandLines } from './escape.js';
import { operationName } from './modules.js';

export interface HtmlOptions {
  /** The audited folder as the user named it. */
  target: string;
  /** ISO date the report was made. */
  date?: string;
  commit?: string;
  /** The repository's web URL for file links: `${linkBase}/${file}#L${line}` (GitHub and GitLab style). */
  linkBase?: string;
  /** The baseline the gate compared with, to name it. */
  baselineFile?: string;
}

/**
 * The report as one self-contained HTML page: no request leaves it (a Content-Security-Policy forbids every source but
 * its own inline style and its one inline script, pinned by hash), so it reads the same offline, as a CI artifact or
 * from a mail. Every piece of text from the audited code — paths, names, routes, messages, reasons of disable
 * comments — is untrusted and escaped for where it goes. The script only sorts and filters rows already in the page:
 * without it the page is complete.
 */
export function printHtml(report: AuditReport, gate: GateResult | undefined, options: HtmlOptions): string {
  const s = report.summary;
  const link = linker(options.linkBase);
  const title = `outbox-audit — ${options.target}`;
  const body = [
    header(report, gate, options),
    modulesSection(report),
    operationsSection(report, link),
    routersSection(report, link),
    checklistSection(report, link),
    actionsSection(report),
    gate?.comparison ? baselineSection(gate, options.baselineFile) : '',
    suppressedSection(report, link),
    diagnosticsSection(report, link),
    `<footer>outbox-audit ${esc(report.tool.version)} · ${s.filesScanned} files scanned, ${s.filesParsed} analysed</footer>`,
  ].join('\n');
  const scriptHash = createHash('sha256').update(SCRIPT).digest('base64');
  // Printed to standard output in CI, the page is read by the runner too: no line may start a workflow command (`::`)
  // or hold the legacy `##[` form; the character references render the same text.
  return guardCommandLines(page(title, body, scriptHash), { colon: '&#58;', hash: '&#35;' });
}

function page(title: string, body: string, scriptHash: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${scriptHash}'; img-src data:; base-uri 'none'; form-action 'none'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>${esc(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${body}
<script>${SCRIPT}</script>
</body>
</html>
`;
}

/** Escapes text for an HTML element or a quoted attribute. */
export function esc(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

type Linker = (file: string, line?: number) => string;

/** `file:line`, a link to that line when a web URL of the repository is given. */
function linker(base: string | undefined): Linker {
  return (file, line) => {
    const text = esc(line ? `${file}:${line}` : file);
    if (!base) return `<code>${text}</code>`;
    const href = `${base.replace(/\/+$/, '')}/${file.split('/').map(encodeURIComponent).join('/')}${line ? `#L${line}` : ''}`;
    return `<a href="${esc(href)}" rel="noopener noreferrer" target="_blank"><code>${text}</code></a>`;
  };
}

const pct = (n: number, total: number): number => (total === 0 ? 0 : Math.round((n / total) * 1000) / 10);

function bar(n: number, total: number, label: string): string {
  const share = pct(n, total);
  const tone = n === total ? 'ok' : n === 0 ? 'bad' : 'mid';
  return `<div class="bar ${tone}" role="img" aria-label="${esc(`${label}: ${n} of ${total}`)}"><span style="width:${share}%"></span></div>`;
}

function header(report: AuditReport, gate: GateResult | undefined, options: HtmlOptions): string {
  const s = report.summary;
  const provenance = [
    options.date ? `made ${esc(options.date)}` : '',
    options.commit ? `at commit <code>${esc(options.commit)}</code>` : '',
    `by outbox-audit ${esc(report.tool.version)}`,
  ].filter(Boolean);
  const ops =
    s.percent === null
      ? `<div class="card bad"><h2>Operations</h2><p class="big">none</p><p>no operations found</p></div>`
      : `<div class="card ${s.compliant === s.operations ? 'ok' : 'bad'}"><h2>Operations</h2><p class="big">${s.compliant}/${s.operations}</p><p>compliant (${s.percent}%)</p>${bar(s.compliant, s.operations, 'compliant operations')}</div>`;
  const calls = reportView(report).routerCalls;
  const routers = `<div class="card ${calls === 0 ? 'ok' : 'bad'}"><h2>Routers</h2><p class="big">${calls}</p><p>DB call(s): ${s.routerDbCommit} commit, ${s.routerDbExecute} execute, ${s.routerDbOther} other, in ${s.routersWithFindings} of ${s.routers} router file(s) with findings</p></div>`;
  const checklist = `<div class="card ${s.checklistPassed === s.checklistTotal ? 'ok' : 'bad'}"><h2>Checklist</h2><p class="big">${s.checklistPassed}/${s.checklistTotal}</p><p>items pass (profile ${esc(s.checklistProfile)})</p>${bar(s.checklistPassed, s.checklistTotal, 'checklist items passing')}</div>`;
  const unanalysed =
    s.unanalysed > 0 ? `<div class="card bad"><h2>Not analysed</h2><p class="big">${s.unanalysed}</p><p>file(s) in scope the audit could not read or parse</p></div>` : '';
  const suppressed = `<div class="card ${s.suppressed === 0 ? '' : 'mid'}"><h2>Suppressed</h2><p class="big">${s.suppressed}</p><p>finding(s) hidden by inline disable comments</p></div>`;
  const verdict = gate
    ? `<p class="gate ${gate.pass ? 'ok' : 'bad'}" id="gate"><strong>Gate ${gate.pass ? 'passed' : 'failed'}${gate.enforced ? '' : ' (report only, not enforced)'}</strong>: ${esc(gate.summary)}</p>`
    : '';
  return `<header>
<h1>Outbox verification report</h1>
<p class="meta">${esc(options.target)} · ${provenance.join(' · ')}</p>
${verdict}
<div class="cards">${ops}${routers}${checklist}${suppressed}${unanalysed}</div>
${report.warnings.length > 0 ? `<ul class="warnings">${report.warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul>` : ''}
</header>`;
}

function modulesSection(report: AuditReport): string {
  const tallies = reportView(report).modules;
  if (tallies.length === 0) {
    return `<section id="modules"><h2>Compliance by module</h2><p class="empty">No operations found: no service method or route handler writes through a DB handle. Check <code>serviceFiles</code>, <code>routerFiles</code> and <code>dbHandles</code> in outbox.config.json, or run <code>outbox-audit init</code>.</p>${unassigned(report)}</section>`;
  }
  const rows = tallies
    .map((t) => {
      const n = t.operations.length;
      const flag = (k: number, label: string) => `<td>${bar(k, n, `${t.module} ${label}`)}<small>${k}/${n}</small></td>`;
      return `<tr><th scope="row">${esc(t.module || '(root)')}</th><td class="num">${n}</td><td class="wide">${bar(t.compliant, n, `${t.module} compliant`)}<small>${t.compliant}/${n} compliant (${pct(t.compliant, n)}%)</small></td>${flag(t.outbox, 'outbox')}${flag(t.idempotency, 'idempotency')}${flag(t.event, 'event')}${flag(t.commit, 'commit')}</tr>`;
    })
    .join('\n');
  return `<section id="modules"><h2>Compliance by module</h2>
<table class="modules"><thead><tr><th>Module</th><th>Ops</th><th>Compliant</th><th>Outbox</th><th>Idempotency</th><th>Event</th><th>Commit</th></tr></thead>
<tbody>
${rows}
</tbody></table>${unassigned(report)}</section>`;
}

function unassigned(report: AuditReport): string {
  if (report.unassignedDbFiles.length === 0) return '';
  return `<h3>DB work outside every role</h3><p>These files do DB work but are neither routers nor services by the configured globs: add them to <code>routerFiles</code> or <code>serviceFiles</code> (or run <code>outbox-audit init</code>).</p><ul>${report.unassignedDbFiles
    .map((u) => `<li><code>${esc(u.line ? `${u.file}:${u.line}` : u.file)}</code> — ${esc(u.message)}</li>`)
    .join('')}</ul>`;
}

function suppressionNote(ref: SuppressionRef | undefined): string {
  if (!ref) return '';
  return ` <span class="tag" title="${esc(`eslint-${ref.kind} comment on line ${ref.line}${ref.reason ? `: ${ref.reason}` : ''}`)}">suppressed${ref.reason ? `: ${esc(ref.reason)}` : ''}</span>`;
}

const FLAGS = ['outbox', 'idempotency', 'event', 'commit'] as const;

function operationRow(op: ReportOperation, link: Linker): string {
  const name = operationName(op);
  const reasons = op.missing.map((m) => m.reason).join(' ');
  const cells = FLAGS.map((flag) => {
    const missing = op.missing.find((m) => m.flag === flag);
    return op[flag]
      ? `<td class="flag yes" data-v="1" title="${flag}: yes">✔</td>`
      : `<td class="flag no" data-v="0" title="${esc(`${flag}: ${missing?.message ?? 'no'}`)}">✘</td>`;
  }).join('');
  const why = op.missing.length === 0
    ? '<td class="why"></td>'
    : `<td class="why"><ul>${op.missing
        .map((m) => `<li><b>${m.flag}</b> (${esc(m.reason)}, line ${m.line}): ${esc(m.message)}${suppressionNote(m.suppressed)}</li>`)
        .join('')}</ul></td>`;
  const search = `${op.module} ${name} ${op.file} ${op.kind} ${op.missing.map((m) => `${m.flag} ${m.reason} ${m.message}`).join(' ')}`.toLowerCase();
  return `<tr data-module="${esc(op.module)}" data-compliant="${op.compliant ? '1' : '0'}" data-missing="${esc(op.missing.map((m) => m.flag).join(' '))}" data-reasons="${esc(reasons)}" data-search="${esc(search)}"><td data-v="${esc(op.module)}">${esc(op.module)}</td><td data-v="${esc(name)}">${esc(name)}${op.kind === 'router' ? ' <span class="tag">router</span>' : ''}</td><td data-v="${esc(`${op.file}:${String(op.line).padStart(6, '0')}`)}">${link(op.file, op.line)}</td>${cells}<td class="flag ${op.compliant ? 'yes' : 'no'}" data-v="${op.compliant ? 1 : 0}">${op.compliant ? '✔' : '✘'}</td>${why}</tr>`;
}

function operationsSection(report: AuditReport, link: Linker): string {
  if (report.operations.length === 0) return '<section id="operations"><h2>Operations</h2><p class="empty">No operations found.</p></section>';
  const modules = [...new Set(report.operations.map((o) => o.module))].sort();
  const head = ['Module', 'Operation', 'Location', 'Outbox', 'Idempotency', 'Event', 'Commit', 'Compliant', 'Why not compliant']
    .map((h, i) => (i === 8 ? `<th>${h}</th>` : `<th aria-sort="none"><button type="button" data-col="${i}" data-type="${i >= 3 ? 'num' : 'text'}">${h}</button></th>`))
    .join('');
  return `<section id="operations"><h2>Operations (${report.operations.length})</h2>
<form class="filters" id="filters" role="search">
<label>Search <input id="q" type="search" placeholder="name, file, reason…" autocomplete="off"></label>
<label>Module <select id="module"><option value="">all</option>${modules.map((m) => `<option value="${esc(m)}">${esc(m || '(root)')}</option>`).join('')}</select></label>
<label>Show <select id="status"><option value="">all</option><option value="noncompliant">non-compliant</option><option value="compliant">compliant</option>${FLAGS.map((f) => `<option value="missing:${f}">missing ${f}</option>`).join('')}</select></label>
<output id="shown" aria-live="polite">${report.operations.length} of ${report.operations.length} operations</output>
</form>
<div class="scroll"><table id="ops" class="ops"><thead><tr>${head}</tr></thead>
<tbody>
${report.operations.map((op) => operationRow(op, link)).join('\n')}
</tbody></table></div></section>`;
}

function routerRow(router: ReportRouter, link: Linker): string {
  const findings = router.findings
    .map((f) => `<li>${link(router.file, f.line)} <code>${esc(`${f.handle}.${f.call}()`)}</code> <span class="tag">${esc(f.kind)}</span>${f.route ? ` in <code>${esc(f.route)}</code>` : ''}${suppressionNote(f.suppressed)}</li>`)
    .join('');
  return `<tr><td>${link(router.file)}</td><td>${esc(router.module)}</td><td class="num">${router.dbCommit}</td><td class="num">${router.dbExecute}</td><td class="num">${router.dbOther}</td><td><details><summary>${router.findings.length} call(s)</summary><ul>${findings}</ul></details></td></tr>`;
}

function routersSection(report: AuditReport, link: Linker): string {
  const s = report.summary;
  const withCalls = report.routers.filter((r) => r.findings.length > 0);
  const intro = `<p>${s.routerDbCommit} commit, ${s.routerDbExecute} execute and ${s.routerDbOther} other DB call(s)${report.strict ? ' (with the strict calls)' : ''}; ${s.routersWithFindings} of ${s.routers} router file(s) have findings. Commit: a commit or a transaction; execute: SQL run or a write; other: reads and anything else forbidden.</p>`;
  if (withCalls.length === 0) return `<section id="routers"><h2>Router findings</h2>${intro}<p class="empty">No DB-handle calls in any router.</p></section>`;
  return `<section id="routers"><h2>Router findings</h2>${intro}
<table class="routers"><thead><tr><th>Router</th><th>Module</th><th>Commit</th><th>Execute</th><th>Other</th><th>Lines</th></tr></thead>
<tbody>
${withCalls.map((r) => routerRow(r, link)).join('\n')}
</tbody></table></section>`;
}

function checklistSection(report: AuditReport, link: Linker): string {
  const items = report.checklist
    .map((c) => {
      const details = c.details.length > 0 ? `<details><summary>Evidence (${c.details.length})</summary><ul>${c.details.map((d) => `<li>${d.file ? `${link(d.file, d.line)} — ` : ''}${esc(d.message)}</li>`).join('')}</ul></details>` : '';
      return `<li class="check ${c.pass ? 'ok' : 'bad'}" data-id="${esc(c.id)}"><h3><span class="mark">${c.pass ? '✔' : '✘'}</span> ${esc(c.label)} <small><code>${esc(c.id)}</code></small></h3><p>${esc(c.reason)}</p>${c.pass ? '' : `<p class="fix"><b>Remediation:</b> ${esc(c.remediation)}</p>`}<p class="req"><b>Requires:</b> ${esc(c.requires)} <a href="${esc(c.docs)}" rel="noopener noreferrer" target="_blank">Docs</a></p>${details}</li>`;
    })
    .join('\n');
  const s = report.summary;
  return `<section id="checklist"><h2>Checklist: ${s.checklistPassed}/${s.checklistTotal} (profile ${esc(s.checklistProfile)})</h2><ul class="checks">
${items}
</ul></section>`;
}

/** The report model's recommended actions, as the Markdown report lists them: our words, the tree's values escaped. */
function actionsSection(report: AuditReport): string {
  const actions = reportView(report).actions;
  // Our words may hold Markdown code spans (`outbox-codemod all`): shown as code here too.
  const own = (words: string) => esc(words).replace(/`([^`]+)`/g, '<code>$1</code>');
  const text = (parts: RichText) => parts.map((p) => (typeof p === 'string' ? own(p) : 'code' in p ? `<code>${esc(p.code)}</code>` : esc(p.value))).join('');
  const items = actions.map((a) => `<li data-priority="${a.priority}"><b>[${a.priority}]</b> ${text(a.text)}</li>`).join('\n');
  return `<section id="actions"><h2>Recommended actions (priority order)</h2>${actions.length === 0 ? '<p class="empty">Nothing to do: keep the PR check on.</p>' : `<ol>\n${items}\n</ol>`}</section>`;
}

function baselineSection(gate: GateResult, baselineFile: string | undefined): string {
  const cmp = gate.comparison!;
  const list = (title: string, entries: string[], tone: string) =>
    entries.length === 0 ? '' : `<h3 class="${tone}">${title} (${entries.length})</h3><ul>${entries.map((e) => `<li><code>${esc(e)}</code></li>`).join('')}</ul>`;
  const body = [
    list('New non-compliant operations', cmp.newOperations, 'bad'),
    list('Operations that lost a flag', cmp.regressions.map((r) => `${r.key}: lost ${r.flags.join(', ')}`), 'bad'),
    list('New router DB calls', cmp.newRouterCalls.map((c) => `${c.key}: ${c.count} call(s), baseline ${c.baseline}`), 'bad'),
    list('Fixed', cmp.fixed, 'ok'),
  ].join('');
  return `<section id="baseline"><h2>Change against ${esc(baselineFile ?? 'the baseline')}</h2>${body || '<p class="empty">Nothing new, worse or fixed.</p>'}</section>`;
}

function suppressedSection(report: AuditReport, link: Linker): string {
  if (report.suppressed.length === 0) return '';
  return `<section id="suppressed"><h2>Suppressed findings (${report.suppressed.length})</h2><p>Hidden by inline ESLint disable comments: the gate accepts them, and this list keeps them visible.</p><ul>${report.suppressed
    .map((f) => `<li>${link(f.file, f.line)} <code>outbox/${esc(f.rule)}</code> — ${esc(f.message)} <span class="tag">eslint-${esc(f.suppression.kind)}, line ${f.suppression.line}${f.suppression.reason ? `: ${esc(f.suppression.reason)}` : ', no reason given'}</span></li>`)
    .join('')}</ul></section>`;
}

function diagnosticsSection(report: AuditReport, link: Linker): string {
  const parts: string[] = [];
  if (report.unanalysed.length > 0) {
    parts.push(
      `<section id="unanalysed"><h2>Not analysed (${report.unanalysed.length})</h2><p>Files in scope the audit could not analyse: each fails the gate unless <code>unanalysable</code> in the config accepts it, with a reason.</p><ul>${report.unanalysed
        .map((u) => `<li class="${u.accepted === undefined ? 'bad' : 'ok'}">${link(`${u.file}${u.folder ? '/' : ''}`)} — ${esc(u.message)}${u.accepted === undefined ? '' : ` <span class="tag">accepted: ${esc(u.accepted)}</span>`}</li>`)
        .join('')}</ul></section>`,
    );
  }
  if (report.diagnostics.length > 0) {
    parts.push(`<section id="diagnostics"><h2>Diagnostics (${report.diagnostics.length})</h2><ul>${report.diagnostics.map((d) => `<li>${link(d.file, d.line)} — ${esc(d.message)}</li>`).join('')}</ul></section>`);
  }
  return parts.join('\n');
}

const STYLE = `
:root{--ok:#1a7f37;--bad:#cf222e;--mid:#9a6700;--line:#d0d7de;--muted:#57606a;--bg:#fff;--fg:#1f2328;--soft:#f6f8fa}
@media (prefers-color-scheme:dark){:root{--ok:#3fb950;--bad:#f85149;--mid:#d29922;--line:#30363d;--muted:#8b949e;--bg:#0d1117;--fg:#e6edf3;--soft:#161b22}}
*{box-sizing:border-box}body{margin:0 auto;max-width:1400px;padding:1.5rem;font:14px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;background:var(--bg);color:var(--fg)}
h1{margin:0 0 .25rem}h2{margin:2rem 0 .75rem;border-bottom:1px solid var(--line);padding-bottom:.25rem}h3{margin:.5rem 0 .25rem;font-size:1rem}
code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace}a{color:inherit}.meta,small,footer{color:var(--muted)}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(200px,1fr));gap:.75rem;margin:1rem 0}
.card{border:1px solid var(--line);border-radius:8px;padding:.75rem 1rem;background:var(--soft)}.card h2{margin:0;border:0;font-size:.9rem;color:var(--muted)}
.card .big{font-size:2rem;font-weight:600;margin:.1rem 0}.card p{margin:.1rem 0}
.card.ok .big,.ok>.mark,h3.ok{color:var(--ok)}.card.bad .big,.bad>.mark,h3.bad{color:var(--bad)}.card.mid .big{color:var(--mid)}
.gate{padding:.5rem .75rem;border-radius:6px;border:1px solid var(--line)}.gate.ok{border-color:var(--ok)}.gate.bad{border-color:var(--bad)}
.bar{height:8px;border-radius:4px;background:var(--line);overflow:hidden;min-width:60px;margin:.2rem 0}.bar span{display:block;height:100%}
.bar.ok span{background:var(--ok)}.bar.bad span{background:var(--bad)}.bar.mid span{background:var(--mid)}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid var(--line);padding:.35rem .5rem;text-align:left;vertical-align:top}
thead th{position:sticky;top:0;background:var(--bg)}.num{text-align:right}td.wide{min-width:220px}
th button{all:unset;cursor:pointer;font-weight:600}th button:focus-visible{outline:2px solid var(--mid)}
th[aria-sort=ascending] button::after{content:" ▲"}th[aria-sort=descending] button::after{content:" ▼"}
.flag{text-align:center;font-weight:600}.flag.yes{color:var(--ok)}.flag.no{color:var(--bad)}
.why ul,.checks,.routers ul{margin:0;padding-left:1rem}.checks{list-style:none;padding:0}
.check{border:1px solid var(--line);border-left-width:4px;border-radius:6px;padding:.5rem .75rem;margin:.5rem 0}.check.ok{border-left-color:var(--ok)}.check.bad{border-left-color:var(--bad)}
.check p{margin:.2rem 0}.fix{color:var(--fg)}.req{color:var(--muted)}
.tag{display:inline-block;border:1px solid var(--line);border-radius:10px;padding:0 .4rem;font-size:11px;color:var(--muted)}
.filters{display:flex;flex-wrap:wrap;gap:1rem;align-items:end;margin:.5rem 0}.filters label{display:flex;flex-direction:column;font-size:12px;color:var(--muted)}
.filters input,.filters select{font:inherit;padding:.25rem .4rem;border:1px solid var(--line);border-radius:4px;background:var(--bg);color:var(--fg)}
.empty{color:var(--muted)}tr[hidden]{display:none}footer{margin-top:2rem}
.scroll{overflow-x:auto}.ops td.why{min-width:28rem;font-size:12px}.ops td code{word-break:break-all}.ops td:nth-child(2){min-width:10rem}
`;

/** Sorting and filtering of the rows already in the page (pinned in the CSP by its hash). */
const SCRIPT = `
(function () {
  var table = document.getElementById('ops');
  if (!table) return;
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var q = document.getElementById('q');
  var moduleSelect = document.getElementById('module');
  var status = document.getElementById('status');
  var shown = document.getElementById('shown');
  function keep(row) {
    var text = q.value.trim().toLowerCase();
    if (text && row.getAttribute('data-search').indexOf(text) < 0) return false;
    if (moduleSelect.value && row.getAttribute('data-module') !== moduleSelect.value) return false;
    var want = status.value;
    if (want === 'compliant') return row.getAttribute('data-compliant') === '1';
    if (want === 'noncompliant') return row.getAttribute('data-compliant') === '0';
    if (want.indexOf('missing:') === 0) return (' ' + row.getAttribute('data-missing') + ' ').indexOf(' ' + want.slice(8) + ' ') >= 0;
    return true;
  }
  function filter() {
    var count = 0;
    rows.forEach(function (row) {
      var visible = keep(row);
      row.hidden = !visible;
      if (visible) count++;
    });
    shown.textContent = count + ' of ' + rows.length + ' operations';
  }
  [q, moduleSelect, status].forEach(function (el) { el.addEventListener('input', filter); el.addEventListener('change', filter); });
  document.getElementById('filters').addEventListener('submit', function (event) { event.preventDefault(); });
  var headers = table.tHead.rows[0].cells;
  Array.prototype.forEach.call(table.querySelectorAll('th button[data-col]'), function (button) {
    button.addEventListener('click', function () {
      var col = Number(button.getAttribute('data-col'));
      var numeric = button.getAttribute('data-type') === 'num';
      var th = button.parentNode;
      var dir = th.getAttribute('aria-sort') === 'ascending' ? 'descending' : 'ascending';
      Array.prototype.forEach.call(headers, function (cell) { if (cell.hasAttribute('aria-sort')) cell.setAttribute('aria-sort', 'none'); });
      th.setAttribute('aria-sort', dir);
      var sign = dir === 'ascending' ? 1 : -1;
      // Array.prototype.sort is stable: equal keys keep the order they had.
      rows.sort(function (a, b) {
        var x = a.cells[col].getAttribute('data-v');
        var y = b.cells[col].getAttribute('data-v');
        var c = numeric ? Number(x) - Number(y) : x.localeCompare(y);
        return c * sign;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
})();
`;
