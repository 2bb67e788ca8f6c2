/**
 * Bad input, through the CLI and the library: each case gets a clear error (and exit code 1 from
 * the CLI), and leaves everything as it was: the witness session's status and history, the
 * workflows on the task queue, and the files of the conversation store.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { BatonClient } from '../../src/client';
import type { SpecDefinition } from '../../src/domain/spec';
import { listFiles, startInProcessStack, tempDir, type InProcessStack } from '../support/reliability-harness';
import { runCli, spawnCli } from '../support/run-cli';
import { uniqueId } from '../support/unique-id';
import { waitUntil } from '../support/wait-until';

let stack: InProcessStack;
let cliEnv: NodeJS.ProcessEnv;
let files: string;
/** A session every case could harm: one turn, one named checkpoint, on the 8k-token model. */
const witness = uniqueId('witness');
/** Ids nothing has: unique per run, so no earlier run can have created them. */
const unknownSession = `sess_${randomBytes(8).toString('hex')}`;
const unknownForkSource = `sess_${randomBytes(8).toString('hex')}`;
const unknownSpec = uniqueId('SPEC-404');
let initialWorkflows: string[];

/** What a case did: the CLI's exit code and stderr, or what the library threw. */
interface Outcome {
  code: number;
  message: string;
  /** The library error's class name ('' for the CLI). */
  errorName: string;
}

const cli = async (argv: string[], env: NodeJS.ProcessEnv = {}): Promise<Outcome> => {
  const r = await runCli(argv, { ...cliEnv, ...env });
  return { code: r.code, message: r.stderr, errorName: '' };
};
const binary = async (argv: string[]): Promise<Outcome> => {
  const r = await spawnCli(argv, cliEnv);
  return { code: r.code, message: r.stderr, errorName: '' };
};
const lib = async (call: (baton: BatonClient) => Promise<unknown>): Promise<Outcome> => {
  try {
    await call(stack.baton);
    return { code: 0, message: '(no error)', errorName: '' };
  } catch (err) {
    return { code: 1, message: (err as Error).message, errorName: (err as Error).name };
  }
};

const fixture = (name: string, text: string) => {
  const file = path.join(files, name);
  fs.writeFileSync(file, text);
  return file;
};

async function workflowIds(): Promise<string[]> {
  const ids: string[] = [];
  for await (const wf of stack.baton.temporal.workflow.list({ query: `TaskQueue = '${stack.taskQueue}'` })) {
    ids.push(`${wf.workflowId}/${wf.runId}`);
  }
  return ids.sort();
}

/** Everything a bad request must not change. */
async function snapshot() {
  const status = await stack.baton.sessions.status(witness);
  const description = await stack.baton.temporal.workflow.getHandle(witness).describe();
  return {
    witness: {
      status: status.status,
      turns: status.turns,
      head: status.head,
      tokens_used: status.tokens_used,
      checkpoints: status.checkpoints,
      cumulative: status.cumulative,
      history_events: description.historyLength,
    },
    storeFiles: listFiles(stack.storeDir),
    workflows: await workflowIds(),
  };
}

beforeAll(async () => {
  stack = await startInProcessStack({
    address: inject('temporalAddress'),
    workflowBundlePath: inject('workflowBundlePath'),
    label: 'bad-input',
  });
  files = tempDir('baton-bad-input-');
  cliEnv = {
    TEMPORAL_ADDRESS: stack.address,
    BATON_TASK_QUEUE: stack.taskQueue,
    BATON_STORE_URL: `file:${stack.storeDir}`,
    BATON_HOME: path.join(files, 'home'),
  };
  const started = await stack.baton.sessions.start({
    id: witness,
    task: 'Stay exactly as you are',
    model: 'baton-small-8k',
  });
  expect(started.session_id).toBe(witness);
  await stack.baton.sessions.send(witness, 'The only turn.');
  await stack.baton.sessions.checkpoint(witness, { name: 'good' });

  // Input files: cut short, the wrong shape, and a real export with one message forged.
  fixture('cut.json', '{"title": "Login", "requirements": ["a"');
  fixture('array.json', '["not", "an", "object"]');
  fixture('not-a-bundle.json', JSON.stringify({ format: 'something-else', version: 1 }));
  const bundle = await stack.baton.sessions.export(witness);
  const forged = structuredClone(bundle);
  const reply = forged.nodes.find((n) => n.role === 'assistant')!;
  reply.content = [{ type: 'text', text: 'A reply the model never gave.' }];
  fixture('forged-bundle.json', JSON.stringify(forged));
  fixture(
    'models-bad.json',
    JSON.stringify([
      {
        id: 'my-model',
        context_window: 32_000,
        max_output_tokens: 64_000,
        pricing: {
          input_per_mtok: 1,
          output_per_mtok: 5,
          cache_write_per_mtok: 1.25,
          cache_read_per_mtok: 0.1,
        },
      },
    ]),
  );
  fixture('models-cut.json', '[{"id": "my-model",');

  // Visibility lists a new workflow a moment after it starts: the witness, and the model catalog
  // that resolved its model.
  initialWorkflows = await waitUntil(workflowIds, (ids) => ids.length === 2);
});

afterAll(async () => {
  await stack?.teardown();
  if (files) fs.rmSync(files, { recursive: true, force: true });
});

const SPEC: SpecDefinition = {
  spec_id: 'SPEC-LIB',
  title: 'Login',
  requirements: ['log in'],
  acceptance_criteria: [],
};
const huge = 'word '.repeat(8_000); // about 10,000 tokens, more than the 8,000-token window

/**
 * [what is wrong, how it is sent, the error expected]. The CLI's error is its stderr (with exit
 * code 1); the library's is `<ErrorClass>: <message>` of what it threw.
 */
const CASES: [string, () => Promise<Outcome>, RegExp][] = [
  // Unknown ids
  ['cli: status of an unknown session', () => cli(['session', 'status', unknownSession]), new RegExp(`^baton: No session '${unknownSession}'\\. List sessions with \`baton session list\`\\.\\n$`)],
  ['cli: send to an unknown session', () => cli(['session', 'send', unknownSession, 'hello']), new RegExp(`^baton: No session '${unknownSession}'`)],
  ['cli: status of an unknown SPEC', () => cli(['spec', 'status', unknownSpec]), new RegExp(`^baton: No SPEC run '${unknownSpec}'\\. Start one with \`baton spec run ${unknownSpec} …\`\\.\\n$`)],
  ['lib: fork of an unknown session', () => lib((b) => b.sessions.fork(unknownForkSource)), new RegExp(`^SessionNotFoundError: No session '${unknownForkSource}'`)],
  // Ids with path or shell characters
  ['cli: id with path characters', () => cli(['session', 'send', '../../etc/passwd', 'hello']), /^baton: '\.\.\/\.\.\/etc\/passwd' is not a valid session id: use letters, digits/],
  ['cli: --id with shell characters', () => cli(['session', 'start', 'a task', '--id', 'x; rm -rf ~']), /^baton: 'x; rm -rf ~' is not a valid session id/],
  ['cli (binary): id with a command substitution', () => binary(['session', 'status', '$(touch pwned)']), /^baton: '\$\(touch pwned\)' is not a valid session id/],
  ['cli: fork --id with a slash', () => cli(['session', 'fork', witness, '--id', 'fork/../../x']), /^baton: 'fork\/\.\.\/\.\.\/x' is not a valid session id/],
  ['lib: status of an id with a slash', () => lib((b) => b.sessions.status('sess/../../x')), /^InvalidInputError: 'sess\/\.\.\/\.\.\/x' is not a valid session id/],
  ['cli: SPEC id with shell characters', () => cli(['spec', 'run', 'SPEC-1;ls', '--title', 'x', '--req', 'y']), /^baton: Invalid SPEC: spec_id must be letters/],
  // Empty and oversized messages
  ['cli: empty message', () => cli(['session', 'send', witness, '']), /^baton: The message is empty: send some text\.\n$/],
  ['lib: whitespace-only message', () => lib((b) => b.sessions.send(witness, ' \n\t ')), /^InvalidInputError: The message is empty: send some text\.$/],
  ['cli: message larger than the window', () => cli(['session', 'send', witness, huge]), /^baton: The message is about 10,000 tokens, more than the model's whole context window \(8,000\)\. Split it or send a summary\.\n$/],
  ['lib: a message that is not a string', () => lib((b) => b.sessions.send(witness, 42 as unknown as string)), /^InvalidInputError: A send request needs a `message` string\.$/],
  // Messages from the wrong place, and turns that cannot be named
  ['cli: send with no message at all', () => cli(['session', 'send', 'witness-session']), /^baton: Give a message: as an argument, "-" to read it from standard input, or --file <path>\.\n$/],
  ['cli: a message and --file both', () => cli(['session', 'send', 'witness-session', 'hi', '--file', path.join(files, 'cut.json')]), /^baton: Give the message either as an argument or with --file, not both/],
  ['cli: --file that does not exist', () => cli(['session', 'send', 'witness-session', '--file', path.join(files, 'nowhere.md')]), /^baton: No file \S+nowhere\.md to read the message from\.\n$/],
  ['cli: a message starting with "-" without "--"', () => cli(['session', 'send', 'witness-session', '- a bullet']), /unknown option '- a bullet'\n\(a message that starts with "-" goes after "--"/],
  ['lib: cancel naming a malformed request id', () => lib((b) => b.sessions.cancel(witness, { request_id: 'a b' })), /^InvalidInputError: A request id is 1 to 64 letters, digits, `_` or `-`\.$/],
  // Invalid thresholds and wrong flag types
  ['cli: summarize-at above rollover-at', () => cli(['session', 'start', 'x', '--summarize-at', '90', '--rollover-at', '80']), /^baton: summarize_at_percent \(90\) must be below rollover_at_percent \(80\)/],
  ['cli: rollover-at of 100', () => cli(['session', 'start', 'x', '--rollover-at', '100']), /option '--rollover-at <percent>' argument '100' is invalid\. expected a percentage between 0 and 100, got '100'\./],
  ['lib: summarize_at_percent of 0', () => lib((b) => b.sessions.start({ settings: { summarize_at_percent: 0 } })), /^InvalidInputError: summarize_at_percent must be a number between 0 and 100 \(exclusive\), got 0/],
  ['cli: --max-output that is not a number', () => cli(['session', 'start', 'x', '--max-output', 'lots']), /option '--max-output <tokens>' argument 'lots' is invalid\. expected a whole number from 1 to/],
  ['cli: --limit below 1', () => cli(['session', 'list', '--limit', '0']), /option '--limit <n>' argument '0' is invalid\. expected a whole number from 1 to 1000, got '0'\./],
  ['cli: --min-tokens that is negative', () => cli(['spec', 'run', 'SPEC-NEG', '--title', 'x', '--req', 'y', '--min-tokens', '-5']), /argument '-5' is invalid\. expected a whole number from 0/],
  ['lib: a decision timeout that is not a duration', () => lib((b) => b.specs.start(SPEC, { decision_timeout: 'soon' })), /^InvalidInputError: decision timeout 'soon' is not a duration \(try 30m, 2h\)\.$/],
  ['cli: bad checkpoint name', () => cli(['session', 'checkpoint', witness, '--name', '../evil']), /^baton: '\.\.\/evil' is not a valid checkpoint name/],
  ['cli: restore to an unknown checkpoint', () => cli(['session', 'restore', witness, 'no-such-checkpoint']), new RegExp(`^baton: No checkpoint 'no-such-checkpoint' in session ${witness}\\. List them with \`baton session checkpoints ${witness}\`\\.\\n$`)],
  ['cli: merge a session with itself', () => cli(['session', 'merge', witness, witness]), new RegExp(`^baton: Cannot merge session ${witness} with itself: name a fork of it\\.\\n$`)],
  // Invalid JSON files
  ['cli: import of a file cut short', () => cli(['session', 'import', path.join(files, 'cut.json')]), /^baton: \S+cut\.json is not valid JSON \(.*\); was it cut short\?\n$/],
  ['cli: import of JSON that is not a bundle', () => cli(['session', 'import', path.join(files, 'not-a-bundle.json'), '--id', 'imported-x']), /^baton: Not a valid baton session bundle: format: .*expected "baton\.session-bundle"\. Was the file cut short or edited\?\n$/],
  ['cli: import of a bundle with a forged message', () => cli(['session', 'import', path.join(files, 'forged-bundle.json'), '--id', 'imported-forged']), /^baton: Bundle node [0-9a-f]{12} does not match its hash \(its content was changed\): the bundle is tampered or corrupt\.\n$/],
  ['cli: import of a file that does not exist', () => cli(['session', 'import', path.join(files, 'nowhere.json')]), /^baton: No file \S+nowhere\.json\.\n$/],
  ['cli: spec run --file cut short', () => cli(['spec', 'run', 'SPEC-FILE', '--file', path.join(files, 'cut.json')]), /^baton: \S+cut\.json is not valid JSON .*was it cut short\?\n$/],
  ['cli: spec run --file holding an array', () => cli(['spec', 'run', 'SPEC-FILE', '--file', path.join(files, 'array.json')]), /^baton: \S+array\.json must hold a JSON object with title and requirements\.\n$/],
  ['lib: import of something that is not a bundle', () => lib((b) => b.sessions.import({ format: 'nope' })), /^InvalidInputError: Not a valid baton session bundle: /],
  // Unknown commands, options and models
  ['cli: unknown subcommand', () => cli(['session', 'frobnicate', witness]), /unknown command 'frobnicate'/],
  ['cli (binary): unknown top-level command', () => binary(['frobnicate']), /unknown command 'frobnicate'/],
  ['cli: an extra argument', () => cli(['session', 'status', witness, 'extra']), /too many arguments/],
  ['cli: unknown model', () => cli(['session', 'start', 'x', '--model', 'gpt-4']), /^baton: Unknown model 'gpt-4'/],
  ['cli: BATON_MODELS_FILE with a bad definition', () => cli(['session', 'start', 'x', '--model', 'my-model'], { BATON_MODELS_FILE: path.join(files, 'models-bad.json') }), /^baton: BATON_MODELS_FILE=\S+models-bad\.json: .*'max_output_tokens' must be smaller than 'context_window'/],
  ['cli: BATON_MODELS_FILE cut short', () => cli(['session', 'list'], { BATON_MODELS_FILE: path.join(files, 'models-cut.json') }), /^baton: BATON_MODELS_FILE=\S+models-cut\.json could not be read as JSON: /],
]; // prettier-ignore

describe('bad input gets a clear error and changes nothing', () => {
  it.each(CASES)('%s', async (_what, run, expected) => {
    const before = await snapshot();
    const outcome = await run();
    expect(outcome.code).toBe(1);
    expect(outcome.errorName ? `${outcome.errorName}: ${outcome.message}` : outcome.message).toMatch(
      expected,
    );
    expect(await snapshot()).toEqual(before);
  });

  it('starts no workflow and writes no conversation file, whatever the case', async () => {
    const before = await stack.baton.sessions.status(witness);
    for (const [what, run] of CASES) expect((await run()).code, what).toBe(1);
    // Visibility lists workflows a moment after they start, so absence cannot be awaited directly:
    // start a marker after every case, and once visibility lists the marker, a workflow a case had
    // started would be listed too.
    const marker = uniqueId('visibility-marker');
    await stack.baton.sessions.start({ id: marker });
    const listed = await waitUntil(workflowIds, (ids) => ids.some((id) => id.startsWith(`${marker}/`)), {
      what: 'the marker session in visibility',
    });
    await stack.baton.sessions.close(marker);
    expect(listed.filter((id) => !id.startsWith('visibility-marker-'))).toEqual(initialWorkflows);
    expect(listFiles(stack.storeDir).every((f) => f.startsWith('nodes/'))).toBe(true);
    // The witness is as it was, and still works.
    const after = await stack.baton.sessions.status(witness);
    expect(after).toMatchObject({ status: 'available', turns: before.turns, head: before.head });
    expect((await stack.baton.sessions.send(witness, 'Still here?')).turn).toBe(before.turns + 1);
  });
});
