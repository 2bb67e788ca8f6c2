import { spawn } from 'node:child_process';
import path from 'node:path';

/**
 * Runs one of the `scripts/ensure-*.sh` installers. Its stderr is inherited so apt-get's progress
 * reaches the terminal; its answer (a path) is the last line of its stdout, empty on failure.
 */
export async function runInstallScript(name: string): Promise<{ code: number | null; answer: string }> {
  const script = path.join(__dirname, '..', '..', 'scripts', name);
  const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
    const child = spawn('bash', [script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.on('error', reject);
    child.on('close', (exit) => resolve({ code: exit, stdout: out }));
  });
  return { code, answer: stdout.trim().split('\n').at(-1) ?? '' };
}
