import { Client } from '@atproto/lex'
import type { Kysely } from 'kysely'
import { pino } from 'pino'
import type { IndexSchema } from '@plyr/db'
import { openTestDatabase, type TestDatabase } from '@plyr/db/testing'
import { type ActorLookup, createPlugins, type IndexEvent, Processor } from '@plyr/indexer'
import { PlyrNamespace } from '@plyr/lexicons'
import { appViewConfigFromEnv } from '../src/config.js'
import { AppViewServer } from '../src/server.js'

export type TestAppView = {
  url: string
  client: Client
  /** A raw GET, for status codes and error names. */
  get(path: string): Promise<{ status: number; body: Record<string, unknown> }>
  destroy(): Promise<void>
}

export type IndexedAppView = TestAppView & { database: TestDatabase }

/**
 * An AppView reading `db`; `env` adds AppView settings. Tests read their own writes: the
 * feed cache is off unless `env` sets FEED_CACHE_MS.
 */
export async function startAppView(
  db: Kysely<IndexSchema>,
  env: Record<string, string> = {},
): Promise<TestAppView> {
  const server = new AppViewServer({
    cfg: appViewConfigFromEnv({ PORT: '0', FEED_CACHE_MS: '0', ...env }),
    db,
    logger: pino({ level: 'silent' }),
  })
  const url = `http://localhost:${await server.start(0)}`
  return {
    url,
    client: new Client({ service: url }),
    async get(path) {
      const res = await fetch(`${url}${path}`)
      return { status: res.status, body: (await res.json()) as Record<string, unknown> }
    },
    destroy: () => server.destroy(),
  }
}

/**
 * An AppView on a fresh test database holding `events`, indexed by the real processor
 * (fm.plyr namespace); identities come from `lookupActor`; `env` adds AppView settings.
 */
export async function startIndexedAppView(
  events: IndexEvent[],
  lookupActor: ActorLookup,
  env: Record<string, string> = {},
): Promise<IndexedAppView> {
  const database = await openTestDatabase()
  const processor = new Processor({
    db: database.db,
    plugins: createPlugins(new PlyrNamespace(), { trustedMediaOrigins: new Set() }),
    lookupActor,
    logger: pino({ level: 'silent' }),
  })
  await processor.apply(events)
  const app = await startAppView(database.db, env)
  return {
    ...app,
    database,
    async destroy() {
      await app.destroy()
      await database.destroy()
    },
  }
}
