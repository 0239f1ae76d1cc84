import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Secp256k1Keypair } from '@atproto/crypto'
import { Client } from '@atproto/lex'
import { LabelSubscriptions, type PlyrService } from '@plyr/appview'
import { createIdentity } from '@plyr/core'
import { openTestDatabase } from '@plyr/db/testing'
import { Labeler, labelerConfigFromEnv, setupLabeler } from '@plyr/labeler'
import { makePiece, reencode } from '@plyr/labeler/test-audio'
import { didKeyOf, fromJson, Subscriber, verifyLabel } from '@plyr/labeler/verifier'
import { fm } from '@plyr/lexicons'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { devLabeler, type DevLabeler } from '../src/labeler.js'
import { type DevAccount, DevNetwork, freePort } from '../src/network.js'
import { startPlyr, tempDir } from './service.js'
import { waitFor } from './wait.js'

const silent = pino({ level: 'silent' })
const ADMIN_TOKEN = 'an-admin-token-of-at-least-32-characters'

/** The labeler's key and endpoint, read from its DID document on the dev PLC alone. */
async function fromPlc(net: DevNetwork, did: string) {
  const doc = (await (await fetch(`${net.plcUrl}/${did}`)).json()) as {
    verificationMethod: { id: string; type: string; publicKeyMultibase: string }[]
    service: { id: string; type: string; serviceEndpoint: string }[]
  }
  const key = doc.verificationMethod.find((m) => m.id.endsWith('#atproto_label'))!
  const service = doc.service.find((s) => s.id.endsWith('#atproto_labeler'))!
  return { didKey: didKeyOf(key), service }
}

describe('the labeler on the dev network, and the AppView subscribing to it', () => {
  let net: DevNetwork
  let data: Awaited<ReturnType<typeof tempDir>>
  let lab: DevLabeler
  let plyr: PlyrService
  let artist: DevAccount
  let track: { uri: string; cid: string }
  let appview: Client

  beforeAll(async () => {
    net = await DevNetwork.start()
    data = await tempDir()
    lab = await devLabeler(net)
    plyr = await startPlyr(
      {
        ...net.serviceEnv(),
        ...lab.env,
        PLYR_NAMESPACE: 'fm.plyr.dev',
        FEED_CACHE_MS: '0',
        LABELER_SCAN_POLL_MS: '300',
        ADMIN_TOKEN,
      },
      data.path,
    )
    appview = new Client({ service: plyr.url })
    artist = await net.createAccount('mira')
    const created = await artist.client.createRecord({
      $type: 'fm.plyr.dev.track',
      title: 'Copper Lines',
      artist: 'Mira',
      fileType: 'mp3',
      createdAt: new Date().toISOString(),
    })
    track = { uri: created.body.uri, cid: created.body.cid }
    await waitFor(async () => (await shown()) || undefined)
  })
  afterAll(async () => {
    await plyr?.destroy()
    await net?.destroy()
    await data?.[Symbol.asyncDispose]()
  })

  const shown = async (uri = track.uri) =>
    (await appview.call(fm.plyr.feed.getLatestTracks, { limit: 50 })).tracks.some(
      (t) => t.uri === uri,
    )
  const publish = async (account: DevAccount, file: string, title: string) => {
    const bytes = new Uint8Array(await readFile(file))
    const audioBlob = (await account.client.uploadBlob(bytes, { encoding: 'audio/mpeg' })).body.blob
    const { uri } = (
      await account.client.createRecord({
        $type: 'fm.plyr.dev.track',
        title,
        artist: account.handle,
        fileType: 'mp3',
        audioBlob,
        createdAt: new Date().toISOString(),
      })
    ).body
    return uri
  }
  const scanned = (uri: string, status: string) =>
    waitFor(async () => {
      const row = await plyr.database.db
        .selectFrom('labeler_scan')
        .select('status')
        .where('uri', '=', uri)
        .executeTakeFirst()
      return row?.status === status || undefined
    })

  it('is published in its DID document and repo, and its labels hide and restore a track', async () => {
    const { didKey, service } = await fromPlc(net, lab.account.did)
    expect(didKey).toBe(plyr.labeler!.key.did())
    expect(service).toMatchObject({ type: 'AtprotoLabeler', serviceEndpoint: lab.url })
    const declaration = await fetch(
      `${net.pdsUrl}/xrpc/com.atproto.repo.getRecord?repo=${lab.account.did}&collection=app.bsky.labeler.service&rkey=self`,
    )
    expect(
      ((await declaration.json()) as { value: { policies: unknown } }).value.policies,
    ).toMatchObject({
      labelValues: expect.arrayContaining(['copyright-violation']),
    })

    await plyr.labeler!.label([{ uri: track.uri, cid: track.cid, val: 'copyright-violation' }])
    await waitFor(async () => ((await shown()) ? undefined : true))
    const res = await fetch(
      `${plyr.url}/xrpc/fm.plyr.feed.getTrack?uri=${encodeURIComponent(track.uri)}`,
    )
    expect(res.headers.get('atproto-content-labelers')).toBe(lab.account.did)
    expect(await res.json()).toMatchObject({ error: 'TrackTakenDown' })

    await plyr.labeler!.negate([{ uri: track.uri, cid: track.cid, val: 'copyright-violation' }])
    await waitFor(async () => (await shown()) || undefined)

    // every label, replayed, live and queried, checks out with the key from the PLC alone
    const sub = new Subscriber(lab.url, 0)
    await sub.opened()
    await plyr.labeler!.label([{ uri: artist.did, val: 'spam' }])
    await sub.until(() => sub.labels().length === 3)
    sub.close()
    const query = await fetch(
      `${lab.url}/xrpc/com.atproto.label.queryLabels?uriPatterns=${encodeURIComponent('at://*')}&uriPatterns=${artist.did}`,
    )
    const queried = ((await query.json()) as { labels: Record<string, unknown>[] }).labels.map(
      fromJson,
    )
    expect(queried.length).toBeGreaterThan(0)
    for (const label of [...sub.labels().map((l) => l.label), ...queried]) {
      expect(await verifyLabel(didKey, label)).toBe(true)
    }
  })

  it('flags a second artist’s re-encoded, trimmed copy; a moderator clears it in /admin', async () => {
    await using audio = await tempDir()
    const file = (name: string) => join(audio.path, name)
    await makePiece(file('song.mp3'), 220, 1, 40)
    await makePiece(file('other.mp3'), 330, 7, 30)
    await reencode(file('song.mp3'), file('copy.mp3'), '96k', 3)
    const nova = await net.createAccount('nova')
    const orin = await net.createAccount('orin')
    const original = await publish(nova, file('song.mp3'), 'Nova Song')
    await scanned(original, 'clear')
    const copy = await publish(orin, file('copy.mp3'), '<b>Orin</b> Song')
    const unrelated = await publish(orin, file('other.mp3'), 'Orin Other')
    await scanned(copy, 'flagged')
    await scanned(unrelated, 'clear')
    await waitFor(async () => ((await shown(copy)) ? undefined : true))
    expect(await shown(unrelated)).toBe(true)
    expect(await shown(original)).toBe(true)
    // the artist, through their PDS, still sees their track, with the label on it
    const proxy = {
      service: `${plyr.server.ctx!.service.did as `did:web:${string}`}#plyr_appview`,
    } as const
    const asArtist = await orin.client.call(fm.plyr.feed.getTrack, { uri: copy }, proxy)
    expect(asArtist.track.labels?.map((l) => l.val)).toEqual(['copyright-violation'])
    await expect(nova.client.call(fm.plyr.feed.getTrack, { uri: copy }, proxy)).rejects.toThrow(
      /taken down/,
    )

    // the moderator signs in with the admin token and reviews the queue
    const admin = `${plyr.url}/admin`
    const login = await fetch(`${admin}/login`, {
      method: 'POST',
      body: new URLSearchParams({ token: ADMIN_TOKEN }),
      redirect: 'manual',
    })
    expect(login.status).toBe(303)
    let cookies = login.headers.getSetCookie().map((c) => c.split(';')[0]!)
    expect(login.headers.getSetCookie()[0]).toMatch(/HttpOnly; SameSite=Strict/)
    const get = async (path: string) => {
      const res = await fetch(`${plyr.url}${path}`, { headers: { cookie: cookies.join('; ') } })
      cookies = [...cookies, ...res.headers.getSetCookie().map((c) => c.split(';')[0]!)]
      return res.text()
    }
    const queue = await get('/admin')
    expect(queue).toContain('&lt;b&gt;Orin&lt;/b&gt; Song')
    expect(queue).not.toContain('<b>Orin</b>')
    expect(queue).toContain('Nova Song')
    expect(queue).not.toContain('Orin Other')
    const flagId = /id="flag-(\d+)"/.exec(queue)![1]!
    const step = await get(`/admin/flags/${flagId}/false-positive`)
    const csrf = /name="csrf" value="([^"]+)"/.exec(step)![1]!
    const post = (csrfToken: string) =>
      fetch(`${admin}/flags/${flagId}/false-positive`, {
        method: 'POST',
        headers: { cookie: cookies.join('; ') },
        body: new URLSearchParams({
          csrf: csrfToken,
          reason: 'original-artist',
          note: 'same person',
        }),
        redirect: 'manual',
      })
    expect((await post('forged')).status).toBe(403)
    expect((await post(csrf)).status).toBe(303)
    await waitFor(async () => (await shown(copy)) || undefined)
    const after = await get('/admin?status=resolved')
    expect(after).toContain('false_positive')
    expect(after).toContain('mark false positive')
    expect(after).toContain('original-artist: same person')

    // take the account down (every track of it disappears), then reverse it
    const act = async (path: string) => {
      const form = await get(path)
      const token = /name="csrf" value="([^"]+)"/.exec(form)![1]!
      const res = await fetch(`${plyr.url}${path}`, {
        method: 'POST',
        headers: { cookie: cookies.join('; ') },
        body: new URLSearchParams({ csrf: token, reason: 'repeat infringer' }),
        redirect: 'manual',
      })
      expect(res.status).toBe(303)
    }
    await act(`/admin/accounts/${encodeURIComponent(orin.did)}/takedown`)
    await waitFor(async () => ((await shown(unrelated)) ? undefined : true))
    expect(await get('/admin')).toContain('take down account')
    await act(`/admin/accounts/${encodeURIComponent(orin.did)}/restore`)
    await waitFor(async () => (await shown(unrelated)) || undefined)
  })

  it('resumes its subscription from the saved cursor after a restart, losing nothing', async () => {
    await plyr.labels.destroy()
    await plyr.labeler!.label([
      { uri: 'did:plc:whilestopped1', val: '!takedown' },
      { uri: 'did:plc:whilestopped2', val: '!takedown' },
    ])
    const db = plyr.database.db
    const again = new LabelSubscriptions(
      [lab.account.did],
      db,
      createIdentity({ plcUrl: net.plcUrl, allowPrivateNetwork: true, timeoutMs: 10_000 }).resolver,
      silent,
    )
    again.start()
    try {
      await waitFor(async () => {
        const rows = await db
          .selectFrom('label')
          .select('uri')
          .where('uri', 'like', 'did:plc:whilestopped%')
          .execute()
        return rows.length === 2 || undefined
      })
      const saved = await db
        .selectFrom('label_subscription')
        .select('cursor')
        .executeTakeFirstOrThrow()
      expect(Number(saved.cursor)).toBe(plyr.labeler!.feed.seq)
    } finally {
      await again.destroy()
    }
  })

  it('refuses labels whose signature does not match the published key', async () => {
    // a rogue process answering at the labeler's endpoint, signing with another key
    await using rogueData = await tempDir()
    await using rogueDb = await openTestDatabase('pglite')
    const port = await freePort()
    const rogue = await Labeler.start({
      cfg: labelerConfigFromEnv({
        LABELER_DID: lab.account.did,
        LABELER_PORT: String(port),
        DATA_DIR: rogueData.path,
        LABELER_SIGNING_KEY: Buffer.from(
          await (await Secp256k1Keypair.create({ exportable: true })).export(),
        ).toString('hex'),
      })!,
      db: rogueDb.db,
      logger: silent,
    })
    try {
      await setupLabeler({
        did: lab.account.did,
        password: lab.account.password,
        signingDidKey: plyr.labeler!.key.did(),
        endpoint: `http://localhost:${port}`,
        identity: { plcUrl: net.plcUrl, allowPrivateNetwork: true, timeoutMs: 10_000 },
        plcToken: await net.plcToken(lab.account.did),
      })
      await rogue.label([{ uri: track.uri, cid: track.cid, val: 'copyright-violation' }])
      await using fresh = await openTestDatabase('pglite')
      const subs = new LabelSubscriptions(
        [lab.account.did],
        fresh.db,
        createIdentity({ plcUrl: net.plcUrl, allowPrivateNetwork: true, timeoutMs: 10_000 })
          .resolver,
        silent,
      )
      subs.start()
      try {
        await waitFor(async () => (subs.health().labelers[0]!.rejected === 1 ? true : undefined))
        expect(await fresh.db.selectFrom('label').selectAll().execute()).toEqual([])
      } finally {
        await subs.destroy()
      }
    } finally {
      await rogue.destroy()
    }
  })
})
