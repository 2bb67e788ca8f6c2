/**
 * Determinism: every recorded history under test/replay/histories/<version>/ replays against the
 * workflows as they are now. A change that would break running sessions, SPECs or handoffs (a new
 * activity, a reordered step, one command more or less) fails here instead of in production. Make
 * such a change with `patched()` and record the new version beside the old ones
 * (`npx tsx scripts/record-histories.ts`); delete a version's folder only once no run of it can
 * still be alive.
 *
 * The files hold `temporal.api.history.v1.History` as JSON (`History.toObject` with longs, enums
 * and bytes as strings) and are loaded with `History.fromObject`. Temporal's own
 * `historyToJSON`/`historyFromJSON` (@temporalio/common) cannot be used in this install: they throw
 * "type must be a Type" because @temporalio/common, /proto and /worker each nest their own copy of
 * protobufjs 8 (the root has 7.6.6 for @grpc/proto-loader), so the reflection types one copy builds
 * fail the other's `instanceof` check.
 */
import fs from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker, type ReplayResult } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { workflowStreamPollUpdate } from '@temporalio/workflow-streams/workflow';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import * as sessionContract from '../../src/domain/session';
import * as specContract from '../../src/domain/spec';
import * as handoffContract from '../../src/domain/handoff';
import * as modelsContract from '../../src/domain/models';
import { installQuietRuntime } from '../support/reliability-harness';

const { History } = temporal.api.history.v1;
type History = temporal.api.history.v1.History;

const DIR = path.join(__dirname, 'histories');

interface ManifestEntry {
  file: string;
  workflow_id: string;
  workflow_type: string;
}

/** One folder per recorded version of the workflows, each with its manifest. */
const versions = fs
  .readdirSync(DIR, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

function readManifest(version: string): ManifestEntry[] {
  const text = fs.readFileSync(path.join(DIR, version, 'manifest.json'), 'utf8');
  return (JSON.parse(text) as { histories: ManifestEntry[] }).histories;
}

function load(version: string, file: string): History {
  const text = fs.readFileSync(path.join(DIR, version, file), 'utf8');
  return History.fromObject(JSON.parse(text) as Record<string, unknown>);
}

const histories = versions.flatMap((version) =>
  readManifest(version).map((entry) => ({ ...entry, version, history: load(version, entry.file) })),
);

/** The workflow types the worker registers: the named exports of src/workflows/index.ts. */
function registeredWorkflowTypes(): string[] {
  const index = fs.readFileSync(path.join(__dirname, '..', '..', 'src', 'workflows', 'index.ts'), 'utf8');
  return [...index.matchAll(/export \{ (\w+) \}/g)].map((m) => m[1]!).sort();
}

/**
 * Every update the workflows define (`defineUpdate` returns `{ type: 'update', name }`): the
 * contracts', and the poll of the workflow stream that sessions host.
 */
function definedUpdates(): string[] {
  return [sessionContract, specContract, handoffContract, modelsContract, { workflowStreamPollUpdate }]
    .flatMap((module) => Object.values(module) as unknown[])
    .filter(
      (v): v is { type: 'update'; name: string } =>
        typeof v === 'object' && v !== null && (v as { type?: unknown }).type === 'update',
    )
    .map((v) => v.name)
    .sort();
}

function acceptedUpdates(history: History): string[] {
  return history.events
    .map((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name)
    .filter((n): n is string => typeof n === 'string');
}

async function replay(items: { workflow_id: string; history: History }[]): Promise<ReplayResult[]> {
  const results: ReplayResult[] = [];
  for await (const result of Worker.runReplayHistories(
    { workflowBundle: { codePath: inject('workflowBundlePath') } },
    items.map((h) => ({ workflowId: h.workflow_id, history: h.history })),
  )) {
    results.push(result);
  }
  return results;
}

beforeAll(() => {
  installQuietRuntime();
});

describe('recorded histories', () => {
  it('exist, and each folder lists exactly its files in its manifest', () => {
    expect(versions.length).toBeGreaterThan(0);
    for (const version of versions) {
      const files = fs
        .readdirSync(path.join(DIR, version))
        .filter((f) => f !== 'manifest.json')
        .sort();
      expect(
        readManifest(version)
          .map((h) => h.file)
          .sort(),
        version,
      ).toEqual(files);
    }
  });

  it('cover every workflow type the worker registers', () => {
    const recorded = new Set(histories.map((h) => h.workflow_type));
    expect([...recorded].sort()).toEqual(registeredWorkflowTypes());
  });

  it('cover every update the workflows define', () => {
    const accepted = new Set(histories.flatMap((h) => acceptedUpdates(h.history)));
    expect([...accepted].sort()).toEqual(definedUpdates());
  });

  it('cover a rollover, child workflows, a durable timer, failed updates and a resumed run', () => {
    const types = histories.flatMap((h) => h.history.events.map((e) => e.eventType));
    const { EventType } = temporal.api.enums.v1;
    expect(types).toContain(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW);
    expect(types).toContain(EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED);
    expect(types).toContain(EventType.EVENT_TYPE_TIMER_FIRED);
    const rejected = histories.flatMap((h) =>
      h.history.events.filter((e) => e.workflowExecutionUpdateCompletedEventAttributes?.outcome?.failure),
    );
    expect(rejected.length).toBeGreaterThan(0);
    expect(histories.filter((h) => h.workflow_id === 'rec-session').length).toBeGreaterThanOrEqual(3);
  });
});

describe('replay against the current workflows', () => {
  it('replays every recorded history without a nondeterminism error', async () => {
    const results = await replay(histories);
    expect(results).toHaveLength(histories.length);
    // Results come one per history, in the order given.
    const failures = results.flatMap((r, i) =>
      r.error ? [`${histories[i]?.version}/${histories[i]?.file}: ${r.error.message}`] : [],
    );
    expect(failures).toEqual([]);
  }, 120_000);

  it('catches a history that does not match the code (the check has teeth)', async () => {
    const original = histories.findLast((h) => h.workflow_id === 'spec-SPEC-REC-ABORT')!;
    const tampered = History.fromObject(History.toObject(original.history));
    const scheduled = tampered.events.find((e) => e.activityTaskScheduledEventAttributes)!;
    // The code schedules this activity; the tampered history says another one ran.
    scheduled.activityTaskScheduledEventAttributes!.activityType = { name: 'inspectMerge' };
    const [result] = await replay([{ workflow_id: original.workflow_id, history: tampered }]);
    expect(result?.error).toBeInstanceOf(DeterminismViolationError);
  }, 60_000);
});
