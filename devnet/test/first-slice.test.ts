import { Client } from '@atproto/lex'
import { describe, expect, it } from 'vitest'
import { fm } from '@plyr/lexicons'
import { DevNetwork } from '../src/network.js'
import { startPlyr, tempDir } from './service.js'
import { waitFor } from './wait.js'

describe.each(['jetstream', 'firehose'] as const)(
  'records travelling end to end through the %s',
  (source) => {
    it('a track written to the PDS appears, changes and disappears in the AppView', async () => {
      await using net = await DevNetwork.start()
      await using data = await tempDir()
      await using plyr = await startPlyr(
        { ...net.serviceEnv(source), PLYR_NAMESPACE: 'fm.plyr.dev' },
        data.path,
      )
      const appview = new Client({ service: plyr.url })
      const latest = () => appview.call(fm.plyr.feed.getLatestTracks, { limit: 10 })

      const artist = await net.createAccount('aurora')
      await artist.client.putRecord(
        { $type: 'app.bsky.actor.profile', displayName: 'Aurora Vale' },
        'self',
      )
      const created = await artist.client.createRecord({
        $type: 'fm.plyr.dev.track',
        title: 'Northern Static',
        artist: 'Aurora Vale',
        fileType: 'mp3',
        duration: 215,
        createdAt: new Date().toISOString(),
      })
      const { uri } = created.body
      const rkey = uri.split('/').pop()!

      // the track is indexed at once; the artist's identity follows from the background
      // lookup
      const first = await waitFor(async () =>
        (await latest()).tracks.find((t) => t.uri === uri && t.artist.handle !== 'handle.invalid'),
      )
      expect(first).toMatchObject({
        title: 'Northern Static',
        duration: 215,
        artist: { did: artist.did, handle: 'aurora.test', displayName: 'Aurora Vale' },
      })
      expect((await appview.call(fm.plyr.feed.getTrack, { uri })).track.cid).toBe(created.body.cid)
      const metrics = await (await fetch(`${plyr.url}/metrics`)).text()
      expect(metrics).toMatch(
        /plyr_indexer_events_total\{collection="fm.plyr.dev.track",operation="create",outcome="applied"\} [1-9]/,
      )
      expect(metrics).toContain('plyr_indexer_lag_seconds')
      expect(metrics).toContain('plyr_indexer_source_connected 1')

      await artist.client.putRecord(
        {
          $type: 'fm.plyr.dev.track',
          title: 'Northern Static (Remastered)',
          artist: 'Aurora Vale',
          fileType: 'flac',
          createdAt: new Date().toISOString(),
        },
        rkey,
      )
      const updated = await waitFor(async () => {
        const { track } = await appview.call(fm.plyr.feed.getTrack, { uri })
        return track.title.endsWith('(Remastered)') ? track : undefined
      })
      expect(updated).toMatchObject({ record: { fileType: 'flac' } })
      expect(updated.duration).toBeUndefined()

      await artist.client.deleteRecord('fm.plyr.dev.track', rkey)
      await waitFor(async () =>
        (await latest()).tracks.some((t) => t.uri === uri) ? undefined : true,
      )
      const gone = await fetch(
        `${plyr.url}/xrpc/fm.plyr.feed.getTrack?uri=${encodeURIComponent(uri)}`,
      )
      expect(gone.status).toBe(400)
      expect(await gone.json()).toMatchObject({ error: 'TrackNotFound' })
    })

    it('ignores records in another namespace', async () => {
      await using net = await DevNetwork.start()
      await using data = await tempDir()
      await using plyr = await startPlyr(
        { ...net.serviceEnv(source), PLYR_NAMESPACE: 'fm.plyr.dev' },
        data.path,
      )
      const artist = await net.createAccount('basil')
      const base = { artist: 'Basil', fileType: 'mp3', createdAt: new Date().toISOString() }
      await artist.client.createRecord({ $type: 'fm.plyr.track', title: 'production', ...base })
      const dev = await artist.client.createRecord({
        $type: 'fm.plyr.dev.track',
        title: 'dev',
        ...base,
      })
      const appview = new Client({ service: plyr.url })
      const tracks = await waitFor(async () => {
        const page = await appview.call(fm.plyr.feed.getLatestTracks, {})
        return page.tracks.some((t) => t.uri === dev.body.uri) ? page.tracks : undefined
      })
      expect(tracks.map((t) => t.title)).toEqual(['dev'])
    })
  },
)
