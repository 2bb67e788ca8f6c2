import type { HandoffStatus } from '../domain/handoff';
import { formatCount } from '../domain/format';
import { failureLines, usd } from './handoff-format';

/** Prints each event of a running chain once, in order, however coarsely it is polled. */
export class HandoffProgress {
  private readonly announced = new Set<number>();
  private readonly finished = new Set<number>();
  private packagesShown = 0;
  private failureShown = '';

  constructor(private readonly say: (line: string) => void) {}

  update(s: HandoffStatus): void {
    const failure = s.failure ? `${s.failure.index}:${s.failure.decide_by}` : '';
    if (failure && failure !== this.failureShown) failureLines(s).forEach((line) => this.say(line));
    this.failureShown = failure;
    const total = s.chain.length;
    for (let index = 1; index <= total; index++) {
      const run = s.agents.find((a) => a.index === index);
      const sessionId = run?.session_id ?? (s.current?.index === index ? s.current.session_id : undefined);
      if (sessionId && !this.announced.has(index)) {
        this.announced.add(index);
        this.say(`▶ ${index}/${total} ${s.chain[index - 1]} · session ${sessionId}`);
      }
      if (run && !this.finished.has(index)) {
        this.finished.add(index);
        const floor =
          run.floor_compactions > 0
            ? ` · compacted ${run.floor_compactions}× first (below the ${formatCount(run.min_tokens_available)}-token floor)`
            : '';
        const tests = run.workspace?.tests;
        this.say(
          `✓ ${index}/${total} ${run.agent} · ${run.model} · ${formatCount(run.tokens)} tokens · ${usd(run.cost_usd)} · ` +
            `context ${run.position_percent}%, ${formatCount(run.tokens_available)} available${floor}` +
            (run.workspace ? ` · commit ${run.workspace.commit.slice(0, 12)}` : '') +
            (tests ? ` · \`${tests.command}\` passed` : ''),
        );
      }
      const pkg = s.packages[index - 1];
      if (pkg && this.packagesShown < index) {
        this.packagesShown = index;
        const cp = pkg.last_checkpoint;
        const ws = pkg.workspace;
        this.say(
          `→ package ${pkg.package_id} ${pkg.from_agent} → ${pkg.to_agent} (valid)` +
            (cp ? ` · checkpoint ${cp.name} at ${cp.head.slice(0, 12)}` : '') +
            (ws ? ` · commit ${ws.commit.slice(0, 12)} (${ws.files_changed.length} file(s) changed)` : ''),
        );
      }
    }
  }
}
