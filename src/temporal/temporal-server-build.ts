import path from 'node:path';
import { batonCacheDir } from './cache-dir';
import { goInstall, isExecutable, type GoInstallRequest } from './go-install';
import { TemporalServerBuildError } from './errors';

/**
 * The Temporal server that baton runs in production shape (docker-compose.yml's
 * `temporalio/server` and `temporalio/admin-tools` tags match it). v1.32 needs Go 1.26.10 or newer;
 * `go` fetches the pinned toolchain below from the module proxy when the local one is older.
 */
export const TEMPORAL_SERVER_VERSION = 'v1.32.2';
/** The Temporal UI server (docker-compose.yml's `temporalio/ui` tag matches it). */
export const TEMPORAL_UI_SERVER_VERSION = 'v2.49.1';
/** The Go toolchain both are built with (`GOTOOLCHAIN`), unless the environment names one. */
export const TEMPORAL_GO_TOOLCHAIN = 'go1.27.3';

/** The built server, its schema tool, and the schema files they need. */
export interface TemporalServerInstall {
  version: string;
  /** `temporal-server`, as the `temporalio/server` image calls it. */
  serverPath: string;
  /** `temporal-sql-tool`, as the `temporalio/admin-tools` image calls it. */
  sqlToolPath: string;
  /** `schema/postgresql/v12` of the module (what admin-tools has at /etc/temporal/schema/postgresql/v12). */
  postgresSchemaDir: string;
}

/** The built UI server and the configuration folder its image uses. */
export interface TemporalUiServerInstall {
  version: string;
  uiServerPath: string;
  /** Holds `docker.yaml`, the template the `temporalio/ui` image renders from its environment. */
  configDir: string;
}

export interface BuildOptions {
  env?: NodeJS.ProcessEnv;
  /** Receives one line per step of a first-time build ("downloading …", elapsed time). */
  onProgress?: (line: string) => void;
}

const NO_GO =
  'Install Go 1.21 or newer (https://go.dev/dl/ or `apt-get install golang`; it downloads the ' +
  `${TEMPORAL_GO_TOOLCHAIN} toolchain it needs from the Go module proxy), then run again.`;
const HINT =
  'Check that Go can reach its module proxy (GOPROXY) and download the toolchain it needs ' +
  `(GOTOOLCHAIN=${TEMPORAL_GO_TOOLCHAIN}), then run again.`;

/** `<cache>/temporal-server-v1.32.2`. */
export function temporalServerDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(batonCacheDir(env), `temporal-server-${TEMPORAL_SERVER_VERSION}`);
}

/** `<cache>/temporal-ui-server-v2.49.1`. */
export function temporalUiServerDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(batonCacheDir(env), `temporal-ui-server-${TEMPORAL_UI_SERVER_VERSION}`);
}

/**
 * The Temporal server and its SQL schema tool from baton's per-machine cache, built once with
 * `go install go.temporal.io/server/cmd/{server,tools/sql}@v1.32.2` when missing (about four
 * minutes), with the module's PostgreSQL schema copied beside them.
 *
 * @throws TemporalServerBuildError when Go is missing or the build fails, saying what to do.
 */
export async function findOrBuildTemporalServer(options: BuildOptions = {}): Promise<TemporalServerInstall> {
  const env = options.env ?? process.env;
  const dir = temporalServerDir(env);
  const install: TemporalServerInstall = {
    version: TEMPORAL_SERVER_VERSION,
    serverPath: path.join(dir, 'bin', 'temporal-server'),
    sqlToolPath: path.join(dir, 'bin', 'temporal-sql-tool'),
    postgresSchemaDir: path.join(dir, 'schema', 'postgresql', 'v12'),
  };
  if (await isExecutable(install.serverPath)) return install;
  await goInstall(
    request(env, options, {
      what: 'the Temporal server',
      module: 'go.temporal.io/server',
      version: TEMPORAL_SERVER_VERSION,
      packages: [
        { path: 'cmd/server', binary: 'temporal-server' },
        { path: 'cmd/tools/sql', binary: 'temporal-sql-tool' },
      ],
      files: ['schema/postgresql/v12'],
      target: dir,
    }),
  );
  return install;
}

/**
 * The Temporal UI server from baton's per-machine cache, built once with
 * `go install github.com/temporalio/ui-server/v2/cmd/server@v2.49.1` when missing, with the
 * module's `config/docker.yaml` (the template the `temporalio/ui` image uses) beside it.
 *
 * @throws TemporalServerBuildError when Go is missing or the build fails, saying what to do.
 */
export async function findOrBuildTemporalUiServer(
  options: BuildOptions = {},
): Promise<TemporalUiServerInstall> {
  const env = options.env ?? process.env;
  const dir = temporalUiServerDir(env);
  const install: TemporalUiServerInstall = {
    version: TEMPORAL_UI_SERVER_VERSION,
    uiServerPath: path.join(dir, 'bin', 'temporal-ui-server'),
    configDir: path.join(dir, 'config'),
  };
  if (await isExecutable(install.uiServerPath)) return install;
  await goInstall(
    request(env, options, {
      what: 'the Temporal UI server',
      module: 'github.com/temporalio/ui-server/v2',
      version: TEMPORAL_UI_SERVER_VERSION,
      packages: [{ path: 'cmd/server', binary: 'temporal-ui-server' }],
      files: ['config/docker.yaml'],
      target: dir,
    }),
  );
  return install;
}

function request(
  env: NodeJS.ProcessEnv,
  options: BuildOptions,
  what: Pick<GoInstallRequest, 'what' | 'module' | 'version' | 'packages' | 'files' | 'target'>,
): GoInstallRequest {
  return {
    ...what,
    env,
    // A GOTOOLCHAIN the user set wins; `local` (Debian's default) would refuse the newer go line.
    toolchain: env.GOTOOLCHAIN && env.GOTOOLCHAIN !== 'local' ? env.GOTOOLCHAIN : TEMPORAL_GO_TOOLCHAIN,
    progress: options.onProgress ?? (() => undefined),
    noGoMessage: `No Go toolchain on PATH to build ${what.what} ${what.version}. ${NO_GO}`,
    hint: HINT,
    fail: (message) => new TemporalServerBuildError(message),
  };
}
