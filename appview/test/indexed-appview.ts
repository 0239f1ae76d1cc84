import { Client } from '@atproto/lex'
import { pino } from 'pino'
import { openTestDatabase, type TestDatabase } from '@plyr/db/testing'
import { type ActorLookup, createPlugins, type IndexEvent, Processor } from '@plyr/indexer'
import { PlyrNamespace } from '@plyr/lexicons'
import { appViewConfigFromEnv } from '../src/config.js'
import { AppViewServer } from '../src/server.js'

export type IndexedAppView = {
  database: TestDatabase
  url: string
  client: Client
  /** How many SQL statements the AppView has run so far. */
  statements(): number
  /** Indexes more events, as the indexer would while the AppView serves. */
  index(events: IndexEvent[]): Promise<void>
  /** A raw GET, for status codes and error names. */
  get(path: string): Promise<{ status: number; body: Record<string, unknown> }>
  destroy(): Promise<void>
}

/** A fresh test database holding `events`, indexed by the real processor (fm.plyr namespace). */
export async function openIndexedDatabase(
  events: IndexEvent[],
  lookupActor: ActorLookup,
  trustedMediaOrigins: string[] = [],
): Promise<TestDatabase> {
  const database = await openTestDatabase()
  await testProcessor(database, lookupActor, trustedMediaOrigins).apply(events)
  return database
}

function testProcessor(
  database: TestDatabase,
  lookupActor: ActorLookup,
  trustedMediaOrigins: string[],
): Processor {
  return new Processor({
    db: database.db,
    plugins: createPlugins(new PlyrNamespace(), {
      trustedMediaOrigins: new Set(trustedMediaOrigins),
    }),
    lookupActor,
    logger: pino({ level: 'silent' }),
  })
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
  const logger = pino({ level: 'silent' })
  const cfg = appViewConfigFromEnv({ PORT: '0', ...env })
  const database = await openTestDatabase()
  const processor = testProcessor(database, lookupActor, cfg.indexer.trustedMediaOrigins)
  await processor.apply(events)
  let statements = 0
  const server = new AppViewServer({
    cfg,
    // counted as results come back: a subquery is transformed but not run on its own
    db: database.db.withPlugin({
      transformQuery: ({ node }) => node,
      transformResult: async ({ result }) => {
        statements++
        return result
      },
    }),
    logger,
  })
  const url = `http://localhost:${await server.start(0)}`
  return {
    database,
    url,
    client: new Client({ service: url }),
    statements: () => statements,
    async index(more) {
      await processor.apply(more)
    },
    async get(path) {
      const res = await fetch(`${url}${path}`)
      return { status: res.status, body: (await res.json()) as Record<string, unknown> }
    },
    async destroy() {
      await server.destroy()
      await database.destroy()
    },
  }
}
