/**
 * A real pseudo-terminal for tests, through tmux: a command runs in a detached tmux session on a
 * private server (its own socket, so a developer's tmux is never touched), keys are typed with
 * `send-keys`, and the screen is read with `capture-pane`. tmux is installed with apt-get when it
 * is missing (scripts/ensure-tmux.sh).
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { runInstallScript } from './install-script';

let tmuxPath: Promise<string> | undefined;

/** The tmux executable, installed first when there is none. */
export function ensureTmux(): Promise<string> {
  return (tmuxPath ??= runInstallScript('ensure-tmux.sh').then(({ code, answer }) => {
    if (code !== 0 || answer === '') {
      throw new Error(
        `tmux is missing and could not be installed (scripts/ensure-tmux.sh exited with ${code}; its messages are above). ` +
          'Install it with `apt-get install tmux` (as root).',
      );
    }
    return answer;
  }));
}

export class TmuxTerminal {
  private constructor(
    private readonly tmux: string,
    private readonly socket: string,
  ) {}

  /**
   * Runs `command` (argv) in a new terminal of `width` × `height` with exactly `env`. When it
   * exits, a line `[exited N]` with its exit status follows its output (tmux's own record of the
   * status is not always there when the pane dies), and the pane stays to be read.
   */
  static async start(
    command: string[],
    env: NodeJS.ProcessEnv,
    size: { width: number; height: number } = { width: 150, height: 50 },
  ): Promise<TmuxTerminal> {
    const tmux = await ensureTmux();
    const terminal = new TmuxTerminal(tmux, `baton-test-${randomUUID().slice(0, 8)}`);
    const envArgs = Object.entries({ ...env, TERM: 'xterm-256color' }).flatMap(([k, v]) =>
      v === undefined ? [] : ['-e', `${k}=${v}`],
    );
    await terminal.run([
      '-f',
      '/dev/null',
      'new-session',
      '-d',
      '-s',
      'test',
      '-x',
      String(size.width),
      '-y',
      String(size.height),
      ...envArgs,
      'sh',
      '-c',
      // The shell outlives a Ctrl-C meant for the command (its trap is reset in the command).
      'trap true INT; "$@"; echo "[exited $?]"',
      'sh',
      ...command,
    ]);
    await terminal.run(['set-option', '-t', 'test', 'remain-on-exit', 'on']);
    await terminal.run(['set-option', '-t', 'test', 'history-limit', '5000']);
    return terminal;
  }

  /** Types text as it is (no key names interpreted). */
  async type(text: string): Promise<void> {
    await this.run(['send-keys', '-t', 'test', '-l', text]);
  }

  /** Presses keys by tmux name: `Enter`, `C-c`, `Up`, `C-u`, `C-d`. */
  async press(...keys: string[]): Promise<void> {
    await this.run(['send-keys', '-t', 'test', ...keys]);
  }

  /** Types a line and presses Enter. */
  async line(text: string): Promise<void> {
    await this.type(text);
    await this.press('Enter');
  }

  /** Everything the pane shows, scrollback included, with wrapped lines joined. */
  async screen(): Promise<string> {
    return this.run(['capture-pane', '-p', '-J', '-S', '-', '-t', 'test']);
  }

  /** Waits until the screen matches, and returns it; fails showing the screen as it was last. */
  async waitFor(pattern: RegExp | string, timeout = 30_000): Promise<string> {
    const deadline = Date.now() + timeout;
    for (;;) {
      const screen = await this.screen();
      if (typeof pattern === 'string' ? screen.includes(pattern) : pattern.test(screen)) return screen;
      if (Date.now() > deadline) {
        throw new Error(
          `The terminal never showed ${String(pattern)}. It shows (the end):\n${screen.trimEnd().split('\n').slice(-25).join('\n')}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** The command's exit status once it has exited, or undefined while it runs. */
  async exitStatus(): Promise<number | undefined> {
    const exited = /^\[exited (\d+)\]$/m.exec(await this.screen());
    return exited ? Number(exited[1]) : undefined;
  }

  /** Stops the terminal and its private tmux server. */
  async close(): Promise<void> {
    await this.run(['kill-server']).catch(() => undefined);
  }

  private run(args: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile(this.tmux, ['-L', this.socket, ...args], { timeout: 10_000 }, (err, stdout, stderr) => {
        if (err) reject(new Error(`tmux ${args[0]} failed: ${stderr || err.message}`));
        else resolve(stdout);
      });
    });
  }
}
