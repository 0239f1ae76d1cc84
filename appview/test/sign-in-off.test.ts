import { randomBytes } from 'node:crypto'
import { openTestDatabase, testDatabaseKind, type TestDatabase } from '@plyr/db/testing'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { appViewConfigFromEnv } from '../src/config.js'
import { AppViewServer } from '../src/server.js'

describe(`sign-in when it cannot be configured, on ${testDatabaseKind()}`, () => {
  let database: TestDatabase
  beforeAll(async () => {
    database = await openTestDatabase()
  })
  afterAll(() => database.destroy())

  const serve = async (env: Record<string, string>, sessionSecret?: string) => {
    const server = new AppViewServer({
      cfg: appViewConfigFromEnv({ PORT: '0', ...env }),
      db: database.db,
      logger: pino({ level: 'silent' }),
      sessionSecret,
      applyWrites: async () => {},
    })
    return { server, url: `http://localhost:${await server.start(0)}` }
  }

  it('is off, saying which variable is missing, and the rest of the AppView serves', async () => {
    const cases = [
      // Postgres without SESSION_SECRET: no secret the processes share
      [{}, undefined, 'SESSION_SECRET'],
      // https without the confidential client's keys
      [
        { PUBLIC_URL: 'https://plyr.example.com' },
        randomBytes(32).toString('hex'),
        'OAUTH_PRIVATE_KEYS',
      ],
    ] as const
    for (const [env, secret, variable] of cases) {
      const { server, url } = await serve(env, secret)
      try {
        const login = await fetch(`${url}/oauth/login?handle=alice.test`, { redirect: 'manual' })
        expect(login.status).toBe(503)
        const body = (await login.json()) as { error: string; message: string }
        expect(body.error).toBe('SignInUnavailable')
        expect(body.message).toContain(variable)
        expect((await fetch(`${url}/oauth-client-metadata.json`)).status).toBe(404)
        expect((await fetch(`${url}/xrpc/fm.plyr.actor.getSession`)).status).toBe(401)
        expect((await fetch(`${url}/xrpc/fm.plyr.feed.getLatestTracks`)).status).toBe(200)
      } finally {
        await server.destroy()
      }
    }
  })
})
