import type { DiscoveryProblemKind } from './discover.js';

/** Why a file (or folder) in scope was not analysed. */
export type UnanalysedKind = 'unreadable' | 'too-large' | 'binary' | 'not-utf8' | 'parse-failed' | DiscoveryProblemKind;

/**
 * A file the audit should have analysed and could not: a router or service file by its path, a file it would have
 * parsed (one that mentions a name the checklist looks for), a file it could not even read, or a folder it could not
 * enter. Each fails the gate unless `unanalysable` in the config accepts it by path, with a reason — the gate fails
 * closed: what it cannot see, it does not pass.
 */
export interface UnanalysedFile {
  file: string;
  kind: UnanalysedKind;
  message: string;
  /** A folder (not entered) rather than a file. */
  folder?: true;
  /** The reason the config's `unanalysable` list gives for accepting it; absent when nothing accepts it. */
  accepted?: string;
}
