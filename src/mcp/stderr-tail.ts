/**
 * The last lines a server wrote to stderr. MCP servers explain why they exit on stderr (a missing
 * folder, a bad token), so start and crash errors quote the tail instead of leaving the user to
 * rerun the command by hand. Bounded, because a chatty server may log for days.
 */
export class StderrTail {
  readonly #lines: string[] = [];
  #partial = '';

  constructor(
    private readonly maxLines = 10,
    private readonly maxLineChars = 500,
  ) {}

  /** Adds a chunk of output; calls `onLine` for every complete line. */
  push(chunk: string, onLine?: (line: string) => void): void {
    const parts = (this.#partial + chunk).split(/\r?\n/);
    this.#partial = parts.pop() ?? '';
    for (const line of parts) {
      if (line.trim() === '') continue;
      this.#lines.push(line.slice(0, this.maxLineChars));
      if (this.#lines.length > this.maxLines) this.#lines.shift();
      onLine?.(line);
    }
  }

  /** The retained lines (and any unterminated last line), joined by newlines. */
  text(): string {
    const partial = this.#partial.trim() === '' ? [] : [this.#partial.slice(0, this.maxLineChars)];
    return [...this.#lines, ...partial].join('\n');
  }
}
