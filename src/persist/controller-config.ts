// `persistence:` and `synchronization:` of the workflow-controller ConfigMap, as upstream reads
// them (one `config` key holding the whole configuration, or one key per field), resolved into the
// databases to open. User names and passwords come from Secrets in the controller's namespace.
// Besides upstream's `postgresql:` and `mysql:`, `sqlite: {path: FILE}` names an embedded database.
import { commonJsExports } from '../commonjs-import.js';
import type { ConfigMap, Secret, SecretKeySelector } from '../model/meta.js';
import type { ArchiveDatabase } from './index.js';
import { MYSQL_TLS_VALUES, type MysqlTls } from './mysql-session.js';
import { SSL_MODES } from './postgres-session.js';

interface DatabaseFields {
  host?: string;
  port?: number | string;
  database?: string;
  tableName?: string;
  userNameSecret?: SecretKeySelector;
  passwordSecret?: SecretKeySelector;
  ssl?: boolean;
  sslMode?: string;
  /** MySQL: the Go driver's connection parameters; `tls` is the one applied here. */
  options?: Record<string, string>;
}

interface ConnectionPool {
  maxIdleConns?: number;
  maxOpenConns?: number;
  connMaxLifetime?: string;
}

interface DatabaseChoice {
  postgresql?: DatabaseFields;
  mysql?: DatabaseFields;
  sqlite?: { path?: string };
  connectionPool?: ConnectionPool;
}

export interface PersistenceConfig extends DatabaseChoice {
  archive?: boolean;
  archiveTTL?: string;
  archiveLabelSelector?: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] };
  clusterName?: string;
  nodeStatusOffLoad?: boolean;
  skipMigration?: boolean;
}

export interface SynchronizationConfig extends DatabaseChoice {
  controllerName?: string;
  limitTableName?: string;
  stateTableName?: string;
  controllerTableName?: string;
  lockTableName?: string;
  pollSeconds?: number;
  heartbeatSeconds?: number;
  inactiveControllerSeconds?: number;
  semaphoreLimitCacheSeconds?: number;
  skipMigration?: boolean;
  enableAPI?: boolean;
}

export class ControllerConfigError extends Error {}

/**
 * The two blocks from the ConfigMap; a block that is absent is undefined. The YAML parser is
 * loaded only for a ConfigMap that has text to parse: reads on the local backend (`argo list`)
 * open the archive through here and load no YAML parser when nothing is configured.
 */
export async function readPersistenceConfig(cm: ConfigMap | undefined): Promise<{
  persistence?: PersistenceConfig;
  synchronization?: SynchronizationConfig;
}> {
  const data = cm?.data ?? {};
  const where = `ConfigMap ${cm?.metadata.namespace ?? ''}/${cm?.metadata.name ?? ''}`;
  const texts = [data.config, data.persistence, data.synchronization];
  const parseYaml = texts.some((t) => t !== undefined)
    ? (await commonJsExports(import('yaml'))).parse
    : undefined;
  const parse = (key: string, text: string | undefined): unknown => {
    if (text === undefined) return undefined;
    try {
      return parseYaml!(text) ?? undefined;
    } catch (err) {
      throw new ControllerConfigError(`${where}: cannot parse ${key}: ${(err as Error).message}`);
    }
  };
  const block = (value: unknown, name: string): Record<string, unknown> | undefined => {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'object' || Array.isArray(value))
      throw new ControllerConfigError(`${where}: ${name} must be a mapping`);
    return value as Record<string, unknown>;
  };
  if (data.config !== undefined) {
    const config = block(parse('config', data.config), 'config') ?? {};
    return {
      persistence: block(config.persistence, 'persistence') as PersistenceConfig | undefined,
      synchronization: block(config.synchronization, 'synchronization') as SynchronizationConfig | undefined,
    };
  }
  return {
    persistence: block(parse('persistence', data.persistence), 'persistence') as
      PersistenceConfig | undefined,
    synchronization: block(parse('synchronization', data.synchronization), 'synchronization') as
      SynchronizationConfig | undefined,
  };
}

export type GetSecret = (namespace: string, name: string) => Promise<Secret | undefined>;

async function secretValue(
  sel: SecretKeySelector | undefined,
  namespace: string,
  getSecret: GetSecret,
  what: string,
): Promise<string | undefined> {
  if (!sel?.name) return undefined;
  const secret = await getSecret(namespace, sel.name);
  if (!secret) throw new ControllerConfigError(`${what}: secret ${namespace}/${sel.name} not found`);
  const key = sel.key ?? '';
  const encoded = secret.data?.[key];
  const plain = (secret as { stringData?: Record<string, string> }).stringData?.[key];
  if (encoded === undefined && plain === undefined)
    throw new ControllerConfigError(`${what}: secret ${namespace}/${sel.name} has no key ${key}`);
  return plain ?? Buffer.from(encoded ?? '', 'base64').toString('utf8');
}

/**
 * The database a block names, or undefined when it names none. `block` is `persistence` or
 * `synchronization`, for messages; relative SQLite paths are taken from `home`.
 */
export async function resolveDatabase(
  choice: DatabaseChoice | undefined,
  opts: { block: string; namespace: string; getSecret: GetSecret; home?: string },
): Promise<ArchiveDatabase | undefined> {
  if (!choice) return undefined;
  const kinds = (['postgresql', 'mysql', 'sqlite'] as const).filter((k) => choice[k]);
  if (kinds.length > 1)
    throw new ControllerConfigError(
      `${opts.block}: configure one of postgresql, mysql or sqlite, not ${kinds.join(' and ')}`,
    );
  const kind = kinds[0];
  if (!kind) return undefined;
  if (kind === 'sqlite') {
    const file = choice.sqlite?.path;
    if (!file) throw new ControllerConfigError(`${opts.block}.sqlite.path is required`);
    const { isAbsolute, join } = await import('node:path');
    return { type: 'sqlite', file: isAbsolute(file) || !opts.home ? file : join(opts.home, file) };
  }
  const f = choice[kind]!;
  const what = `${opts.block}.${kind}`;
  if (!f.host) throw new ControllerConfigError(`${what}.host is required`);
  const port = Number(f.port ?? (kind === 'postgresql' ? 5432 : 3306));
  if (!Number.isInteger(port) || port <= 0)
    throw new ControllerConfigError(`${what}.port "${f.port}" is not a port`);
  const user =
    (await secretValue(f.userNameSecret, opts.namespace, opts.getSecret, `${what}.userNameSecret`)) ?? '';
  const password = await secretValue(
    f.passwordSecret,
    opts.namespace,
    opts.getSecret,
    `${what}.passwordSecret`,
  );
  // Checked whether or not `ssl` puts it to use, as pgx would refuse it when it does.
  if (kind === 'postgresql' && f.sslMode && !(SSL_MODES as readonly string[]).includes(f.sslMode))
    throw new ControllerConfigError(`${what}.sslMode "${f.sslMode}" is not one of ${SSL_MODES.join(', ')}`);
  const maxOpenConns = choice.connectionPool?.maxOpenConns;
  const common = { host: f.host, port, database: f.database ?? '', user, password, maxOpenConns, ssl: f.ssl };
  if (kind === 'postgresql') return { type: 'postgres', ...common, sslMode: f.sslMode };
  const tls = f.options?.tls;
  if (tls !== undefined && !(MYSQL_TLS_VALUES as readonly string[]).includes(String(tls)))
    throw new ControllerConfigError(
      `${what}.options.tls "${tls}" is not one of ${MYSQL_TLS_VALUES.join(', ')} (a TLS configuration registered by name exists only in upstream's Go code)`,
    );
  return { type: 'mysql', ...common, tls: tls === undefined ? undefined : (String(tls) as MysqlTls) };
}
