/**
 * What must be the same in an audit with the pre-check (outbox-analysis precheck.ts) and without it
 * (`OUTBOX_PRECHECK=off`: every router and service file parsed). The pre-check only spares files in which the analysis
 * can find nothing, so the two reports may differ in the number of files parsed and in the routers listed with
 * nothing in them (a router is listed when it was analysed), and in nothing else but the parse diagnostics of the
 * files left unparsed, which are returned apart. Used by test/precheck.test.ts and bench/precheck-compare.ts.
 */

export interface ComparableReport {
  summary: { filesParsed: number; filesScanned: number; operations: number; routerDbCommit: number; routerDbExecute: number; routerDbOther: number } & Record<string, unknown>;
  routers: { file: string; dbCommit: number; dbExecute: number; dbOther: number; findings: unknown[] }[];
  diagnostics: { file: string; message: string }[];
  findings: unknown[];
  [key: string]: unknown;
}

export function normalizeForPrecheck(report: ComparableReport): { compared: Record<string, unknown>; diagnostics: string[] } {
  const { summary, routers, diagnostics, tool: _tool, ...rest } = report;
  const { filesParsed: _parsed, ...counts } = summary;
  return {
    compared: {
      ...rest,
      summary: counts,
      routers: routers.filter((r) => r.findings.length > 0 || r.dbCommit + r.dbExecute + r.dbOther > 0),
    },
    diagnostics: diagnostics.map((d) => `${d.file}: ${d.message}`),
  };
}
