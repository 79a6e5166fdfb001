// The only module that reads process.env. Every variable is parsed and validated once at start;
// a bad value stops the process with a message naming the variable, never a surprise later.
import { createHash } from 'node:crypto'
import path from 'node:path'

export type Environment = 'development' | 'test' | 'production'
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'

export interface Config {
  readonly env: Environment
  readonly http: { readonly host: string; readonly port: number; readonly publicUrl: string; readonly trustProxy: boolean }
  readonly database:
    | { readonly kind: 'pglite'; readonly dataDir: string }
    | { readonly kind: 'postgres'; readonly url: string; readonly poolSize: number }
  readonly log: { readonly level: LogLevel }
  /** Signed audit checkpoints, kept outside the database; signingKeyFile is null in production until set. */
  readonly audit: {
    readonly checkpointDir: string
    readonly signingKeyFile: string | null
    readonly createSigningKey: boolean
    /** Public keys of earlier signing keys (after a rotation), trusted by verification. */
    readonly retiredKeysDir: string
    /** The web service writes a checkpoint this often (minutes; 0: never, leave it to a separate job). */
    readonly checkpointEveryMinutes: number
  }
  /** The web service runs the misuse monitoring rules this often (minutes; 0: never, leave it to the CLI). */
  readonly monitoring: { readonly everyMinutes: number }
  readonly demo: { readonly load: boolean; readonly children: number; readonly seed: number }
  /** Encrypts second-factor secrets at rest (AES-256-GCM). */
  readonly dataEncryptionKey: Buffer
  /** A feed file with a larger share of rejected rows is refused whole. */
  readonly feeds: { readonly maxRejectionRate: number }
  /** Match probabilities at or above `link` link a record to a child; at or above `review`, a person decides. */
  readonly linkage: { readonly link: number; readonly review: number }
}

/** One entry per variable: the README's configuration table is checked against this list. */
export const CONFIG_VARIABLES = [
  { name: 'NODE_ENV', default: 'development', description: 'development, test or production.' },
  { name: 'HOST', default: 'localhost', description: 'Address the web service listens on.' },
  { name: 'PORT', default: '3000', description: 'Port the web service listens on (1–65535).' },
  { name: 'PUBLIC_URL', default: 'http://localhost:PORT', description: 'The address users reach the service at (used in links and the start-up message).' },
  { name: 'TRUST_PROXY', default: 'false', description: 'true when behind a load balancer that sets X-Forwarded-For.' },
  { name: 'DATA_DIR', default: './data', description: 'Folder of the embedded PostgreSQL (PGlite) store; ignored when DATABASE_URL is set.' },
  { name: 'DATABASE_URL', default: '(unset)', description: 'postgres://… of a PostgreSQL 15+ server. When set, every command uses it instead of the embedded store.' },
  { name: 'DATABASE_POOL_SIZE', default: '10', description: 'Connections per process to the PostgreSQL server (1–200).' },
  { name: 'LOG_LEVEL', default: 'info', description: 'fatal, error, warn, info, debug, trace or silent.' },
  { name: 'AUDIT_CHECKPOINT_DIR', default: './audit-checkpoints', description: 'Folder outside the database where signed audit checkpoints are appended (JSON Lines, one file a month).' },
  { name: 'AUDIT_SIGNING_KEY_FILE', default: './audit-signing-key.pem (created on first use; required in production)', description: 'Ed25519 private key (PEM, owner-only permissions) that signs audit checkpoints.' },
  { name: 'AUDIT_RETIRED_KEYS_DIR', default: './audit-retired-keys', description: 'Folder of the public keys of earlier audit signing keys (written by `audit rotate-key`); verification trusts them.' },
  { name: 'AUDIT_CHECKPOINT_EVERY_MINUTES', default: '10', description: 'How often the web service signs an audit checkpoint (0–1440; 0: never, when a separate job does it).' },
  { name: 'MONITORING_EVERY_MINUTES', default: '15', description: 'How often the web service runs the misuse monitoring rules over today and yesterday (0–1440; 0: never).' },
  { name: 'DEMO_DATA', default: 'true (false in production)', description: 'Load the demo local authority on first start when the store is empty.' },
  { name: 'DEMO_CHILDREN', default: '20000', description: 'Number of children in the demo local authority (100–1,000,000).' },
  { name: 'DEMO_SEED', default: '1', description: 'Seed of the demo population (same seed, same children).' },
  { name: 'FEED_MAX_REJECTION_RATE', default: '0.05', description: 'Share of rejected rows (0–1) above which a feed file is refused whole and nothing is loaded.' },
  { name: 'LINKAGE_LINK_THRESHOLD', default: '0.99', description: 'Match probability at or above which a record is linked to a child without review (0.5–1).' },
  { name: 'LINKAGE_REVIEW_THRESHOLD', default: '0.5', description: 'Match probability at or above which (and below the link threshold) a person decides (0.01–the link threshold).' },
  { name: 'DATA_ENCRYPTION_KEY', default: '(a fixed development key; required in production)', description: '32 random bytes, base64: encrypts second-factor secrets at rest. Generate with: openssl rand -base64 32' },
] as const

export class ConfigError extends Error {
  readonly problems: readonly string[]
  constructor(problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
    this.name = 'ConfigError'
    this.problems = problems
  }
}

type Env = Readonly<Record<string, string | undefined>>

/** Parses the environment into a frozen Config, or throws ConfigError listing every bad variable. */
export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): Config {
  const problems: string[] = []
  const read = (name: string): string | undefined => {
    const value = env[name]
    return value === undefined || value.trim() === '' ? undefined : value.trim()
  }
  const oneOf = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const value = read(name)
    if (value === undefined) return fallback
    if ((allowed as readonly string[]).includes(value)) return value as T
    problems.push(`${name} must be one of ${allowed.join(', ')} (got "${value}")`)
    return fallback
  }
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const value = read(name)
    if (value === undefined) return fallback
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max} (got "${value}")`)
      return fallback
    }
    return Number(value)
  }
  const bool = (name: string, fallback: boolean): boolean => {
    const value = read(name)?.toLowerCase()
    if (value === undefined) return fallback
    if (['true', '1', 'yes'].includes(value)) return true
    if (['false', '0', 'no'].includes(value)) return false
    problems.push(`${name} must be true or false (got "${value}")`)
    return fallback
  }
  const url = (name: string, protocols: readonly string[]): string | undefined => {
    const value = read(name)
    if (value === undefined) return undefined
    try {
      const parsed = new URL(value)
      if (protocols.includes(parsed.protocol)) return value
      problems.push(`${name} must start with ${protocols.map((p) => `${p}//`).join(' or ')}`)
    } catch {
      // Never echo a database URL: it may hold a password.
      problems.push(`${name} is not a valid URL`)
    }
    return undefined
  }

  const nodeEnv = oneOf<Environment>('NODE_ENV', ['development', 'test', 'production'], 'development')
  const host = read('HOST') ?? 'localhost'
  const port = integer('PORT', 3000, 1, 65535)
  const publicUrl = url('PUBLIC_URL', ['http:', 'https:']) ?? `http://localhost:${port}`
  const databaseUrl = url('DATABASE_URL', ['postgres:', 'postgresql:'])
  const poolSize = integer('DATABASE_POOL_SIZE', 10, 1, 200)
  const dataDir = path.resolve(cwd, read('DATA_DIR') ?? './data')

  const fraction = (name: string, fallback: number, min: number, max: number): number => {
    const raw = read(name)
    if (raw === undefined) return fallback
    const value = Number(raw)
    if (!/^\d*\.?\d+$/.test(raw) || !(value >= min && value <= max)) {
      problems.push(`${name} must be a number from ${min} to ${max} (got ${JSON.stringify(raw)})`)
      return fallback
    }
    return value
  }
  const linkThreshold = fraction('LINKAGE_LINK_THRESHOLD', 0.99, 0.5, 1)
  const reviewThreshold = fraction('LINKAGE_REVIEW_THRESHOLD', 0.5, 0.01, 1)
  if (reviewThreshold > linkThreshold) problems.push('LINKAGE_REVIEW_THRESHOLD must not be above LINKAGE_LINK_THRESHOLD')

  const dataEncryptionKey = encryptionKey(read('DATA_ENCRYPTION_KEY'), nodeEnv, problems)
  const config: Config = {
    env: nodeEnv,
    http: { host, port, publicUrl: publicUrl.replace(/\/$/, ''), trustProxy: bool('TRUST_PROXY', false) },
    database: databaseUrl ? { kind: 'postgres', url: databaseUrl, poolSize } : { kind: 'pglite', dataDir },
    log: { level: oneOf<LogLevel>('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info') },
    audit: {
      checkpointDir: path.resolve(cwd, read('AUDIT_CHECKPOINT_DIR') ?? './audit-checkpoints'),
      // Production must bring its own key (audit commands refuse to run without one); elsewhere one is made on first use.
      signingKeyFile: read('AUDIT_SIGNING_KEY_FILE') !== undefined || nodeEnv !== 'production'
        ? path.resolve(cwd, read('AUDIT_SIGNING_KEY_FILE') ?? './audit-signing-key.pem') : null,
      createSigningKey: nodeEnv !== 'production',
      retiredKeysDir: path.resolve(cwd, read('AUDIT_RETIRED_KEYS_DIR') ?? './audit-retired-keys'),
      checkpointEveryMinutes: integer('AUDIT_CHECKPOINT_EVERY_MINUTES', 10, 0, 1440),
    },
    monitoring: { everyMinutes: integer('MONITORING_EVERY_MINUTES', 15, 0, 1440) },
    demo: {
      load: bool('DEMO_DATA', nodeEnv !== 'production'),
      children: integer('DEMO_CHILDREN', 20000, 100, 1_000_000),
      seed: integer('DEMO_SEED', 1, 0, 2 ** 31 - 1),
    },
    dataEncryptionKey,
    feeds: { maxRejectionRate: fraction('FEED_MAX_REJECTION_RATE', 0.05, 0, 1) },
    linkage: { link: linkThreshold, review: reviewThreshold },
  }
  if (problems.length > 0) throw new ConfigError(problems)
  return deepFreeze(config)
}

/** Outside production a fixed, published key keeps development simple; production must bring its own. */
const DEVELOPMENT_KEY = createHash('sha256').update('contactpoint development key: never for production').digest()

function encryptionKey(value: string | undefined, env: Environment, problems: string[]): Buffer {
  if (value === undefined) {
    if (env === 'production') problems.push('DATA_ENCRYPTION_KEY is required in production (32 random bytes, base64)')
    return DEVELOPMENT_KEY
  }
  const key = Buffer.from(value, 'base64')
  if (key.length !== 32 || key.toString('base64') !== value.replace(/\s/g, '')) {
    problems.push('DATA_ENCRYPTION_KEY must be 32 bytes written in base64 (44 characters)')
    return DEVELOPMENT_KEY
  }
  return key
}

function deepFreeze<T extends object>(value: T): T {
  for (const child of Object.values(value)) {
    if (child !== null && typeof child === 'object' && !Buffer.isBuffer(child)) deepFreeze(child as object)
  }
  return Object.freeze(value)
}

/** The store's location for messages and logs, never including credentials. */
export function describeStore(config: Config): string {
  if (config.database.kind === 'pglite') return `embedded PostgreSQL (PGlite) in ${config.database.dataDir}`
  const url = new URL(config.database.url)
  return `PostgreSQL at ${url.hostname}:${url.port || '5432'}${url.pathname}`
}
