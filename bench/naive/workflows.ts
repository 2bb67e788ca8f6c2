/**
 * The naive baseline workflow: the conversation lives in workflow state, and every turn passes all
 * of it to the activity, which returns all of it. Its history therefore grows with the square of the
 * turn count, which is what baton's content-addressed store avoids. It is deliberately small and
 * never continues-as-new, so the benchmark can show where Temporal's history limits stop it.
 */
import type Anthropic from '@anthropic-ai/sdk';
import { allHandlersFinished, condition, proxyActivities, setHandler } from '@temporalio/workflow';
import type { NaiveActivities } from './activities';
import { naiveCloseSignal, naiveSendUpdate, type NaiveSessionInput } from './contract';

const { naiveModelTurn } = proxyActivities<NaiveActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumAttempts: 3 },
});

/** A naive session: serves `naiveSend` updates one at a time until `naiveClose`. */
export async function naiveSessionWorkflow(input: NaiveSessionInput): Promise<void> {
  let conversation: Anthropic.MessageParam[] = [];
  let closed = false;
  // Turns run in arrival order, like baton's; a failed turn does not block the next one.
  let queue: Promise<unknown> = Promise.resolve();

  const runTurn = async (text: string): Promise<string> => {
    const content: Anthropic.TextBlockParam[] = [{ type: 'text', text }];
    // The task and the first message form one user message, as baton's store path renders them.
    if (conversation.length === 0 && input.task) content.unshift({ type: 'text', text: input.task });
    const result = await naiveModelTurn({
      model: input.model,
      max_tokens: input.max_tokens,
      messages: [...conversation, { role: 'user', content }],
    });
    conversation = result.messages;
    return result.reply;
  };

  setHandler(naiveSendUpdate, (text) => {
    const turn = queue.then(() => runTurn(text));
    queue = turn.catch(() => undefined);
    return turn;
  });
  setHandler(naiveCloseSignal, () => {
    closed = true;
  });
  await condition(() => closed);
  await condition(allHandlersFinished);
}
