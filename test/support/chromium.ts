/**
 * Debian's `chromium` for the browser tests, installed with apt-get when it is missing
 * (scripts/ensure-chromium.sh). baton never downloads a browser of its own: playwright-core
 * drives this executable.
 */
import { runInstallScript } from './install-script';

/** Where chromium came from, and how long installing it took (undefined when it was there). */
export interface ChromiumExecutable {
  executablePath: string;
  installMs: number | undefined;
}

/**
 * The path of Debian's chromium (or `BATON_CHROMIUM`), installing the `chromium` package first
 * when there is none; apt-get's progress is shown as it runs.
 *
 * @throws Error saying what to install when chromium is missing and cannot be installed here
 * (no apt-get, not root and no passwordless sudo, or the package is unreachable).
 * @example
 * const { executablePath } = await ensureChromium((line) => console.log(line));
 * const browser = await chromium.launch({ executablePath, headless: true });
 */
export async function ensureChromium(
  onProgress: (line: string) => void = () => undefined,
): Promise<ChromiumExecutable> {
  const started = Date.now();
  const result = await runInstallScript('ensure-chromium.sh');
  const executablePath = result.answer;
  if (result.code !== 0 || executablePath === '') {
    throw new Error(
      `Debian's chromium is missing and could not be installed (scripts/ensure-chromium.sh exited with ${result.code}; its messages are above). ` +
        'Install it with `apt-get install --no-install-recommends chromium` (as root), or set BATON_CHROMIUM to a Chromium executable.',
    );
  }
  const elapsed = Date.now() - started;
  // The script answers at once when nothing had to be installed.
  const installMs = elapsed > 2_000 ? elapsed : undefined;
  if (installMs !== undefined) onProgress(`Installed chromium in ${(installMs / 1000).toFixed(1)}s`);
  return { executablePath, installMs };
}
