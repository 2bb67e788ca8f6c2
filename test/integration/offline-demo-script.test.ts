/**
 * The example offline script (docs/examples/sum.offline-script.json) drives a real RED → GREEN →
 * refactor in a fresh workspace: the offline model answers each SPEC phase message with tool_use
 * blocks, the workspace executors run them (real files, real `node --test` under bubblewrap), the
 * tool results go back to the model, and each phase is verified by running the tests: RED must
 * fail, GREEN and refactor must pass. This is the loop the SPEC workflow runs through activities,
 * here without Temporal, so the script and the executors are checked on their own.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { phaseMessage, SPEC_PHASES, type SpecPhaseName } from '../../src/domain/spec';
import {
  BASH_TOOL_NAME,
  EDITOR_TOOL_NAME,
  gateVerdict,
  workspaceToolDefinitions,
  type VerificationResult,
} from '../../src/domain/workspace';
import { createAnthropicClient, loadOfflineScript, OfflineModel } from '../../src/model';
import { FileConversationStore } from '../../src/store';
import {
  claimWorkspace,
  commitWorkspace,
  runBashTool,
  runEditorTool,
  verifyWorkspace,
  WorkspaceHost,
} from '../../src/workspace';
import { ensureBubblewrap } from '../support/bubblewrap';
import { SUM_SCRIPT, sumSpec } from '../support/sum-spec';

const SPEC = sumSpec('SPEC-SUM');
const GATES: Partial<Record<SpecPhaseName, 'fail' | 'pass'>> = {
  red: 'fail',
  green: 'pass',
  refactor: 'pass',
};

let base: string;
let store: FileConversationStore;
let model: OfflineModel;

beforeAll(async () => {
  await ensureBubblewrap();
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-demo-script-'));
  store = new FileConversationStore({ root: path.join(base, 'store') });
  model = await OfflineModel.start({ script: await loadOfflineScript(SUM_SCRIPT) });
});

afterAll(async () => {
  await model?.stop();
  await store?.close();
  fs.rmSync(base, { recursive: true, force: true });
});

describe('the example offline script', () => {
  it('implements the SPEC in a fresh workspace: RED fails, GREEN passes, refactor still passes', async () => {
    const host = await WorkspaceHost.create({ stateDir: path.join(base, 'state'), store });
    const claim = await claimWorkspace(host, { path: path.join(base, 'project') });
    const client = createAnthropicClient({ baseURL: model.baseURL });
    const tools = workspaceToolDefinitions() as Anthropic.ToolUnion[];
    const messages: Anthropic.MessageParam[] = [];
    const verdicts: Record<string, VerificationResult> = {};
    const toolsCalled: string[] = [];
    const figures: string[] = [];

    for (const phase of SPEC_PHASES) {
      const started = Date.now();
      messages.push({ role: 'user', content: phaseMessage(SPEC, phase) });
      for (let round = 0; round < 10; round++) {
        const reply = await client.messages.create({
          model: 'claude-sonnet-4-6',
          max_tokens: 4096,
          tools,
          messages,
        });
        messages.push({ role: 'assistant', content: reply.content });
        if (reply.stop_reason !== 'tool_use') break;
        const results: Anthropic.ToolResultBlockParam[] = [];
        for (const block of reply.content) {
          if (block.type !== 'tool_use') continue;
          const call = { path: claim.path, tool_use_id: block.id, input: block.input };
          const result =
            block.name === EDITOR_TOOL_NAME
              ? await runEditorTool(host, call, { scope: SPEC.spec_id })
              : block.name === BASH_TOOL_NAME
                ? await runBashTool(host, call, { scope: SPEC.spec_id })
                : undefined;
          if (!result) throw new Error(`the script called an unknown tool ${block.name}`);
          toolsCalled.push(`${phase}:${block.name}`);
          results.push({
            type: 'tool_result',
            tool_use_id: block.id,
            content: result.content,
            is_error: result.is_error,
          });
        }
        messages.push({ role: 'user', content: results });
      }
      const expectation = GATES[phase];
      if (expectation) {
        const verification = await verifyWorkspace(host, { path: claim.path, command: 'node --test' }, {});
        verdicts[phase] = verification;
        const verdict = gateVerdict(expectation, verification);
        expect(verdict.ok, `${phase}: ${verdict.reason}\n${verification.output_tail}`).toBe(true);
      }
      await commitWorkspace(host, {
        path: claim.path,
        message: `baton: ${SPEC.spec_id} ${phase} complete`,
        checkpoint: true,
      });
      figures.push(`${phase} ${Date.now() - started} ms`);
    }

    expect(toolsCalled).toEqual([
      `red:${EDITOR_TOOL_NAME}`,
      `red:${BASH_TOOL_NAME}`,
      `green:${EDITOR_TOOL_NAME}`,
      `green:${BASH_TOOL_NAME}`,
      `refactor:${EDITOR_TOOL_NAME}`,
      `refactor:${BASH_TOOL_NAME}`,
    ]);
    expect(verdicts.red?.passed).toBe(false);
    expect(verdicts.red?.output_tail).toMatch(/# fail [1-9]/);
    expect(verdicts.green?.output_tail).toMatch(/# pass 2\n# fail 0/);
    expect(fs.readFileSync(path.join(claim.path, 'src', 'sum.js'), 'utf8')).toMatch(
      /^\/\*\* Adds two numbers/,
    );
    // The model read the tool results: RED's last reply quotes the failing run.
    const texts = messages
      .filter((m) => m.role === 'assistant')
      .flatMap((m) =>
        typeof m.content === 'string'
          ? [m.content]
          : m.content.flatMap((b) => (b.type === 'text' ? [b.text] : [])),
      );
    expect(
      texts.some((t) => /^The tests fail as they should .*Cannot find module '\.\.\/src\/sum\.js'/s.test(t)),
    ).toBe(true);
    console.log(
      `[figures] verified phases on the example SPEC (model + tools + verification + checkpoint): ${figures.join(', ')}`,
    );
  }, 120_000);
});
