/** Types of cli-build.js (plain JavaScript, so it runs before anything is compiled). */

/** What a scan of src/ found: its newest modification time (ms) and its TypeScript files. */
export interface SourceScan {
  newest: number;
  files: string[];
}

/** Newest mtime of src/ (its folders and .ts files) under `root` (default: this checkout). */
export function scanSources(root?: string): SourceScan;

/** True when dist/ holds a build of the current sources. */
export function isCliBuildFresh(root?: string, scan?: SourceScan): boolean;

/** Transpiles every module under src/ into dist/ with esbuild. */
export function buildCli(root?: string, scan?: SourceScan, log?: (line: string) => void): void;

/** Builds dist/ when it is missing or older than src/; true when it built. */
export function ensureCliBuilt(log?: (line: string) => void, root?: string): boolean;
