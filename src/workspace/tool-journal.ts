/**
 * The journal of tool calls of one workspace, on the worker's disk: a call is marked started
 * before it runs and completed (with its result) after, each mark written atomically and fsynced.
 * A retry of a completed call returns the recorded result; a call marked started but never
 * completed was cut off by a crash and is reported as interrupted, never run a second time.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { WorkspaceToolResult } from '../domain/workspace';
import { errorCode } from './errors';

/** What the journal knows about a call. */
export type JournalEntry =
  | { state: 'started'; key: string; summary: string; started_at: string; pid: number }
  | { state: 'completed'; key: string; summary: string; started_at: string; result: WorkspaceToolResult };

/** A per-workspace journal in `dir` (one small JSON file per call, named by the key's hash). */
export class ToolJournal {
  constructor(readonly dir: string) {}

  private file(key: string): string {
    return path.join(this.dir, `${createHash('sha256').update(key).digest('hex')}.json`);
  }

  /** The entry for `key`, or undefined for a call never seen. */
  async lookup(key: string): Promise<JournalEntry | undefined> {
    try {
      return JSON.parse(await fs.readFile(this.file(key), 'utf8')) as JournalEntry;
    } catch (err) {
      if (errorCode(err) === 'ENOENT') return undefined;
      // A torn write cannot happen (rename is atomic); an unreadable entry means someone edited
      // it: treat the call as started, the safe answer.
      if (err instanceof SyntaxError) {
        return { state: 'started', key, summary: 'the call', started_at: new Date(0).toISOString(), pid: 0 };
      }
      throw err;
    }
  }

  /** Marks `key` started (durably, before the call runs). */
  async markStarted(key: string, summary: string): Promise<JournalEntry> {
    const entry: JournalEntry = {
      state: 'started',
      key,
      summary,
      started_at: new Date().toISOString(),
      pid: process.pid,
    };
    await this.write(key, entry);
    return entry;
  }

  /** Records the result of `key`. */
  async markCompleted(started: JournalEntry, result: WorkspaceToolResult): Promise<void> {
    await this.write(started.key, {
      state: 'completed',
      key: started.key,
      summary: started.summary,
      started_at: started.started_at,
      result,
    });
  }

  /** Forgets every call (after the files were restored to a commit, earlier results no longer hold). */
  async clear(): Promise<void> {
    await fs.rm(this.dir, { recursive: true, force: true });
  }

  private async write(key: string, entry: JournalEntry): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true });
    const file = this.file(key);
    const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    const handle = await fs.open(temp, 'wx');
    try {
      await handle.writeFile(JSON.stringify(entry));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, file);
    const dir = await fs.open(this.dir, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }
}
