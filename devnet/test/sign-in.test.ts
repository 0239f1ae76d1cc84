import { randomBytes } from 'node:crypto'
import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { type AtUriString, Client } from '@atproto/lex'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type PlyrService, Sealer } from '@plyr/appview'
import { fm } from '@plyr/lexicons'
import { type DevAccount, DevNetwork, freePort } from '../src/network.js'
import { indexRepo } from './indexed-repo.js'
import {
  launchChromium,
  newUserContext,
  postFromPage,
  signIn,
  signInAtPds,
  xrpcFromPage,
} from './browser.js'
import { startPlyr, tempDir } from './service.js'

const NS = 'fm.plyr.dev'

// browser steps wait on the PDS and Chromium: generous on a loaded machine
describe(
  'signing in with ATProto OAuth (loopback client) and writing as the account',
  { timeout: 120_000 },
  () => {
    let net: DevNetwork
    let data: Awaited<ReturnType<typeof tempDir>>
    let plyr: PlyrService
    let appUrl: string
    let browser: Browser
    let context: BrowserContext
    let page: Page
    let artist: DevAccount
    let fan: DevAccount
    let trackUri: AtUriString
    let otherTrackUri: AtUriString

    beforeAll(async () => {
      net = await DevNetwork.start()
      data = await tempDir()
      artist = await net.createAccount('mira')
      fan = await net.createAccount('theo')
      const port = await freePort()
      appUrl = `http://127.0.0.1:${port}`
      // no indexer: what the index shows of the fan's writes came from read-after-write alone
      plyr = await startPlyr(
        {
          ...net.serviceEnv(),
          PLYR_NAMESPACE: NS,
          PORT: String(port),
          PUBLIC_URL: appUrl,
          RUN_INDEXER: 'false',
        },
        data.path,
      )
      const track = (title: string) =>
        artist.client.createRecord({
          $type: `${NS}.track`,
          title,
          artist: 'Mira',
          fileType: 'mp3',
          createdAt: new Date().toISOString(),
        })
      trackUri = (await track('Salt Lines')).body.uri
      otherTrackUri = (await track('Tidewater')).body.uri
      await indexRepo(plyr, net, NS, artist.did)
      browser = await launchChromium()
      context = await newUserContext(browser)
      page = await context.newPage()
    })

    const trackCid = async (uri: string) =>
      (
        await plyr.database.db
          .selectFrom('track')
          .select('cid')
          .where('uri', '=', uri)
          .executeTakeFirstOrThrow()
      ).cid

    afterAll(async () => {
      await browser?.close()
      await plyr?.destroy()
      await data?.[Symbol.asyncDispose]()
      await net?.destroy()
    })

    it('signs in through the PDS consent screen; the cookie is opaque and HttpOnly', async () => {
      const back = await signIn(page, appUrl, fan, `/oauth/login?handle=${fan.handle}&returnTo=/`)
      expect(back.pathname).toBe('/')
      const [cookie] = await context.cookies(appUrl)
      expect(cookie).toMatchObject({
        name: 'plyr_session',
        httpOnly: true,
        sameSite: 'Lax',
        path: '/',
      })
      expect(cookie!.value).toMatch(/^[A-Za-z0-9_-]{43}$/)

      const session = await xrpcFromPage(page, 'fm.plyr.actor.getSession')
      expect(session.status).toBe(200)
      expect(session.body).toMatchObject({
        did: fan.did,
        handle: fan.handle,
        via: 'session',
        accounts: [{ did: fan.did, handle: fan.handle, active: true }],
      })
      expect(session.body!.scopes).toEqual(
        expect.arrayContaining([
          'atproto',
          `repo:${NS}.like`,
          `repo:${NS}.comment`,
          'blob:audio/*',
        ]),
      )
    })

    it('likes, comments, makes and reorders a playlist and edits a profile: each read back at once', async () => {
      const anon = new Client({ service: appUrl })
      const like = await xrpcFromPage(page, 'fm.plyr.feed.like', { uri: trackUri })
      expect(like.status).toBe(200)
      const { track } = await anon.call(fm.plyr.feed.getTrack, { uri: trackUri })
      expect(track.likeCount).toBe(1)
      // liking again answers the like there is
      const again = await xrpcFromPage(page, 'fm.plyr.feed.like', { uri: trackUri })
      expect(again.body!.uri).toBe(like.body!.uri)

      const comment = await xrpcFromPage(page, 'fm.plyr.feed.createComment', {
        uri: trackUri,
        text: 'the bridge!',
        timestampMs: 61_000,
      })
      expect(comment.status).toBe(200)
      const edited = await xrpcFromPage(page, 'fm.plyr.feed.updateComment', {
        uri: comment.body!.uri,
        text: 'the bridge at 1:01!',
      })
      expect(edited.status).toBe(200)
      const { comments } = await anon.call(fm.plyr.feed.getComments, { uri: trackUri })
      expect(comments.map((c) => [c.text, c.timestampMs])).toEqual([
        ['the bridge at 1:01!', 61_000],
      ])

      const list = await xrpcFromPage(page, 'fm.plyr.feed.createList', {
        name: 'Night drive',
        listType: 'playlist',
        items: [trackUri, otherTrackUri],
      })
      expect(list.status).toBe(200)
      const listUri = list.body!.uri as string
      const moved = await xrpcFromPage(page, 'fm.plyr.feed.moveListItem', {
        list: listUri,
        from: 1,
        to: 0,
        uri: otherTrackUri,
      })
      expect(moved.status).toBe(200)
      await xrpcFromPage(page, 'fm.plyr.feed.renameList', { uri: listUri, name: 'Night drive II' })
      const shown = await anon.call(fm.plyr.feed.getList, { uri: listUri as never })
      expect(shown.list.name).toBe('Night drive II')
      expect(shown.tracks.map((t) => t.uri)).toEqual([otherTrackUri, trackUri])

      const profile = await xrpcFromPage(page, 'fm.plyr.actor.updateProfile', { bio: 'listening' })
      expect(profile.status).toBe(200)
      const stored = await plyr.database.db
        .selectFrom('artist_profile')
        .select('bio')
        .where('did', '=', fan.did)
        .executeTakeFirst()
      expect(stored?.bio).toBe('listening')

      const unlike = await xrpcFromPage(page, 'fm.plyr.feed.unlike', { uri: trackUri })
      expect(unlike.status).toBe(200)
      expect((await anon.call(fm.plyr.feed.getTrack, { uri: trackUri })).track.likeCount).toBe(0)
    })

    it('refuses cross-origin POSTs with the cookie, and tampered or unknown cookies', async () => {
      const [cookie] = await context.cookies(appUrl)
      const call = (nsid: string, headers: Record<string, string>, body?: object) =>
        fetch(`${appUrl}/xrpc/${nsid}`, {
          method: body ? 'POST' : 'GET',
          headers: { 'content-type': 'application/json', ...headers },
          body: body && JSON.stringify(body),
        })
      const withCookie = { cookie: `plyr_session=${cookie!.value}` }
      for (const origin of [{ origin: 'http://localhost:1' }, {}] as Record<string, string>[]) {
        const res = await call(
          'fm.plyr.feed.like',
          { ...withCookie, ...origin },
          { uri: otherTrackUri },
        )
        expect(res.status).toBe(403)
        expect(((await res.json()) as { error: string }).error).toBe('CrossOriginRequest')
      }
      const anon = new Client({ service: appUrl })
      expect((await anon.call(fm.plyr.feed.getTrack, { uri: otherTrackUri })).track.likeCount).toBe(
        0,
      )

      const tampered = `${cookie!.value.slice(0, -1)}${cookie!.value.endsWith('A') ? 'B' : 'A'}`
      for (const value of [tampered, 'not-a-session', 'x'.repeat(43)]) {
        const res = await call('fm.plyr.actor.getSession', { cookie: `plyr_session=${value}` })
        expect(res.status).toBe(401)
        expect(((await res.json()) as { error: string }).error).toBe('InvalidSession')
        expect(res.headers.get('set-cookie')).toMatch(/^plyr_session=;.*Expires=Thu, 01 Jan 1970/)
      }
      // the real cookie still works
      expect((await call('fm.plyr.actor.getSession', withCookie)).status).toBe(200)
    })

    it('leaves the index untouched when the PDS refuses a write (an edit made elsewhere)', async () => {
      const comment = await xrpcFromPage(page, 'fm.plyr.feed.createComment', {
        uri: otherTrackUri,
        text: 'first take',
        timestampMs: 0,
      })
      const uri = comment.body!.uri as string
      const rkey = uri.split('/').at(-1)!
      // another client edits the comment; without an indexer, plyr's index does not see it
      await fan.client.putRecord(
        {
          $type: `${NS}.comment`,
          subject: { uri: otherTrackUri, cid: (await trackCid(otherTrackUri)) as never },
          text: 'edited elsewhere',
          timestampMs: 0,
          createdAt: new Date().toISOString(),
        },
        rkey,
      )
      const refused = await xrpcFromPage(page, 'fm.plyr.feed.updateComment', { uri, text: 'mine' })
      expect(refused).toMatchObject({ status: 400, body: { error: 'RecordConflict' } })
      const stored = await plyr.database.db
        .selectFrom('comment')
        .select('text')
        .where('uri', '=', uri)
        .executeTakeFirst()
      expect(stored?.text).toBe('first take')
      const notMine = await xrpcFromPage(page, 'fm.plyr.feed.updateTrack', {
        uri: trackUri,
        title: 'Stolen',
      })
      expect(notMine).toMatchObject({ status: 403, body: { error: 'Forbidden' } })
    })

    it('never redirects off-site, and brings errors at the PDS back as messages', async () => {
      const login = (query: string) =>
        fetch(`${appUrl}/oauth/login?${query}`, { redirect: 'manual' })
      for (const returnTo of ['//evil.example/x', 'https://evil.example/', '/\\evil.example']) {
        const res = await login(`handle=${fan.handle}&returnTo=${encodeURIComponent(returnTo)}`)
        expect(res.status).toBe(400)
        expect(((await res.json()) as { error: string }).error).toBe('InvalidReturnTo')
      }
      const unknown = await login('handle=nobody.test&returnTo=/here')
      expect(unknown.status).toBe(303)
      const back = new URL(unknown.headers.get('location')!, appUrl)
      expect(back.pathname).toBe('/here')
      expect(back.searchParams.get('signInError')).toBe('UnknownAccount')
      expect(back.searchParams.get('signInMessage')).toContain('nobody.test')

      const stale = await fetch(`${appUrl}/oauth/callback?state=gone&code=x&iss=${net.pdsUrl}`, {
        redirect: 'manual',
      })
      expect(new URL(stale.headers.get('location')!, appUrl).searchParams.get('signInError')).toBe(
        'RequestExpired',
      )

      // denied at the PDS's consent screen: back on plyr with the reason, still signed in
      const denying = await context.newPage()
      await denying.goto(`${appUrl}/oauth/login?handle=${fan.handle}&returnTo=/denied`)
      await signInAtPds(denying, fan)
      await denying.getByRole('button', { name: 'Deny access' }).click()
      await denying.waitForURL((url) => url.origin === appUrl, { timeout: 30_000 })
      const denied = new URL(denying.url())
      expect(denied.pathname).toBe('/denied')
      expect(denied.searchParams.get('signInError')).toBe('AccessDenied')
      await denying.close()
      expect((await xrpcFromPage(page, 'fm.plyr.actor.getSession')).status).toBe(200)
    })

    it('makes a developer token, used from a script, listed by prefix, revoked; signing out never touches it', async () => {
      const tokenPage = await context.newPage()
      await tokenPage.goto(
        `${appUrl}/oauth/tokens/new?handle=${fan.handle}&name=my%20script&expiresInDays=30`,
      )
      await signInAtPds(tokenPage, fan)
      await tokenPage.getByRole('button', { name: 'Authorize' }).click()
      await tokenPage.waitForURL((url) => url.origin === appUrl, { timeout: 30_000 })
      const token = (await tokenPage.textContent('#token'))!.trim()
      await tokenPage.close()
      expect(token).toMatch(/^plyr_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/)
      const stored = await plyr.database.db.selectFrom('developer_token').selectAll().execute()
      expect(stored).toHaveLength(1)
      expect(JSON.stringify(stored)).not.toContain(token.split('_').slice(2).join('_'))

      // a script: no cookie, no Origin, the token
      const script = new Client({ service: appUrl, headers: { authorization: `Bearer ${token}` } })
      const session = await script.call(fm.plyr.actor.getSession)
      expect(session).toMatchObject({ did: fan.did, via: 'token', accounts: [] })
      const like = await script.call(fm.plyr.feed.like, { uri: otherTrackUri })
      expect(like.uri).toContain(fan.did)
      const { tokens } = await script.call(fm.plyr.actor.listTokens)
      expect(tokens).toEqual([
        expect.objectContaining({ prefix: token.slice(5, 13), name: 'my script' }),
      ])

      // a second account in this browser; switching; signing out of one, then of all
      await signIn(page, appUrl, artist)
      let who = await xrpcFromPage(page, 'fm.plyr.actor.getSession')
      expect(who.body).toMatchObject({ did: artist.did })
      expect((who.body!.accounts as { did: string }[]).map((a) => a.did).sort()).toEqual(
        [artist.did, fan.did].sort(),
      )
      expect(await postFromPage(page, `/oauth/switch?did=${fan.did}`)).toBe(204)
      who = await xrpcFromPage(page, 'fm.plyr.actor.getSession')
      expect(who.body).toMatchObject({ did: fan.did })
      expect(await postFromPage(page, `/oauth/logout?did=${artist.did}`)).toBe(204)
      who = await xrpcFromPage(page, 'fm.plyr.actor.getSession')
      expect(who.body).toMatchObject({ did: fan.did, accounts: [{ did: fan.did, active: true }] })
      expect(await postFromPage(page, '/oauth/logout?all=true')).toBe(204)
      expect(await context.cookies(appUrl)).toEqual([])
      expect((await xrpcFromPage(page, 'fm.plyr.actor.getSession')).status).toBe(401)
      expect(await plyr.database.db.selectFrom('browser_session').selectAll().execute()).toEqual([])

      // the token lives on until it is revoked by its prefix
      expect((await script.call(fm.plyr.actor.getSession)).did).toBe(fan.did)
      await script.call(fm.plyr.actor.revokeToken, { prefix: token.slice(5, 13) })
      const after = await fetch(`${appUrl}/xrpc/fm.plyr.actor.getSession`, {
        headers: { authorization: `Bearer ${token}` },
      })
      expect(after.status).toBe(401)
      expect(((await after.json()) as { error: string }).error).toBe('InvalidToken')
    })

    it('answers SessionExpired and clears the cookie when the grant was revoked at the PDS', async () => {
      await signIn(page, appUrl, fan)
      const db = plyr.database.db
      const grant = await db.selectFrom('oauth_grant').selectAll().executeTakeFirstOrThrow()
      const account = await db.selectFrom('browser_account').selectAll().executeTakeFirstOrThrow()
      // revoked at the PDS (as from the account's settings there); plyr still holds the tokens
      await plyr.server.ctx!.oauth.revoke(grant.id, fan.did)
      await db.insertInto('oauth_grant').values(grant).execute()
      await db.insertInto('browser_account').values(account).execute()

      const like = await xrpcFromPage(page, 'fm.plyr.feed.like', { uri: trackUri })
      expect(like).toMatchObject({ status: 401, body: { error: 'SessionExpired' } })
      expect(await context.cookies(appUrl)).toEqual([])
      expect(await db.selectFrom('oauth_grant').selectAll().execute()).toEqual([])
      expect((await xrpcFromPage(page, 'fm.plyr.actor.getSession')).status).toBe(401)
    })

    it('stores sessions unreadable without the secret', async () => {
      await signIn(page, appUrl, fan)
      const [cookie] = await context.cookies(appUrl)
      const db = plyr.database.db
      const grants = await db.selectFrom('oauth_grant').selectAll().execute()
      const sessions = await db.selectFrom('browser_session').selectAll().execute()
      expect(grants).toHaveLength(1)
      const secret = (await readFile(join(data.path, 'session-secret'), 'utf8')).trim()
      expect((await stat(join(data.path, 'session-secret'))).mode & 0o777).toBe(0o600)
      const context_ = `oauth_grant:${grants[0]!.id}`
      const opened = new Sealer(secret).open<{
        tokenSet: { access_token: string; refresh_token: string }
      }>(grants[0]!.sealed, context_)
      expect(opened?.tokenSet.access_token).toBeTruthy()
      expect(
        new Sealer(randomBytes(32).toString('base64url')).open(grants[0]!.sealed, context_),
      ).toBeUndefined()
      // sealed for its own row only
      expect(new Sealer(secret).open(grants[0]!.sealed, 'oauth_grant:another')).toBeUndefined()
      const everything = JSON.stringify({ grants, sessions })
      for (const secretValue of [
        opened!.tokenSet.access_token,
        opened!.tokenSet.refresh_token,
        cookie!.value,
        '"d":',
      ]) {
        expect(everything).not.toContain(secretValue)
      }
    })

    it(
      'falls back to the minimal scope when the PDS refuses ours, reporting what is missing; limits writes per account',
      { timeout: 120_000 },
      async () => {
        await using data2 = await tempDir()
        const port = await freePort()
        const url = `http://127.0.0.1:${port}`
        // a permission set the dev PDS cannot resolve: it answers invalid_scope
        await using limited = await startPlyr(
          {
            ...net.serviceEnv(),
            PLYR_NAMESPACE: NS,
            PORT: String(port),
            PUBLIC_URL: url,
            RUN_INDEXER: 'false',
            OAUTH_SCOPE: `atproto include:${NS}.authFullApp`,
            WRITE_RATE_LIMIT_PER_MINUTE: '2',
          },
          data2.path,
        )
        await indexRepo(limited, net, NS, artist.did)
        const own = await newUserContext(browser)
        const tab = await own.newPage()
        await signIn(tab, url, fan)
        const session = await xrpcFromPage(tab, 'fm.plyr.actor.getSession')
        expect(session.body!.scopes).toEqual(['atproto'])
        const like = await xrpcFromPage(tab, 'fm.plyr.feed.like', { uri: trackUri })
        expect(like).toMatchObject({ status: 403, body: { error: 'ScopeMissing' } })
        expect(like.body!.message).toContain(`repo:${NS}.like?action=create`)
        const anon = new Client({ service: url })
        expect((await anon.call(fm.plyr.feed.getTrack, { uri: trackUri })).track.likeCount).toBe(0)
        // two writes a minute for this account, counted whatever became of them
        await xrpcFromPage(tab, 'fm.plyr.feed.unlike', { uri: trackUri })
        const third = await xrpcFromPage(tab, 'fm.plyr.feed.like', { uri: trackUri })
        expect(third).toMatchObject({ status: 429, body: { error: 'RateLimitExceeded' } })
        await own.close()
      },
    )
  },
)
