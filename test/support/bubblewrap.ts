/**
 * Debian's bubblewrap for the workspace tests, installed with apt-get when it is missing
 * (scripts/ensure-bubblewrap.sh), and proven able to build a sandbox on this machine.
 */
import { runInstallScript } from './install-script';

/**
 * The path of bwrap, installing the `bubblewrap` package first when there is none.
 * @throws Error saying what to do when bubblewrap is missing and cannot be installed, or cannot
 * create a sandbox here.
 */
export async function ensureBubblewrap(): Promise<string> {
  const result = await runInstallScript('ensure-bubblewrap.sh');
  if (result.code !== 0 || result.answer === '') {
    throw new Error(
      `bubblewrap is missing or cannot create a sandbox here (scripts/ensure-bubblewrap.sh exited with ${String(result.code)}; its messages are above). ` +
        'Install it with `apt-get install bubblewrap` (as root) on a machine that allows user namespaces.',
    );
  }
  return result.answer;
}
