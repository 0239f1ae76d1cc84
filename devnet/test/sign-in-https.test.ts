import { type AtUriString, Client } from '@atproto/lex'
import { generatePrivateKey, type PlyrService } from '@plyr/appview'
import { fm } from '@plyr/lexicons'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type DevAccount, DevNetwork, freePort } from '../src/network.js'
import { indexRepo } from './indexed-repo.js'
import { launchChromium, newUserContext, postFromPage, signIn, xrpcFromPage } from './browser.js'
import { localHttpsHost } from './https.js'
import { startPlyr, tempDir } from './service.js'

const NS = 'fm.plyr.dev'
// not a name the PDS takes for local (.test, .local, .localhost, .example, .invalid)
const HOST = 'plyr.internal'

describe('signing in as a confidential client over https', { timeout: 120_000 }, () => {
  let net: DevNetwork
  let data: Awaited<ReturnType<typeof tempDir>>
  let https: Awaited<ReturnType<typeof localHttpsHost>>
  let plyr: PlyrService
  let browser: Browser
  let context: BrowserContext
  let page: Page
  let fan: DevAccount
  let trackUri: AtUriString

  beforeAll(async () => {
    net = await DevNetwork.start()
    data = await tempDir()
    const artist = await net.createAccount('mira')
    fan = await net.createAccount('theo')
    const port = await freePort()
    https = await localHttpsHost(HOST, port)
    // two keys: the client signs with them by kid, so one can be rotated out later
    const keys = [await generatePrivateKey('2026-a'), await generatePrivateKey('2026-b')]
    plyr = await startPlyr(
      {
        ...net.serviceEnv(),
        PLYR_NAMESPACE: NS,
        PORT: String(port),
        PUBLIC_URL: https.url,
        OAUTH_PRIVATE_KEYS: JSON.stringify(keys),
        RUN_INDEXER: 'false',
      },
      data.path,
    )
    trackUri = (
      await artist.client.createRecord({
        $type: `${NS}.track`,
        title: 'Salt Lines',
        artist: 'Mira',
        fileType: 'mp3',
        createdAt: new Date().toISOString(),
      })
    ).body.uri
    await indexRepo(plyr, net, NS, artist.did)
    browser = await launchChromium([`--host-resolver-rules=MAP ${HOST} 127.0.0.1`])
    context = await newUserContext(browser, { ignoreHTTPSErrors: true })
    page = await context.newPage()
  })

  afterAll(async () => {
    await browser?.close()
    await plyr?.destroy()
    await https?.[Symbol.asyncDispose]()
    await data?.[Symbol.asyncDispose]()
    await net?.destroy()
  })

  it('publishes its metadata and public keys', async () => {
    const metadata = (await (await fetch(`${https.url}/oauth-client-metadata.json`)).json()) as {
      client_id: string
      token_endpoint_auth_method: string
      jwks_uri: string
      redirect_uris: string[]
      scope: string
    }
    expect(metadata).toMatchObject({
      client_id: `${https.url}/oauth-client-metadata.json`,
      token_endpoint_auth_method: 'private_key_jwt',
      jwks_uri: `${https.url}/.well-known/jwks.json`,
      redirect_uris: [`${https.url}/oauth/callback`],
    })
    expect(metadata.scope.split(' ')).toContain(`repo:${NS}.list`)
    const jwks = (await (await fetch(metadata.jwks_uri)).json()) as { keys: { kid: string }[] }
    expect(jwks.keys.map((k) => k.kid)).toEqual(['2026-a', '2026-b'])
    expect(JSON.stringify(jwks)).not.toContain('"d"')
  })

  it('signs in through the PDS, writes, and signs out; the cookie is Secure and __Host-', async () => {
    await signIn(page, https.url, fan)
    const [cookie] = await context.cookies(https.url)
    expect(cookie).toMatchObject({ name: '__Host-plyr_session', secure: true, httpOnly: true })
    expect((await xrpcFromPage(page, 'fm.plyr.actor.getSession')).body).toMatchObject({
      did: fan.did,
    })

    const anon = new Client({ service: `http://127.0.0.1:${plyr.port}` })
    expect((await xrpcFromPage(page, 'fm.plyr.feed.like', { uri: trackUri })).status).toBe(200)
    const comment = await xrpcFromPage(page, 'fm.plyr.feed.createComment', {
      uri: trackUri,
      text: 'over https',
      timestampMs: 5,
    })
    expect(comment.status).toBe(200)
    const list = await xrpcFromPage(page, 'fm.plyr.feed.createList', {
      name: 'Secure',
      listType: 'playlist',
      items: [trackUri],
    })
    const added = await xrpcFromPage(page, 'fm.plyr.feed.addListItem', {
      list: list.body!.uri,
      uri: trackUri,
      position: 0,
    })
    expect(added.status).toBe(200)
    expect((await xrpcFromPage(page, 'fm.plyr.actor.updateProfile', { bio: 'tls' })).status).toBe(
      200,
    )
    const { track } = await anon.call(fm.plyr.feed.getTrack, { uri: trackUri })
    expect([track.likeCount, track.commentCount]).toEqual([1, 1])
    const shown = await anon.call(fm.plyr.feed.getList, { uri: list.body!.uri as AtUriString })
    expect(shown.tracks.map((t) => t.uri)).toEqual([trackUri, trackUri])

    expect(await postFromPage(page, '/oauth/logout')).toBe(204)
    expect(await context.cookies(https.url)).toEqual([])
    expect((await xrpcFromPage(page, 'fm.plyr.actor.getSession')).status).toBe(401)
  })
})
