/**
 * The environment of a command the model asks for, built from an allow-list: nothing the worker
 * holds (its API key, database URL, Temporal credentials, tokens) reaches it, whatever the
 * worker's own environment contains. Names that look like secrets are refused even when asked for
 * by name.
 */

/** Variables passed through from the worker when set (none of them carries a secret). */
export const PASSED_VARIABLES = ['PATH', 'LANG', 'LANGUAGE', 'TZ'] as const;

/** Locale variables (`LC_ALL`, `LC_CTYPE`…) are passed through too. */
const LOCALE = /^LC_[A-Z]+$/;

/**
 * Names that never reach a command: the model API key and everything of baton's, Temporal's and
 * PostgreSQL's, database and service URLs, and anything named like a key, token, secret,
 * password or credential.
 */
export const SECRET_VARIABLE =
  /^(ANTHROPIC_|BATON_|TEMPORAL_|PG|AWS_|AZURE_|GOOGLE_|GCP_|OPENAI_|GITHUB_|GH_|GITLAB_|NPM_TOKEN|DOCKER_)|^DATABASE_URL$|_(URL|URI|DSN)$|(KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIALS?|AUTH)(_|$)/i;

/** True for a variable name that must not reach a command. */
export function isSecretVariable(name: string): boolean {
  return SECRET_VARIABLE.test(name);
}

/** What a command's environment is made from. */
export interface CommandEnvironmentOptions {
  /** The worker's environment, read for the passed variables only. */
  source: NodeJS.ProcessEnv;
  /** HOME inside the sandbox (a writable scratch folder). */
  home: string;
  /** More names to pass through from `source` (`BATON_COMMAND_ENV`); secret-looking ones are dropped. */
  pass?: readonly string[];
}

/**
 * The environment for a command: PATH, locale and time zone from the worker, `HOME` and `TMPDIR`
 * pointing at scratch space, `CI=true` so that test runners run once instead of watching, and
 * nothing else unless named in `pass`.
 * @example commandEnvironment({ source: process.env, home: '/tmp/home' }).ANTHROPIC_API_KEY // undefined
 */
export function commandEnvironment(options: CommandEnvironmentOptions): Record<string, string> {
  const env: Record<string, string> = {};
  const names = new Set<string>([
    ...PASSED_VARIABLES,
    ...Object.keys(options.source).filter((k) => LOCALE.test(k)),
    ...(options.pass ?? []),
  ]);
  for (const name of names) {
    const value = options.source[name];
    if (value !== undefined && !isSecretVariable(name)) env[name] = value;
  }
  env.PATH ??= '/usr/local/bin:/usr/bin:/bin';
  env.LANG ??= 'C.UTF-8';
  return { ...env, HOME: options.home, TMPDIR: '/tmp', CI: 'true', TERM: 'dumb' };
}
