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
  /** A raw GET, for status codes and error names. */
  get(path: string): Promise<{ status: number; body: Record<string, unknown> }>
  destroy(): Promise<void>
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
  const processor = new Processor({
    db: database.db,
    plugins: createPlugins(new PlyrNamespace(), {
      trustedMediaOrigins: new Set(cfg.indexer.trustedMediaOrigins),
    }),
    lookupActor,
    logger,
  })
  await processor.apply(events)
  const server = new AppViewServer({
    cfg,
    db: database.db,
    logger,
  })
  const url = `http://localhost:${await server.start(0)}`
  return {
    database,
    url,
    client: new Client({ service: url }),
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
