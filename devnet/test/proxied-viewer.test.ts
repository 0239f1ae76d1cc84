import { Client } from '@atproto/lex'
import { describe, expect, it } from 'vitest'
import { fm } from '@plyr/lexicons'
import { DevNetwork } from '../src/network.js'
import { startPlyr, tempDir } from './service.js'
import { waitFor } from './wait.js'

describe('a PDS proxying to the AppView (atproto-proxy)', () => {
  it('vouches for its user, who gets their own like back in track views', async () => {
    await using net = await DevNetwork.start()
    await using data = await tempDir()
    await using plyr = await startPlyr(
      { ...net.serviceEnv(), PLYR_NAMESPACE: 'fm.plyr.dev' },
      data.path,
    )
    const appviewDid = plyr.server.ctx!.service.did
    expect(appviewDid).toBe(`did:web:localhost%3A${plyr.port}`)
    const proxy = { service: `${appviewDid as `did:web:${string}`}#plyr_appview` } as const

    const artist = await net.createAccount('mira')
    const fan = await net.createAccount('theo')
    const liked = await artist.client.createRecord({
      $type: 'fm.plyr.dev.track',
      title: 'Salt Lines',
      artist: 'Mira',
      fileType: 'mp3',
      createdAt: new Date().toISOString(),
    })
    const other = await artist.client.createRecord({
      $type: 'fm.plyr.dev.track',
      title: 'Unliked',
      artist: 'Mira',
      fileType: 'mp3',
      createdAt: new Date().toISOString(),
    })
    const like = await fan.client.createRecord({
      $type: 'fm.plyr.dev.like',
      subject: { uri: liked.body.uri, cid: liked.body.cid },
      createdAt: new Date().toISOString(),
    })
    const direct = new Client({ service: plyr.url })
    await waitFor(async () => {
      const { track } = await direct.call(fm.plyr.feed.getTrack, { uri: liked.body.uri })
      return track.likeCount === 1 ? true : undefined
    })

    // the fan's PDS resolves the AppView's did:web, signs a service JWT and forwards
    const { track } = await fan.client.call(fm.plyr.feed.getTrack, { uri: liked.body.uri }, proxy)
    expect(track.viewer).toEqual({ like: like.body.uri })
    const { tracks } = await fan.client.call(fm.plyr.feed.getLatestTracks, {}, proxy)
    expect(tracks.map((t) => [t.uri, t.viewer])).toEqual([
      [other.body.uri, {}],
      [liked.body.uri, { like: like.body.uri }],
    ])

    // the artist, through the same PDS, is a different viewer; anonymous callers are none
    const asArtist = await artist.client.call(fm.plyr.feed.getTrack, { uri: liked.body.uri }, proxy)
    expect(asArtist.track.viewer).toEqual({})
    const anonymous = await direct.call(fm.plyr.feed.getTrack, { uri: liked.body.uri })
    expect(anonymous.track.viewer).toBeUndefined()
  })
})
