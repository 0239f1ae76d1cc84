import { randomBytes } from 'node:crypto'
import { Client } from '@atproto/lex'
import { Sealer } from '@plyr/appview'
import { Database } from '@plyr/db'
import { dropDatabase, recreateDatabase } from '@plyr/db/testing'
import { fm } from '@plyr/lexicons'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type AppViewProcess, startAppViewProcess } from '../../appview/test/appview-process.js'
import { type DevAccount, DevNetwork, freePort } from '../src/network.js'
import { launchChromium, newUserContext, signIn } from './browser.js'

const NS = 'fm.plyr.dev'

describe('two AppView processes on one Postgres database', { timeout: 120_000 }, () => {
  const name = `plyr_test_${randomBytes(6).toString('hex')}`
  const secret = randomBytes(32).toString('base64url')
  let net: DevNetwork
  let database: Database
  let a: AppViewProcess
  let b: AppViewProcess
  let browser: Browser
  let fan: DevAccount
  let publicUrl: string

  beforeAll(async () => {
    net = await DevNetwork.start()
    fan = await net.createAccount('theo')
    const databaseUrl = await recreateDatabase(name)
    database = await Database.open({ databaseUrl, poolSize: 2 })
    const port = await freePort()
    publicUrl = `http://127.0.0.1:${port}`
    // the replicas behind one public URL: the browser reaches the first, requests the second
    const env = {
      ...net.serviceEnv(),
      DATABASE_URL: databaseUrl,
      SESSION_SECRET: secret,
      PUBLIC_URL: publicUrl,
      PLYR_NAMESPACE: NS,
      RUN_INDEXER: 'false',
    }
    a = await startAppViewProcess({ ...env, PORT: String(port) })
    b = await startAppViewProcess(env)
    browser = await launchChromium()
  })

  afterAll(async () => {
    await browser?.close()
    await a?.stop()
    await b?.stop()
    await database?.destroy()
    await dropDatabase(name)
    await net?.destroy()
  })

  it('share sessions, and a forced concurrent refresh refreshes once, both signed in after', async () => {
    const context = await newUserContext(browser)
    const page = await context.newPage()
    await signIn(page, publicUrl, fan)
    const [cookie] = await context.cookies(publicUrl)
    const headers = { cookie: `plyr_session=${cookie!.value}`, origin: publicUrl }
    const session = (app: AppViewProcess) =>
      fetch(`${app.url}/xrpc/fm.plyr.actor.getSession`, { headers })

    // signed in through the first, known to the second
    expect(await (await session(b)).json()).toMatchObject({ did: fan.did })

    // the grant's access token looks expired to both: each must refresh before using it
    const grant = await database.db.selectFrom('oauth_grant').selectAll().executeTakeFirstOrThrow()
    const sealer = new Sealer(secret)
    const context_ = `oauth_grant:${grant.id}`
    const stored = sealer.open<{ tokenSet: { expires_at: string; refresh_token: string } }>(
      grant.sealed,
      context_,
    )!
    stored.tokenSet.expires_at = new Date(Date.now() - 60_000).toISOString()
    await database.db
      .updateTable('oauth_grant')
      .set({ sealed: sealer.seal(stored, context_) })
      .where('id', '=', grant.id)
      .execute()

    const refreshes = () =>
      [a, b].map((p) => p.output().split('refreshed an OAuth grant').length - 1)
    const before = refreshes()
    const answers = await Promise.all([session(a), session(b), session(a), session(b)])
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200])
    const after = refreshes()
    // one refresh, by whichever process took the lease first
    expect(after[0]! - before[0]! + (after[1]! - before[1]!)).toBe(1)
    const refreshed = sealer.open<typeof stored>(
      (
        await database.db
          .selectFrom('oauth_grant')
          .select('sealed')
          .where('id', '=', grant.id)
          .executeTakeFirstOrThrow()
      ).sealed,
      context_,
    )!
    expect(refreshed.tokenSet.refresh_token).not.toBe(stored.tokenSet.refresh_token)

    // both still signed in, and the grant still works at the PDS through either
    for (const app of [a, b]) {
      expect((await session(app)).status).toBe(200)
      const res = await fetch(`${app.url}/xrpc/fm.plyr.actor.updateProfile`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ bio: `via ${app.url}` }),
      })
      expect(res.status).toBe(200)
    }
    const anon = new Client({ service: a.url })
    await expect(anon.call(fm.plyr.actor.getProfile, { actor: fan.did })).resolves.toBeTruthy()
    await context.close()
  })
})
