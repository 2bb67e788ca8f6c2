import { BatonError } from '../domain/errors';

/** The Temporal server cannot be reached at the configured address. */
export class TemporalUnavailableError extends BatonError {}

/** No baton worker polls the task queue, so a request would wait forever. */
export class NoWorkerError extends BatonError {}

/**
 * The id names a workflow that a session command does not apply to (a SPEC, a handoff or one of
 * its agents); the message says what it is and which command to use instead.
 */
export class NotASessionError extends BatonError {}

/** A caller's input is malformed (an id, a flag, a file); nothing was sent or changed. */
export class InvalidInputError extends BatonError {}

/** A session with the requested id already exists. */
export class SessionExistsError extends BatonError {}

/** No session (workflow) has the given id. */
export class SessionNotFoundError extends BatonError {}

/**
 * The session refused a request (its validator said no) or the request failed (a model call that
 * could not succeed). The session itself is unchanged and still usable unless `type` says closed.
 */
export class SessionRequestError extends BatonError {
  constructor(
    message: string,
    /** The failure type (a `FailureType`: `ContextOverflow`, `RateLimited`, `SessionClosed`, …) when known. */
    readonly type?: string,
  ) {
    super(message);
  }
}

/** A handoff for this SPEC has already run (or is running): its workflow id is taken. */
export class HandoffExistsError extends BatonError {
  constructor(
    message: string,
    /** The handoff's workflow id (`handoff-<spec_id>`). */
    readonly handoffId: string,
  ) {
    super(message);
  }
}

/** No handoff workflow has the given id. */
export class HandoffNotFoundError extends BatonError {}

/**
 * A handoff ran and failed: its input or a package was invalid (the message names the field), or
 * an agent's session failed. `type` is the workflow's failure type (`InvalidHandoffInput`,
 * `InvalidHandoffPackage`, `AgentFailed`).
 */
export class HandoffFailedError extends BatonError {
  constructor(
    message: string,
    readonly type: string | undefined,
    /** The handoff's workflow id. */
    readonly handoffId: string,
  ) {
    super(message);
  }
}

/**
 * A SPEC run failed as a whole (not a phase waiting for a decision): its workspace could not be
 * claimed (uncommitted changes, not a folder), or no decision came in time. The message is the
 * cause's; `type` is its failure type (`DirtyWorkspace`, `SpecDecisionTimeout`, …) when known.
 */
export class SpecFailedError extends BatonError {
  constructor(
    message: string,
    readonly type: string | undefined,
    /** The SPEC's workflow id. */
    readonly workflowId: string,
  ) {
    super(message);
  }
}
