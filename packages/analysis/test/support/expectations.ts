/**
 * Compares what the analysis found in one file with the markers written in it: every finding must sit on a line
 * that expects it (precision), every marker must be met (recall), flags given on an operation marker must match, and
 * a trap line (`expect: none`) must have nothing. Returns every problem as `<label>:<line> — <what>`, so a failing
 * test lists all of them at once.
 */
import type { FileAnalysis, Operation, OperationFlag, RouterDbCall } from '../../src/index.js';
import type { Marker } from './markers.js';

export type AnalysisFindings = Pick<FileAnalysis, 'operations' | 'routerDbCalls' | 'diagnostics'>;

interface Problem {
  line: number;
  text: string;
}

export function compareWithMarkers(label: string, markers: readonly Marker[], analysis: AnalysisFindings): string[] {
  const problems: Problem[] = [];
  for (const diagnostic of analysis.diagnostics) {
    problems.push({ line: diagnostic.line ?? 0, text: `analysis diagnostic: ${diagnostic.message}` });
  }

  const markersAt = groupByLine(markers, (marker) => marker.line);
  const operationsAt = groupByLine(analysis.operations, (operation) => operation.line);
  const callsAt = groupByLine(analysis.routerDbCalls, (call) => call.line);

  for (const [line, operations] of operationsAt) {
    const onLine = markersAt.get(line) ?? [];
    if (onLine.some((marker) => marker.kind === 'operation')) continue;
    const trap = onLine.find((marker) => marker.kind === 'none');
    const what = `${operations.length > 1 ? 'operations' : 'operation'} ${operations.map(describeOperation).join(', ')}`;
    problems.push({ line, text: trap ? `trap reported as ${what} (the line is marked none: ${trap.note})` : `unexpected ${what}` });
  }
  for (const [line, calls] of callsAt) {
    const onLine = markersAt.get(line) ?? [];
    if (onLine.some((marker) => marker.kind === 'router-db-call')) continue;
    const trap = onLine.find((marker) => marker.kind === 'none');
    const what = `router DB call${calls.length > 1 ? 's' : ''} ${calls.map(describeCall).join(', ')}`;
    problems.push({ line, text: trap ? `trap reported as ${what} (the line is marked none: ${trap.note})` : `unexpected ${what}` });
  }

  for (const marker of markers) {
    if (marker.kind === 'operation') {
      const operations = operationsAt.get(marker.line) ?? [];
      if (operations.length === 0) {
        problems.push({ line: marker.line, text: `missed operation (marker on line ${marker.markerLine})` });
        continue;
      }
      for (const operation of operations) {
        for (const [flag, expected] of Object.entries(marker.flags) as [OperationFlag, boolean][]) {
          if (operation[flag] === expected) continue;
          const reason = operation.missing.find((missing) => missing.flag === flag)?.reason;
          problems.push({
            line: marker.line,
            text: `operation ${describeOperation(operation)}: ${flag}=${yesNo(operation[flag])}, expected ${flag}=${yesNo(expected)}${reason ? ` (${reason})` : ''}`,
          });
        }
      }
    } else if (marker.kind === 'router-db-call' && !callsAt.has(marker.line)) {
      problems.push({ line: marker.line, text: `missed router DB call (marker on line ${marker.markerLine})` });
    }
  }

  return problems
    .sort((a, b) => a.line - b.line || a.text.localeCompare(b.text))
    .map((problem) => `${label}${problem.line > 0 ? `:${problem.line}` : ''} — ${problem.text}`);
}

function describeOperation(operation: Operation): string {
  return operation.className ? `${operation.className}.${operation.method}` : operation.method;
}

function describeCall(call: RouterDbCall): string {
  return `${call.handle}.${call.call}()`;
}

function yesNo(value: boolean): string {
  return value ? 'yes' : 'no';
}

function groupByLine<T>(items: readonly T[], lineOf: (item: T) => number): Map<number, T[]> {
  const grouped = new Map<number, T[]>();
  for (const item of items) {
    const line = lineOf(item);
    const list = grouped.get(line);
    if (list) list.push(item);
    else grouped.set(line, [item]);
  }
  return grouped;
}
