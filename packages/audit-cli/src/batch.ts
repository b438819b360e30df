import { readFileSync } from 'node:fs';
import {
  analyzeFile,
  isCandidate,
  resolveSettings,
  type FileAnalysis,
  type FileDiagnostic,
  type PartialSettings,
} from 'eslint-plugin-outbox/analysis';
import { decodeSource, type DiscoveredFile } from './discover.js';

export interface BatchResult {
  analyses: FileAnalysis[];
  diagnostics: FileDiagnostic[];
  /** Files parsed and analysed. */
  parsed: number;
  /** Files read but skipped: no role and nothing the checklist looks for. */
  skipped: number;
}

/** Analyses a list of files in this thread: read, decode, pre-filter, parse, analyse. Never throws for a file. */
export function analyzeBatch(
  files: DiscoveredFile[],
  partial: PartialSettings,
  maxFileSize: number,
  onProgress?: (done: number, total: number) => void,
): BatchResult {
  const settings = resolveSettings(partial);
  const result: BatchResult = { analyses: [], diagnostics: [], parsed: 0, skipped: 0 };
  files.forEach((file, index) => {
    if (onProgress && index % 50 === 0) onProgress(index, files.length);
    let bytes: Buffer;
    try {
      bytes = readFileSync(file.absolute);
    } catch (error) {
      result.diagnostics.push({ file: file.relative, message: `cannot read file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` });
      return;
    }
    const source = decodeSource(bytes, maxFileSize);
    if (!source.ok) {
      result.diagnostics.push({ file: file.relative, message: source.message });
      return;
    }
    if (!isCandidate(file.relative, source.text, settings)) {
      result.skipped++;
      return;
    }
    try {
      const analysis = analyzeFile(file.relative, source.text, settings);
      result.parsed++;
      result.analyses.push(analysis);
      result.diagnostics.push(...analysis.diagnostics);
    } catch (error) {
      // The analysis is meant never to throw; if it does, the file is a diagnostic and the rest is still scored.
      result.diagnostics.push({ file: file.relative, message: `analysis failed: ${(error as Error).message}` });
    }
  });
  onProgress?.(files.length, files.length);
  return result;
}
