import { ApplicationFailure } from '@temporalio/workflow';
import {
  handoffCommitMessage,
  handoffStartCommitMessage,
  HandoffFailureType,
  testsFailedMessage,
  type AgentWorkspaceRun,
  type HandoffWorkspaceStatus,
  type PackageWorkspace,
  type ResolvedAgent,
} from '../domain/handoff';
import type { SessionStatus } from '../domain/session';
import type { SpecWorkspace } from '../domain/spec';
import { gateVerdict, type VerificationResult, type WorkspaceCheckpoint } from '../domain/workspace';
import { claimActivities, workspaceActivities } from './workspace-activities';

/** An agent whose tests failed after it: the failure carries the test run for the decision. */
export class TestsFailed extends Error {
  constructor(
    message: string,
    readonly tests: VerificationResult,
  ) {
    super(message);
    this.name = 'TestsFailed';
  }
}

/**
 * The workspace side of a handoff: claims the folder before the first agent, commits each agent's
 * work (with a bundle in the store, so the commit can be recreated anywhere), runs the test
 * command after an agent that must leave passing tests, and puts the files back to the last
 * handed-on commit when an agent is skipped. Activities run on the queue of the worker whose disk
 * holds the folder: the one the agent's session last held it on, else the chain's own claim.
 */
export class HandoffWorkspace {
  private taskQueue = '';
  private path: string;
  private worker: string | undefined;
  /** The last commit: where the chain started, then each finished agent's. */
  private last: WorkspaceCheckpoint | undefined;

  constructor(
    private readonly specId: string,
    private readonly request: SpecWorkspace,
  ) {
    this.path = request.path;
  }

  /** What the handoff's status shows. */
  status(): HandoffWorkspaceStatus {
    return {
      path: this.path,
      test_command: this.request.test_command,
      ...(this.worker ? { worker: this.worker } : {}),
      ...(this.last ? { commit: this.last.commit } : {}),
    };
  }

  /** The commit the next agent starts from. */
  get commit(): string | undefined {
    return this.last?.commit;
  }

  /**
   * Claims the folder (a repository is initialised when it has none) and commits what it holds,
   * so every agent's commit has a parent and a skipped first agent has a commit to go back to.
   * @throws ApplicationFailure `InvalidHandoffInput` when the folder cannot be used (uncommitted
   * changes without `allow_dirty`, not a folder, no workspace worker): no agent has run.
   */
  async open(): Promise<void> {
    try {
      const claim = await claimActivities.claimWorkspace({
        path: this.request.path,
        ...(this.request.allow_dirty ? { allow_dirty: true } : {}),
      });
      this.taskQueue = claim.task_queue;
      this.path = claim.path;
      this.worker = claim.worker;
      const made = await workspaceActivities(claim.task_queue).commitWorkspace({
        path: claim.path,
        message: handoffStartCommitMessage(this.specId),
        checkpoint: true,
      });
      this.last = made.checkpoint;
    } catch (err) {
      const why = (err instanceof Error && err.cause instanceof Error ? err.cause : (err as Error)).message;
      throw ApplicationFailure.create({
        type: HandoffFailureType.InvalidHandoffInput,
        message: `The workspace ${this.request.path} cannot be used; no agent ran. ${why}`,
        nonRetryable: true,
      });
    }
  }

  /**
   * After an agent's session: runs the test command when the agent must leave passing tests, then
   * commits its work. Failing tests leave the files uncommitted, for a retry to build on or a skip
   * to discard.
   * @throws TestsFailed with the test run, when the tests do not pass.
   */
  async afterAgent(
    index: number,
    total: number,
    agent: ResolvedAgent,
    session: SessionStatus,
  ): Promise<AgentWorkspaceRun> {
    const activities = this.activitiesFor(session);
    let tests: VerificationResult | undefined;
    if (agent.verify_tests) {
      tests = await activities.verifyWorkspace({ path: this.path, command: this.request.test_command });
      if (!gateVerdict('pass', tests).ok) throw new TestsFailed(testsFailedMessage(agent.name, tests), tests);
    }
    const made = await activities.commitWorkspace({
      path: this.path,
      message: handoffCommitMessage(this.specId, index, total, agent.name),
      checkpoint: true,
    });
    if (!made.checkpoint) throw new Error(`commitWorkspace stored no bundle of ${made.commit}`);
    this.last = made.checkpoint;
    return {
      commit: made.commit,
      bundle_id: made.checkpoint.bundle_id,
      files_changed: made.files,
      ...(tests ? { tests } : {}),
    };
  }

  /** The package's workspace for the agent that finished last. */
  packageOf(run: AgentWorkspaceRun): PackageWorkspace {
    return {
      path: this.path,
      commit: run.commit,
      bundle_id: run.bundle_id,
      files_changed: run.files_changed,
    };
  }

  /** A skipped agent's files are discarded: the next agent starts from the commit its package names. */
  async discard(): Promise<void> {
    if (!this.last) return;
    await workspaceActivities(this.taskQueue).restoreWorkspace({
      path: this.path,
      commit: this.last.commit,
      bundle_id: this.last.bundle_id,
    });
  }

  private activitiesFor(session: SessionStatus) {
    const held = session.workspace;
    if (held) {
      this.taskQueue = held.task_queue;
      this.path = held.path;
      this.worker = held.worker;
    }
    return workspaceActivities(this.taskQueue);
  }
}
