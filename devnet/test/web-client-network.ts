import { join } from 'node:path'
import { type AtUriString, Client } from '@atproto/lex'
import type { PlyrService } from '@plyr/appview'
import { fm } from '@plyr/lexicons'
import { type Demo, seedDemo } from '../src/demo.js'
import { MediaHost } from '../src/demo-media.js'
import { DevNetwork } from '../src/network.js'
import { startPlyr, tempDir } from './service.js'
import { waitFor } from './wait.js'

export const NS = 'fm.plyr.dev'

/** The demo catalogue (audio, covers, album, playlist, comments) indexed by plyr. */
export type DemoPlyr = AsyncDisposable & {
  net: DevNetwork
  media: MediaHost
  plyr: PlyrService
  demo: Demo
  url: string
  /** The page path of a record: `/track/<did>/<rkey>`. */
  pagePath: (kind: 'track' | 'album' | 'playlist', uri: string) => string
}

/** Starts the dev network with the demo on it and plyr indexing it; resolves once indexed. */
export async function startDemoPlyr(env: Record<string, string> = {}): Promise<DemoPlyr> {
  const net = await DevNetwork.start()
  const data = await tempDir()
  const media = await MediaHost.start(join(data.path, 'media'))
  // plyr starts while the demo is written: what it misses of the stream, its first-start
  // backfill and the backfill of new actors bring in
  const [plyr, demo] = await Promise.all([
    startPlyr(
      { ...net.serviceEnv(), PLYR_NAMESPACE: NS, TRUSTED_MEDIA_ORIGINS: media.url, ...env },
      join(data.path, 'db'),
    ),
    seedDemo(net, NS, media),
  ])
  const appview = new Client({ service: plyr.url })
  const total = demo.artists.reduce((n, a) => n + a.tracks.length, 0)
  await waitFor(
    async () => {
      const { tracks } = await appview.call(fm.plyr.feed.getLatestTracks, { limit: 50 })
      const { comments } = await appview.call(fm.plyr.feed.getComments, {
        uri: demo.artists[0]!.tracks[0]!.uri as AtUriString,
      })
      const { list } = await appview.call(fm.plyr.feed.getList, {
        uri: demo.playlist.uri as AtUriString,
      })
      return tracks.length === total && comments.length > 0 && list.itemCount > 0 ? true : undefined
    },
    { timeoutMs: 60_000 },
  )
  return {
    net,
    media,
    plyr,
    demo,
    url: plyr.url,
    pagePath: (kind, uri) => {
      const [did, , rkey] = uri.slice('at://'.length).split('/')
      return `/${kind}/${did}/${rkey}`
    },
    async [Symbol.asyncDispose]() {
      await plyr.destroy()
      await media.destroy()
      await net.destroy()
      await data[Symbol.asyncDispose]()
    },
  }
}
