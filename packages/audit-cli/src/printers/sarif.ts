import { REPOSITORY_URL, repositoryUrl, RULE_LIST } from 'outbox-analysis/core';
import type { AuditReport } from '../report.js';
import { guardJson } from './escape.js';

export interface SarifOptions {
  /**
   * The audited folder relative to the repository root (`packages/api`; '' or '.' for the root). URIs are written
   * relative to the repository root, as code scanning resolves them, so a subfolder audit points at real files.
   */
  rootInRepo?: string;
  /** An absolute URI of the repository root, written as `originalUriBaseIds.%SRCROOT%` (optional). */
  uriBase?: string;
}

/** A path relative to the audited root as a URI relative to the repository root: each segment percent-encoded. */
function repositoryUri(file: string, rootInRepo: string | undefined): string {
  const prefix = rootInRepo && rootInRepo !== '.' ? `${rootInRepo.replace(/\/+$/, '')}/` : '';
  return `${prefix}${file}`.split('/').map(encodeURIComponent).join('/');
}

/** SARIF 2.1.0 for GitHub code scanning: one result per finding, located on its line. */
export function printSarif(report: AuditReport, options: SarifOptions = {}): string {
  const uri = (file: string) => repositoryUri(file, options.rootInRepo);
  // The rules of the catalogue (the ESLint plugin's ids, so code scanning and the editor name a finding the same way).
  const ruleIndex = new Map(RULE_LIST.map((r, i) => [r.name as string, i]));
  const results = report.findings.map((f) => ({
    ruleId: `outbox/${f.rule}`,
    ruleIndex: ruleIndex.get(f.rule) ?? 0,
    level: f.severity === 'error' ? 'error' : 'warning',
    message: { text: f.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: uri(f.file), uriBaseId: '%SRCROOT%' },
          region: { startLine: f.span.line, startColumn: f.span.column, endLine: f.span.endLine, endColumn: f.span.endColumn },
        },
      },
    ],
    partialFingerprints: { 'outboxIdentity/v1': f.identity },
  }));
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'outbox-audit',
            version: report.tool.version,
            informationUri: REPOSITORY_URL,
            rules: RULE_LIST.map((r) => ({
              id: r.id,
              name: r.name,
              shortDescription: { text: r.short },
              fullDescription: { text: r.full },
              helpUri: repositoryUrl(r.docs),
              help: { text: r.remediation },
              defaultConfiguration: { level: r.severity },
            })),
          },
        },
        ...(options.uriBase ? { originalUriBaseIds: { '%SRCROOT%': { uri: options.uriBase.endsWith('/') ? options.uriBase : `${options.uriBase}/` } } } : {}),
        results,
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: [
              // In-scope files the audit could not analyse fail its gate: errors, unless the config accepts them.
              ...report.unanalysed.map((u) => ({
                level: u.accepted === undefined ? 'error' : 'note',
                message: { text: `not analysed: ${u.message}${u.accepted === undefined ? '' : ` (accepted: ${u.accepted})`}` },
                locations: [{ physicalLocation: { artifactLocation: { uri: uri(u.file), uriBaseId: '%SRCROOT%' } } }],
              })),
              ...report.diagnostics
                .filter((d) => !report.unanalysed.some((u) => u.file === d.file))
                .map((d) => ({
                  level: 'warning',
                  message: { text: d.message },
                  locations: [{ physicalLocation: { artifactLocation: { uri: uri(d.file), uriBaseId: '%SRCROOT%' }, ...(d.line ? { region: { startLine: d.line } } : {}) } }],
                })),
            ],
          },
        ],
      },
    ],
  };
  return guardJson(JSON.stringify(sarif, null, 2)) + '\n';
}
