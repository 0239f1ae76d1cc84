import { randomBytes } from 'node:crypto'
import { Client } from '@atproto/lex'
import {
  type CompiledQuery,
  type Kysely,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  PostgresQueryCompiler,
  type QueryId,
} from 'kysely'
import { pino } from 'pino'
import type { IndexSchema } from '@plyr/db'
import { openTestDatabase, type TestDatabase } from '@plyr/db/testing'
import type { ActorLookup } from '@plyr/core'
import { createPlugins, IdentityResolver, type IndexEvent, Processor } from '@plyr/indexer'
import { PlyrNamespace } from '@plyr/lexicons'
import { appViewConfigFromEnv } from '../src/config.js'
import { AppViewServer } from '../src/server.js'

export type TestAppView = {
  url: string
  client: Client
  /** How many SQL statements the AppView has run so far. */
  statements(): number
  /** Those statements, as compiled for Postgres, in the order they ran. */
  executed(): readonly CompiledQuery[]
  /** A raw GET, for status codes and error names. */
  get(path: string): Promise<{ status: number; body: Record<string, unknown> }>
  destroy(): Promise<void>
}

export type IndexedAppView = TestAppView & {
  database: TestDatabase
  /** Indexes more events, as the indexer would while the AppView serves. */
  index(events: IndexEvent[]): Promise<void>
}

/** Records the statements that run: a subquery is transformed too, but never runs alone. */
class StatementRecorder implements KyselyPlugin {
  readonly executed: CompiledQuery[] = []
  private readonly compiled = new Map<QueryId, CompiledQuery>()
  private readonly compiler = new PostgresQueryCompiler()

  transformQuery({ node, queryId }: PluginTransformQueryArgs) {
    this.compiled.set(queryId, this.compiler.compileQuery(node, queryId))
    return node
  }

  async transformResult({ result, queryId }: PluginTransformResultArgs) {
    this.executed.push(this.compiled.get(queryId)!)
    this.compiled.delete(queryId)
    return result
  }
}

/** Tests read their own writes: the feed cache is off unless `env` sets FEED_CACHE_MS. */
const testConfig = (env: Record<string, string>) =>
  appViewConfigFromEnv({ PORT: '0', FEED_CACHE_MS: '0', ...env })

/** An AppView reading `db`; `env` adds settings. */
export async function startAppView(
  db: Kysely<IndexSchema>,
  env: Record<string, string> = {},
): Promise<TestAppView> {
  const recorder = new StatementRecorder()
  const cfg = testConfig(env)
  const writes = new Processor({
    db,
    plugins: createPlugins(cfg.namespace, { trustedMediaOrigins: new Set() }),
    writers: 1,
    logger: pino({ level: 'silent' }),
  })
  const server = new AppViewServer({
    cfg,
    db: db.withPlugin(recorder),
    logger: pino({ level: 'silent' }),
    sessionSecret: randomBytes(32).toString('base64url'),
    applyWrites: async (records) => {
      await writes.apply(records.map((r) => ({ kind: 'commit' as const, ...r })))
    },
  })
  const url = `http://localhost:${await server.start(0)}`
  return {
    url,
    client: new Client({ service: url }),
    statements: () => recorder.executed.length,
    executed: () => recorder.executed,
    async get(path) {
      const res = await fetch(`${url}${path}`)
      return { status: res.status, body: (await res.json()) as Record<string, unknown> }
    },
    destroy: () => server.destroy(),
  }
}

/** A fresh test database holding `events`, indexed by the real processor (fm.plyr namespace). */
export async function openIndexedDatabase(
  events: IndexEvent[],
  lookupActor: ActorLookup,
  trustedMediaOrigins: string[] = [],
): Promise<TestDatabase> {
  const database = await openTestDatabase()
  await testIndexer(database, lookupActor, trustedMediaOrigins)(events)
  return database
}

/**
 * Indexes events as the indexer does: the processor writes them, then the identity
 * resolver fills in the new actors' identities from `lookupActor` (in the background in
 * a running indexer; here before the events count as indexed).
 */
function testIndexer(
  database: TestDatabase,
  lookupActor: ActorLookup,
  trustedMediaOrigins: string[],
): (events: IndexEvent[]) => Promise<void> {
  const logger = pino({ level: 'silent' })
  const processor = new Processor({
    db: database.db,
    plugins: createPlugins(new PlyrNamespace(), {
      trustedMediaOrigins: new Set(trustedMediaOrigins),
    }),
    writers: 2,
    logger,
  })
  const identities = new IdentityResolver({ db: database.db, lookup: lookupActor, logger })
  return async (events) => {
    await processor.apply(events)
    await identities.drain()
  }
}

/**
 * An AppView on a fresh test database holding `events`, indexed by the real processor
 * (fm.plyr namespace); identities come from `lookupActor`; `env` adds settings, the
 * indexer's (TRUSTED_MEDIA_ORIGINS) included.
 */
export async function startIndexedAppView(
  events: IndexEvent[],
  lookupActor: ActorLookup,
  env: Record<string, string> = {},
): Promise<IndexedAppView> {
  const database = await openTestDatabase()
  const index = testIndexer(database, lookupActor, testConfig(env).trustedMediaOrigins)
  await index(events)
  const app = await startAppView(database.db, env)
  return {
    ...app,
    database,
    index,
    async destroy() {
      await app.destroy()
      await database.destroy()
    },
  }
}
