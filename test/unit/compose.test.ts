/**
 * The production deployment files: docker-compose.yml validated by a real Compose
 * (`docker-compose config`, installed from Debian's packages when missing; no Docker engine is
 * needed to validate), the Dockerfile's shape, that no secret is written in either, and the
 * search-attribute setup script run against the real dev server.
 */
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { generateEncryptionKey } from '../../src/codec';
import { BATON_SEARCH_ATTRIBUTES } from '../../src/domain/visibility';
import {
  TEMPORAL_SERVER_VERSION,
  TEMPORAL_UI_SERVER_VERSION,
} from '../../src/temporal/temporal-server-build';
import { readEnvFile } from '../support/temporal-server';

const run = promisify(execFile);
const ROOT = path.join(__dirname, '..', '..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

/** Values that must reach the containers but never appear in any file. */
const SECRETS = {
  POSTGRES_PASSWORD: `pg${randomBytes(9).toString('hex')}`,
  ANTHROPIC_API_KEY: `sk-ant-api03-${randomBytes(12).toString('hex')}`,
  BATON_ENCRYPTION_KEY: generateEncryptionKey(),
};

interface ComposeService {
  image?: string;
  build?: { context: string };
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string | null>;
  depends_on?: Record<string, { condition: string }>;
  profiles?: string[];
  user?: string;
  volumes?: (string | { source?: string; target: string })[];
  ports?: unknown[];
  network_mode?: string;
}

interface ComposeConfig {
  services: Record<string, ComposeService>;
}

/** `docker compose` or the path of `docker-compose`, installed first when missing. */
async function ensureCompose(): Promise<string[]> {
  const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
    // stderr is inherited so apt-get's progress is visible in the test output.
    const child = spawn('bash', [path.join(ROOT, 'deploy', 'ensure-docker-compose.sh')], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.on('error', reject);
    child.on('close', (exit) => resolve({ code: exit, stdout: out }));
  });
  const command = stdout.trim().split('\n').at(-1) ?? '';
  if (code !== 0 || command === '') {
    throw new Error(
      `Docker Compose is not installed and could not be installed (deploy/ensure-docker-compose.sh exited with ${code}; see its messages above). ` +
        'Install it with `apt-get install docker-compose` as root, or install the Docker Compose plugin, then run the tests again.',
    );
  }
  return command.split(' ');
}

let compose: string[];
/** An empty env file, so a developer's own .env does not leak into the checks. */
let emptyEnvFile: string;

beforeAll(async () => {
  compose = await ensureCompose();
  emptyEnvFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'baton-compose-')), 'empty.env');
  fs.writeFileSync(emptyEnvFile, '');
}, 600_000);

afterAll(() => {
  if (emptyEnvFile) fs.rmSync(path.dirname(emptyEnvFile), { recursive: true, force: true });
});

let composeV1: Promise<boolean> | undefined;

/** Compose v1 (Debian's Python docker-compose) prints YAML only; v2 prints JSON when asked. */
function isComposeV1(): Promise<boolean> {
  const [file, ...prefix] = compose as [string, ...string[]];
  composeV1 ??= run(file, [...prefix, 'version', '--short']).then(({ stdout }) =>
    /^v?1\./.test(stdout.trim()),
  );
  return composeV1;
}

/** YAML to JSON with PyYAML, which Compose v1 (a Python program) depends on. */
function yamlToJson(yaml: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'python3',
      ['-c', 'import sys, json, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)'],
      (err, out) => {
        if (err) reject(new Error(`python3 could not read the YAML: ${err.message}`));
        else resolve(out);
      },
    );
    child.stdin?.end(yaml);
  });
}

/** Runs `compose config` with `env` (plus PATH/HOME) and returns the parsed result. */
async function composeConfig(env: Record<string, string>, extra: string[] = []): Promise<ComposeConfig> {
  const [file, ...prefix] = compose as [string, ...string[]];
  const args = [
    ...prefix,
    '--env-file',
    emptyEnvFile,
    '-f',
    path.join(ROOT, 'docker-compose.yml'),
    'config',
    ...extra,
  ];
  const options = { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), ...env } };
  if (await isComposeV1())
    return JSON.parse(await yamlToJson((await run(file, args, options)).stdout)) as ComposeConfig;
  return JSON.parse((await run(file, [...args, '--format', 'json'], options)).stdout) as ComposeConfig;
}

/**
 * The file as written, before `${…}` substitution. Compose v1 cannot print that (it validates
 * `"${PORT}:8080"` as a bad port), so it is parsed directly.
 */
async function rawComposeConfig(): Promise<ComposeConfig> {
  if (await isComposeV1()) return JSON.parse(await yamlToJson(read('docker-compose.yml'))) as ComposeConfig;
  return composeConfig({}, ['--no-interpolate']);
}

function service(config: ComposeConfig, name: string): ComposeService {
  const found = config.services[name];
  if (!found) throw new Error(`no service ${name}`);
  return found;
}

describe('docker-compose.yml', () => {
  let config: ComposeConfig;

  beforeAll(async () => {
    config = await composeConfig({ ...SECRETS, BATON_CODEC_ENDPOINT: 'http://localhost:8888' });
  }, 120_000);

  it('is valid and runs PostgreSQL, Temporal with its schema setup, the UI, the worker and the codec server', () => {
    expect(Object.keys(config.services).sort()).toEqual([
      'codec-server',
      'postgresql',
      'temporal',
      'temporal-schema',
      'temporal-setup',
      'temporal-ui',
      'worker',
    ]);
    expect(service(config, 'postgresql').image).toMatch(/^postgres:/);
    expect(service(config, 'temporal').image).toMatch(/^temporalio\/server:/);
    expect(service(config, 'temporal-schema').image).toMatch(/^temporalio\/admin-tools:/);
    expect(service(config, 'temporal-setup').image).toMatch(/^temporalio\/admin-tools:/);
    expect(service(config, 'temporal-ui').image).toMatch(/^temporalio\/ui:/);
    expect(read('docker-compose.yml')).not.toMatch(/temporalio\/auto-setup/);
  });

  it('runs the Temporal versions the topology tests build, with the settings and dynamic config they use', () => {
    const tag = (image: string | undefined) => `v${image?.split(':')[1] ?? ''}`;
    expect(tag(service(config, 'temporal').image)).toBe(TEMPORAL_SERVER_VERSION);
    expect(tag(service(config, 'temporal-schema').image)).toBe(TEMPORAL_SERVER_VERSION);
    expect(tag(service(config, 'temporal-setup').image)).toBe(TEMPORAL_SERVER_VERSION);
    expect(tag(service(config, 'temporal-ui').image)).toBe(TEMPORAL_UI_SERVER_VERSION);
    // deploy/temporal/server.env reaches the server (as it reaches the tests' server).
    expect(service(config, 'temporal').environment).toMatchObject(
      readEnvFile(path.join(ROOT, 'deploy', 'temporal', 'server.env')),
    );
    const temporal = service(config, 'temporal');
    expect(temporal.environment?.DYNAMIC_CONFIG_FILE_PATH).toBe('config/dynamicconfig/production-sql.yaml');
    const mounted = (temporal.volumes ?? []).map((v) =>
      typeof v === 'string' ? v.split(':')[0] : (v.source ?? ''),
    );
    expect(mounted).toContain(path.join(ROOT, 'deploy', 'temporal', 'dynamicconfig'));
    expect(read('deploy/temporal/dynamicconfig/production-sql.yaml')).toMatch(
      /^system\.enableActivityEagerExecution:\n {2}- value: true$/m,
    );
    expect(read('deploy/temporal/dynamicconfig/production-sql.yaml')).toMatch(
      /^history\.transferProcessorMaxPollRPS:\n {2}- value: 200$/m,
    );
  });

  it('sets up Temporal’s schema with temporal-sql-tool before the server starts', () => {
    expect(service(config, 'temporal').depends_on).toEqual({
      'temporal-schema': { condition: 'service_completed_successfully' },
    });
    expect(service(config, 'temporal').environment).toMatchObject({
      DB: 'postgres12',
      POSTGRES_SEEDS: 'postgresql',
    });
    const script = read('deploy/temporal/setup-postgres-schema.sh');
    expect(script).toMatch(/temporal-sql-tool --plugin postgres12/);
    for (const step of [
      /setup-schema -v 0\.0/,
      /update-schema -d "\$SCHEMA_ROOT\/temporal\/versioned"/,
      /update-schema -d "\$SCHEMA_ROOT\/visibility\/versioned"/,
    ]) {
      expect(script).toMatch(step);
    }
  });

  it('registers exactly baton’s search attributes in a one-shot service the worker waits for', () => {
    const cliType: Record<string, string> = {
      KEYWORD: 'Keyword',
      TEXT: 'Text',
      INT: 'Int',
      DOUBLE: 'Double',
      BOOL: 'Bool',
      DATETIME: 'Datetime',
      KEYWORD_LIST: 'KeywordList',
    };
    const script = read('deploy/temporal/register-search-attributes.sh');
    const listed = /SEARCH_ATTRIBUTES="([^"]+)"/.exec(script)?.[1]?.split(' ');
    expect(listed).toEqual(BATON_SEARCH_ATTRIBUTES.map((k) => `${k.name}:${cliType[k.type]}`));
    expect(service(config, 'worker').depends_on).toMatchObject({
      'temporal-setup': { condition: 'service_completed_successfully' },
      postgresql: { condition: 'service_healthy' },
    });
  });

  it('builds the worker from the Dockerfile, pointed at the Postgres store, with the API key from the environment', () => {
    const worker = service(config, 'worker');
    expect(worker.build?.context).toBe(ROOT);
    expect(worker.user).toBeUndefined();
    expect(worker.environment).toMatchObject({
      TEMPORAL_ADDRESS: 'temporal:7233',
      BATON_STORE_URL: `postgres://baton:${SECRETS.POSTGRES_PASSWORD}@postgresql:5432/baton`,
      ANTHROPIC_API_KEY: SECRETS.ANTHROPIC_API_KEY,
      BATON_ENCRYPTION_KEY: SECRETS.BATON_ENCRYPTION_KEY,
    });
  });

  it('runs the codec server in the encryption profile, on the host’s loopback only, and points the UI at it', () => {
    const codec = service(config, 'codec-server');
    expect(codec.profiles).toEqual(['encryption']);
    // Host networking and loopback: the browser on this host reaches it, and nobody else can,
    // since beyond loopback it would need a bearer token the Temporal UI cannot send.
    expect(codec.network_mode).toBe('host');
    expect(codec.ports ?? []).toEqual([]);
    expect(codec.command).toEqual(
      expect.arrayContaining(['codec-server', '--host', '127.0.0.1', '--port', '8888', '--origin']),
    );
    expect(codec.environment?.BATON_ENCRYPTION_KEY).toBe(SECRETS.BATON_ENCRYPTION_KEY);
    expect(service(config, 'temporal-ui').environment?.TEMPORAL_CODEC_ENDPOINT).toBe('http://localhost:8888');
  });

  it('leaves the UI without a codec and the worker unencrypted when no key is given', async () => {
    const plain = await composeConfig({ POSTGRES_PASSWORD: SECRETS.POSTGRES_PASSWORD });
    expect(service(plain, 'temporal-ui').environment?.TEMPORAL_CODEC_ENDPOINT).toBe('');
    expect(service(plain, 'worker').environment?.BATON_ENCRYPTION_KEY).toBe('');
    expect(service(plain, 'worker').environment?.ANTHROPIC_API_KEY).toBe('');
  });

  it('refuses to start without POSTGRES_PASSWORD, saying where to set it', async () => {
    const failure: unknown = await composeConfig({}).catch((e: unknown) => e);
    expect(String((failure as { stderr?: string }).stderr)).toMatch(
      /set POSTGRES_PASSWORD \(see deploy\/env\.example\)/,
    );
  });

  it('writes no secret: every credential is a ${…} reference resolved from the environment', async () => {
    const files = ['docker-compose.yml', 'Dockerfile', '.dockerignore', 'deploy/env.example'];
    for (const file of files) {
      for (const secret of Object.values(SECRETS)) expect(read(file)).not.toContain(secret);
      expect(read(file)).not.toMatch(/sk-ant-[a-z0-9]/i);
    }
    const raw = await rawComposeConfig();
    const credential = /PASSWORD|PWD|API_KEY|SECRET|TOKEN|ENCRYPTION_KEY/;
    let checked = 0;
    for (const [name, svc] of Object.entries(raw.services)) {
      for (const [variable, value] of Object.entries(svc.environment ?? {})) {
        if (!credential.test(variable) || variable === 'BATON_ENCRYPTION_KEY_ID') continue;
        checked++;
        expect(value, `${name}.${variable}`).toMatch(/^\$\{[A-Z_]+(:[-?][^}]*)?\}$/);
      }
    }
    expect(checked).toBeGreaterThanOrEqual(8);
    // The store URL embeds the password only by reference.
    expect(raw.services.worker?.environment?.BATON_STORE_URL).toMatch(
      /:\$\{POSTGRES_PASSWORD:\?[^}]*\}@postgresql/,
    );
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const stages = dockerfile.split(/^FROM /m).slice(1);
  const runtime = stages.at(-1) ?? '';

  it('is multi-stage: builds with npm ci, npm run build and a prebuilt workflow bundle', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const build = stages[0] ?? '';
    expect(build).toMatch(/RUN npm ci/);
    expect(build).toMatch(/npm run build/);
    expect(build).toMatch(/npx tsx scripts\/bundle-workflows\.ts dist\/workflow-bundle\.js/);
    expect(runtime).toMatch(/COPY --from=build \/app\/dist \.\/dist/);
    expect(runtime).toMatch(/BATON_WORKFLOW_BUNDLE=\/app\/dist\/workflow-bundle\.js/);
  });

  it('runs the worker as a non-root user', () => {
    const users = [...runtime.matchAll(/^USER\s+(\S+)/gm)].map((m) => m[1]);
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).toBe('node');
    expect(users).not.toContain('root');
    expect(runtime).toMatch(/CMD \["node", "dist\/worker\.js"\]/);
  });

  it('bakes in no credentials and keeps them out of the build context', () => {
    expect(dockerfile).not.toMatch(/^(ENV|ARG)\s+[^\n]*(API_KEY|PASSWORD|ENCRYPTION_KEY)/m);
    const ignored = read('.dockerignore').split('\n');
    for (const entry of ['.env', 'node_modules', '.baton', '.git']) expect(ignored).toContain(entry);
  });

  it('copies only files that exist', () => {
    for (const match of dockerfile.matchAll(/^COPY (?!--from)(.+?) \S+$/gm)) {
      for (const source of (match[1] ?? '').split(' '))
        expect(fs.existsSync(path.join(ROOT, source)), source).toBe(true);
    }
  });
});

describe('deploy/temporal/register-search-attributes.sh against the dev server', () => {
  it('creates the namespace and the search attributes, and changes nothing when run again', async () => {
    const cli = inject('temporalCliPath');
    const address = inject('temporalAddress');
    const namespace = `compose-test-${randomBytes(4).toString('hex')}`;
    const env = {
      PATH: `${path.dirname(cli)}:${process.env.PATH ?? ''}`,
      // The CLI looks for its config file under $HOME, as it does in the admin-tools image.
      HOME: os.tmpdir(),
      TEMPORAL_ADDRESS: address,
      TEMPORAL_NAMESPACE: namespace,
    };
    const script = path.join(ROOT, 'deploy', 'temporal', 'register-search-attributes.sh');
    const first = await run('sh', [script], { env, timeout: 120_000 });
    expect(first.stdout).toContain(`Created namespace ${namespace}`);
    const second = await run('sh', [script], { env, timeout: 120_000 });
    expect(second.stdout).toContain(`Namespace ${namespace} exists`);
    const { stdout } = await run(cli, [
      'operator',
      'search-attribute',
      'list',
      '--address',
      address,
      '-n',
      namespace,
    ]);
    for (const key of BATON_SEARCH_ATTRIBUTES) expect(stdout).toMatch(new RegExp(`\\b${key.name}\\b`));
  }, 180_000);

  it('is valid POSIX shell, as is the schema script', async () => {
    for (const script of ['register-search-attributes.sh', 'setup-postgres-schema.sh']) {
      await run('sh', ['-n', path.join(ROOT, 'deploy', 'temporal', script)]);
    }
  });
});
