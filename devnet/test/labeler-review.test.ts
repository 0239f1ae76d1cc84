import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Client } from '@atproto/lex'
import type { PlyrService } from '@plyr/appview'
import { makePiece, reencode } from '@plyr/labeler/test-audio'
import { fm } from '@plyr/lexicons'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { devLabeler, type DevLabeler } from '../src/labeler.js'
import { type DevAccount, DevNetwork, freePort } from '../src/network.js'
import { developerToken, launchChromium } from './browser.js'
import { startPlyr, tempDir } from './service.js'
import { waitFor } from './wait.js'

const NS = 'fm.plyr.dev'

// browser steps wait on the PDS and Chromium, scans on ffmpeg: generous on a loaded machine
describe(
  'tracks uploaded through plyr, scanned and reviewed by a moderator signed in through plyr',
  {
    timeout: 180_000,
  },
  () => {
    let net: DevNetwork
    let data: Awaited<ReturnType<typeof tempDir>>
    let lab: DevLabeler
    let plyr: PlyrService
    let appUrl: string
    let browser: Browser
    let nova: DevAccount
    let orin: DevAccount
    let original: string
    let copy: string

    beforeAll(async () => {
      net = await DevNetwork.start()
      data = await tempDir()
      lab = await devLabeler(net)
      ;[nova, orin] = await Promise.all([net.createAccount('nova'), net.createAccount('orin')])
      const port = await freePort()
      appUrl = `http://127.0.0.1:${port}`
      plyr = await startPlyr(
        {
          ...net.serviceEnv(),
          ...lab.env,
          PLYR_NAMESPACE: NS,
          PORT: String(port),
          PUBLIC_URL: appUrl,
          RUN_INDEXER: 'false',
          FEED_CACHE_MS: '0',
          LABELER_SCAN_POLL_MS: '300',
        },
        data.path,
      )
      browser = await launchChromium()
    })
    afterAll(async () => {
      await browser?.close()
      await plyr?.destroy()
      await net?.destroy()
      await data?.[Symbol.asyncDispose]()
    })

    const appview = () => new Client({ service: appUrl })
    const shown = async (uri: string) =>
      (await appview().call(fm.plyr.feed.getLatestTracks, { limit: 50 })).tracks.some(
        (t) => t.uri === uri,
      )
    const scanned = (uri: string, status: string) =>
      waitFor(async () => {
        const row = await plyr.database.db
          .selectFrom('labeler_scan')
          .select('status')
          .where('uri', '=', uri)
          .executeTakeFirst()
        return row?.status === status || undefined
      })
    /** Uploads a file and makes it a track through plyr's media pipeline; resolves once indexed. */
    const publish = async (account: DevAccount, file: string, title: string) => {
      const token = await developerToken(browser, appUrl, account)
      const uploaded = await fetch(`${appUrl}/xrpc/fm.plyr.media.uploadAudio`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
        body: await readFile(file),
      })
      const { uploadId } = (await uploaded.json()) as { uploadId: string }
      const client = new Client({ service: appUrl, headers: { authorization: `Bearer ${token}` } })
      const { uri } = await client.call(fm.plyr.feed.createTrack, { uploadId, title })
      // in the index (read-after-write): a flagged copy may be hidden before it is ever shown
      await waitFor(() =>
        plyr.database.db
          .selectFrom('track')
          .select('uri')
          .where('uri', '=', uri)
          .executeTakeFirst(),
      )
      return uri
    }

    it("scans them from the media pipeline's fingerprint, fetching no audio, and flags the copy", async () => {
      await using audio = await tempDir()
      const file = (name: string) => join(audio.path, name)
      await makePiece(file('song.mp3'), 220, 1, 40)
      await reencode(file('song.mp3'), file('copy.mp3'), '96k', 3)
      original = await publish(nova, file('song.mp3'), 'Nova Song')
      await scanned(original, 'clear')
      copy = await publish(orin, file('copy.mp3'), 'Orin Song')
      await scanned(copy, 'flagged')
      await waitFor(async () => ((await shown(copy)) ? undefined : true))

      // both fingerprints came from media: no audio fetched, no fpcalc run
      expect(plyr.labeler!.scanner!.counts).toEqual({ fromMedia: 2, computed: 0, downloaded: 0 })
      const health = (await (await fetch(`${lab.url}/health`)).json()) as {
        labeler: { scanner: unknown }
      }
      expect(health.labeler.scanner).toEqual({ fromMedia: 2, computed: 0, downloaded: 0 })
      const flag = await plyr.database.db
        .selectFrom('labeler_flag')
        .selectAll()
        .where('uri', '=', copy)
        .executeTakeFirstOrThrow()
      expect(flag).toMatchObject({ matched_subject: original, matched_title: 'Nova Song' })
      expect(flag.score).toBeGreaterThan(0.6)
      expect(flag.overlap_s).toBeGreaterThan(30)
    })
  },
)
