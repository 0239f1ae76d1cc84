import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import {
  Kysely,
  type LogEvent,
  PGliteDialect,
  PostgresDialect,
  type PostgresPool,
  type PostgresPoolClient,
} from 'kysely'
import { Migrator } from 'kysely/migration'
import pg from 'pg'
import { trace } from '@opentelemetry/api'
import { DataDirLock } from './lock.js'
import { migrations } from './migrations/index.js'
import type { IndexSchema } from './schema.js'
import { QueryDeadlineError } from './unavailable.js'

export type DatabaseConfig =
  /**
   * Real Postgres. `queryTimeoutMs` (default 30 s; 0: none) is how long a statement may
   * go unanswered before its connection is dropped and the statement fails.
   */
  | { databaseUrl: string; poolSize?: number; queryTimeoutMs?: number }
  /** Embedded PGlite; files under `dataDir`, or in memory when it is omitted. */
  | { databaseUrl?: undefined; dataDir?: string }

/** DATABASE_URL (Postgres) when set, else embedded PGlite under DATA_DIR (default ./data). */
export function databaseConfigFromEnv(env: NodeJS.ProcessEnv = process.env): DatabaseConfig {
  return env.DATABASE_URL
    ? { databaseUrl: env.DATABASE_URL }
    : { dataDir: env.DATA_DIR || './data' }
}

const tracer = trace.getTracer('@plyr/db')

/** One span per statement, timed by kysely (the span starts when the query did). */
function traceQuery(event: LogEvent): void {
  const end = Date.now()
  const span = tracer.startSpan('db.query', {
    startTime: end - event.queryDurationMillis,
    attributes: { 'db.system': 'postgresql', 'db.statement': event.query.sql },
  })
  if (event.level === 'error') span.recordException(event.error as Error)
  span.end(end)
}

// int8 (counts, cursors) as numbers: every value we store fits in 2^53.
const pgTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === 20 ? Number : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
}

/** How long opening a connection, or waiting for a free one, may take. */
const CONNECT_TIMEOUT_MS = 10_000
const QUERY_TIMEOUT_MS = 30_000

export class Database implements AsyncDisposable {
  private constructor(
    readonly db: Kysely<IndexSchema>,
    readonly kind: 'postgres' | 'pglite',
    /** Runs the migrations: no statement deadline (building an index may take long). */
    private readonly migrationDb: Kysely<IndexSchema> = db,
    /** The data folder's lock, held while an embedded database on disk is open. */
    readonly lock?: DataDirLock,
  ) {}

  /**
   * Opens a connection pool, or starts embedded PGlite (loaded only when it is used). An
   * embedded database on disk is locked to this process first: a folder another live
   * process holds throws DataDirLockedError.
   */
  static async open(config: DatabaseConfig): Promise<Database> {
    if (config.databaseUrl) {
      const pool = new pg.Pool({
        connectionString: config.databaseUrl,
        max: config.poolSize ?? 10,
        types: pgTypes,
        // neither a connection attempt nor a wait for a free connection hangs
        connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
        keepAlive: true,
      })
      // A connection the server drops (restart, failover, admin, network) must not crash
      // the process. pg-pool reports an idle one here and discards it; the next query opens
      // a new one.
      pool.on('error', (err) =>
        process.emitWarning(
          `postgres: idle connection lost (${err.message}); it is replaced on the next query`,
        ),
      )
      // A connection in use emits 'error' on its client, which pg-pool leaves unhandled (an
      // unhandled 'error' event ends the process). Its statement fails with the same error,
      // and the client is discarded when released, so nothing more is needed here.
      pool.on('connect', (client) => client.on('error', () => {}))
      const timeoutMs = config.queryTimeoutMs ?? QUERY_TIMEOUT_MS
      const db = new Kysely<IndexSchema>({
        dialect: new PostgresDialect({
          pool: timeoutMs > 0 ? withDeadline(pool, timeoutMs) : pool,
        }),
        log: traceQuery,
      })
      const migrationDb = new Kysely<IndexSchema>({
        // the pool is the one above, ended by `db.destroy()`
        dialect: new PostgresDialect({
          pool: { connect: () => pool.connect(), end: async () => {}, options: pool.options },
        }),
      })
      return new Database(db, 'postgres', migrationDb)
    }
    if (!('dataDir' in config) || !config.dataDir) return Database.openPglite(undefined)
    mkdirSync(config.dataDir, { recursive: true })
    const lock = DataDirLock.acquire(config.dataDir)
    try {
      const dir = join(config.dataDir, 'pglite')
      mkdirSync(dir, { recursive: true })
      return await Database.openPglite(dir, lock)
    } catch (err) {
      lock.release()
      throw err
    }
  }

  private static async openPglite(dir: string | undefined, lock?: DataDirLock) {
    const [{ PGlite }, { pg_trgm }] = await Promise.all([
      import('@electric-sql/pglite'),
      import('@electric-sql/pglite/contrib/pg_trgm'),
    ])
    // pg_trgm (search) ships with Postgres; PGlite loads it as an extension
    const pglite = new PGlite({ dataDir: dir, extensions: { pg_trgm } })
    await pglite.waitReady
    const db = new Kysely<IndexSchema>({ dialect: new PGliteDialect({ pglite }), log: traceQuery })
    return new Database(db, 'pglite', db, lock)
  }

  /** Brings the schema to the newest migration; throws with the failing migration's name. */
  async migrate(): Promise<void> {
    const migrator = new Migrator({
      db: this.migrationDb,
      provider: { getMigrations: async () => migrations },
      // features are built side by side, each with its own range of migration numbers: a
      // database that ran a later range first still takes an earlier one that lands after
      allowUnorderedMigrations: true,
    })
    const { error, results } = await migrator.migrateToLatest()
    if (error) {
      const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown'
      throw new Error(`database migration ${failed} failed: ${String(error)}`, { cause: error })
    }
  }

  /** Closes the connections, then releases the data folder's lock. */
  async destroy(): Promise<void> {
    try {
      if (this.migrationDb !== this.db) await this.migrationDb.destroy()
      await this.db.destroy()
    } finally {
      this.lock?.release()
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.destroy()
  }
}

/**
 * pg's pool as kysely sees it, with a deadline on every statement: one unanswered after
 * `timeoutMs` fails with `QueryDeadlineError`, and its connection is dropped when kysely
 * releases it (so a connection to a vanished server is never handed out again). pg's own
 * `query_timeout` fails the statement but keeps the connection, whose next statements
 * queue behind the unanswered one.
 */
function withDeadline(pool: pg.Pool, timeoutMs: number): PostgresPool {
  const clients = new WeakMap<pg.PoolClient, PostgresPoolClient>()
  return {
    async connect() {
      const client = await pool.connect()
      let timed = clients.get(client)
      if (!timed) {
        timed = deadlineClient(client, timeoutMs)
        clients.set(client, timed)
      }
      return timed
    },
    end: () => pool.end(),
    options: pool.options,
  }
}

function deadlineClient(client: pg.PoolClient, timeoutMs: number): PostgresPoolClient {
  let expired: QueryDeadlineError | undefined
  const query = (sql: string, parameters: readonly unknown[]) => {
    if (expired) return Promise.reject(expired)
    return new Promise<pg.QueryResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        expired = new QueryDeadlineError(timeoutMs)
        reject(expired)
      }, timeoutMs)
      client.query(sql, parameters as unknown[]).then(
        (result) => {
          clearTimeout(timer)
          resolve(result)
        },
        (err: unknown) => {
          clearTimeout(timer)
          reject(err as Error)
        },
      )
    })
  }
  return {
    query: query as unknown as PostgresPoolClient['query'],
    // an Error makes pg-pool end the connection rather than keep it
    release: (destroy) => client.release(expired ?? destroy),
  }
}
