import { setHandler } from '@temporalio/workflow';
import { checkpointsQuery, definitionQuery, snapshotQuery, statusQuery } from '../domain/session';
import type { SessionEntity } from './session-entity';

/**
 * The read-only session queries (status, checkpoints, definition, and all three at once). Every
 * workflow that runs a session registers them, so `baton session status|checkpoints|export` work on a SPEC's or a
 * handoff agent's id too.
 */
export function registerSessionQueries(session: SessionEntity): void {
  setHandler(statusQuery, () => session.status());
  setHandler(checkpointsQuery, () => [...session.getState().checkpoints]);
  setHandler(definitionQuery, () => session.getState().definition);
  setHandler(snapshotQuery, () => ({
    status: session.status(),
    definition: session.getState().definition,
    checkpoints: [...session.getState().checkpoints],
  }));
}
