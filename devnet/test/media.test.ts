import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Secp256k1Keypair } from '@atproto/crypto'
import { Client } from '@atproto/lex'
import * as plc from '@did-plc/lib'
import { pino } from 'pino'
import { describe, expect, it } from 'vitest'
import { createActorLookup, createIdentity } from '@plyr/core'
import { fm } from '@plyr/lexicons'
import { DevNetwork, freePort } from '../src/network.js'
import { startPlyr, tempDir } from './service.js'
import { waitFor } from './wait.js'

const ns = 'fm.plyr.dev'

describe("media from the artist's PDS", () => {
  it('a track with an audio blob plays through /audio, and the avatar blob loads, from the PDS the DID document names', async () => {
    await using net = await DevNetwork.start()
    await using data = await tempDir()
    await using plyr = await startPlyr({ ...net.serviceEnv(), PLYR_NAMESPACE: ns }, data.path)
    const artist = await net.createAccount('mira')
    const audio = new Uint8Array(randomBytes(64 * 1024))
    const image = new Uint8Array(randomBytes(1024))
    const audioBlob = (await artist.client.uploadBlob(audio, { encoding: 'audio/mpeg' })).body.blob
    const avatar = (await artist.client.uploadBlob(image, { encoding: 'image/png' })).body.blob
    // the avatar is read with the artist's identity, looked up in the background once the
    // track shows them: the profile comes first, or the lookup may run before it exists
    await artist.client.putRecord({ $type: 'app.bsky.actor.profile', avatar }, 'self')
    const { uri } = (
      await artist.client.createRecord({
        $type: `${ns}.track`,
        title: 'Blob Song',
        artist: 'Mira',
        fileType: 'mp3',
        audioBlob,
        imageUrl: 'https://elsewhere.example/cover.jpg',
        createdAt: new Date().toISOString(),
      })
    ).body

    const appview = new Client({ service: plyr.url })
    const track = await waitFor(async () => {
      const { track } = await appview.call(fm.plyr.feed.getTrack, { uri })
      return track.artist.avatar ? track : undefined
    })
    const actor = await plyr.database.db
      .selectFrom('actor')
      .select('pds')
      .where('did', '=', artist.did)
      .executeTakeFirstOrThrow()
    expect(actor.pds).toBe(net.pdsUrl)
    expect(track.audioUrl).toBe(`${plyr.url}/audio/${artist.did}/${uri.split('/').pop()}`)
    expect(track.imageUrl).toBeUndefined()

    const redirect = await fetch(track.audioUrl!, { redirect: 'manual' })
    expect(redirect.status).toBe(307)
    expect(redirect.headers.get('location')).toMatch(`${net.pdsUrl}/xrpc/com.atproto.sync.getBlob?`)
    const played = await fetch(track.audioUrl!)
    expect(played.status).toBe(200)
    expect(new Uint8Array(await played.arrayBuffer())).toEqual(audio)
    const seek = await fetch(track.audioUrl!, { headers: { range: 'bytes=32768-' } })
    expect(seek.ok).toBe(true)
    await seek.arrayBuffer()
    // fetching audio counts no play: players report them (fm.plyr.feed.reportPlay)
    expect((await appview.call(fm.plyr.feed.getTrack, { uri })).track.playCount).toBe(0)
    const shown = await fetch(track.artist.avatar!)
    expect(new Uint8Array(await shown.arrayBuffer())).toEqual(image)
  })

  it('the PDS of an actor known before it was stored is filled in by backfill', async () => {
    await using net = await DevNetwork.start()
    await using data = await tempDir()
    // no event stream: backfill is the only way the actor's identity is resolved here
    const noStream = `ws://127.0.0.1:${await freePort()}`
    await using plyr = await startPlyr(
      { ...net.serviceEnv(), JETSTREAM_URL: noStream, PLYR_NAMESPACE: ns },
      data.path,
    )
    const artist = await net.createAccount('nils')
    await artist.client.createRecord({
      $type: `${ns}.track`,
      title: 'Known',
      artist: 'Nils',
      fileType: 'mp3',
      createdAt: new Date().toISOString(),
    })
    const db = plyr.database.db
    // an index written before actors had a PDS: the row exists, its PDS does not
    await db
      .insertInto('actor')
      .values({ did: artist.did, handle: 'nils.test', status: 'active', indexed_at: new Date() })
      .execute()
    expect(await plyr.indexer!.backfiller.backfillRepo(artist.did)).toBe(1)
    const row = await db
      .selectFrom('actor')
      .innerJoin('backfill_repo', 'backfill_repo.did', 'actor.did')
      .select(['pds', 'done_at'])
      .where('actor.did', '=', artist.did)
      .executeTakeFirstOrThrow()
    expect(row).toEqual({ pds: net.pdsUrl, done_at: expect.any(Date) })
  })

  it('a PDS endpoint in a DID document that is not a plain origin is neither stored nor asked', async () => {
    await using net = await DevNetwork.start()
    // a server standing in for a PDS: it answers every profile request, and notes it
    const asked: string[] = []
    await using pds = createServer((req, res) => {
      asked.push(req.url ?? '')
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify({ value: { displayName: 'Odd' } }))
    })
    pds.listen(0, '127.0.0.1')
    await once(pds, 'listening')
    const origin = `http://127.0.0.1:${(pds.address() as AddressInfo).port}`
    const cfg = {
      plcUrl: net.plcUrl,
      handleResolverUrl: net.pdsUrl,
      allowPrivateNetwork: true,
      timeoutMs: 5000,
    }
    const lookupActor = createActorLookup(cfg, createIdentity(cfg), pino({ level: 'silent' }))
    const key = await Secp256k1Keypair.create()
    /** The identity plyr finds for a new DID whose document names `endpoint` as its PDS. */
    const lookup = async (endpoint: string) => {
      const { op, did } = await plc.createOp({
        signingKey: key.did(),
        handle: `odd${asked.length}.test`,
        pds: endpoint,
        rotationKeys: [key.did()],
        signer: key,
      })
      await new plc.Client(net.plcUrl).sendOperation(did, op)
      return lookupActor(did)
    }

    for (const endpoint of [
      `${origin}/xrpc/evil`,
      `http://user:secret@127.0.0.1:${new URL(origin).port}`,
      `${origin}?x=1`,
      `${origin}#x`,
    ]) {
      expect(await lookup(endpoint), endpoint).toEqual({ handle: null, displayName: null })
    }
    expect(asked).toEqual([])
    // the same document with a plain origin is taken, and its profile read
    expect(await lookup(`${origin}/`)).toEqual({ handle: null, displayName: 'Odd', pds: origin })
    expect(asked).toHaveLength(1)
  })
})
