import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { Kysely, PGliteDialect, PostgresDialect, type LogEvent } from 'kysely'
import { Migrator } from 'kysely/migration'
import pg from 'pg'
import { trace } from '@opentelemetry/api'
import { DataDirLock } from './lock.js'
import { migrations } from './migrations/index.js'
import type { IndexSchema } from './schema.js'

export type DatabaseConfig =
  /** Real Postgres. */
  | { databaseUrl: string; poolSize?: number }
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

export class Database implements AsyncDisposable {
  private constructor(
    readonly db: Kysely<IndexSchema>,
    readonly kind: 'postgres' | 'pglite',
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
      })
      // A connection the server drops while idle (restart, failover, admin) must not crash
      // the process: pg discards it and the next query opens a new one.
      pool.on('error', (err) =>
        process.emitWarning(
          `postgres: idle connection lost (${err.message}); it is replaced on the next query`,
        ),
      )
      const db = new Kysely<IndexSchema>({
        dialect: new PostgresDialect({ pool }),
        log: traceQuery,
      })
      return new Database(db, 'postgres')
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
    return new Database(db, 'pglite', lock)
  }

  /** Brings the schema to the newest migration; throws with the failing migration's name. */
  async migrate(): Promise<void> {
    const migrator = new Migrator({
      db: this.db,
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
      await this.db.destroy()
    } finally {
      this.lock?.release()
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.destroy()
  }
}
