import { randomUUID } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PlyrService } from '@plyr/appview'
import { type DevAccount, DevNetwork, freePort } from '../src/network.js'
import { makeAudio } from './audio-file.js'
import { developerToken, launchChromium } from './browser.js'
import { startPlyr, tempDir } from './service.js'
import { followEvents, receivedWhileStreaming, slowBody } from './upload-stream.js'

const NS = 'fm.plyr.dev'
const MAX_UPLOAD = 3_000_000
const PER_DAY = 4_000_000
const WRITES_PER_MINUTE = 10

describe(
  'following an upload as it streams, and per-account upload limits',
  { timeout: 240_000 },
  () => {
    let net: DevNetwork
    let data: Awaited<ReturnType<typeof tempDir>>
    let plyr: PlyrService
    let appUrl: string
    let browser: Browser
    const tokens = new Map<string, string>()
    const accounts = new Map<string, DevAccount>()

    beforeAll(async () => {
      net = await DevNetwork.start()
      data = await tempDir()
      const port = await freePort()
      appUrl = `http://127.0.0.1:${port}`
      plyr = await startPlyr(
        {
          ...net.serviceEnv(),
          PLYR_NAMESPACE: NS,
          PORT: String(port),
          PUBLIC_URL: appUrl,
          RUN_INDEXER: 'false',
          MAX_UPLOAD_BYTES: String(MAX_UPLOAD),
          MAX_UPLOAD_BYTES_PER_DAY: String(PER_DAY),
          MAX_PROCESSING_JOBS_PER_ACCOUNT: '1',
          WRITE_RATE_LIMIT_PER_MINUTE: String(WRITES_PER_MINUTE),
        },
        data.path,
      )
      browser = await launchChromium()
      for (const name of ['ada', 'bea', 'cai', 'dov']) {
        const account = await net.createAccount(name)
        accounts.set(name, account)
        tokens.set(name, await developerToken(browser, appUrl, account))
      }
    }, 180_000)

    afterAll(async () => {
      await browser?.close()
      await plyr?.destroy()
      await data?.[Symbol.asyncDispose]()
      await net?.destroy()
    })

    const auth = (who: string) => ({ authorization: `Bearer ${tokens.get(who)!}` })
    const upload = (
      who: string,
      body: BodyInit,
      headers: Record<string, string> = {},
      method = 'fm.plyr.media.uploadAudio',
    ) =>
      fetch(`${appUrl}/xrpc/${method}`, {
        method: 'POST',
        headers: { ...auth(who), 'content-type': 'application/octet-stream', ...headers },
        body,
        duplex: 'half',
      } as RequestInit)
    const createTrack = (who: string, uploadId: string, title: string) =>
      fetch(`${appUrl}/xrpc/fm.plyr.feed.createTrack`, {
        method: 'POST',
        headers: { ...auth(who), 'content-type': 'application/json' },
        body: JSON.stringify({ uploadId, title }),
      })

    const follow = (who: string, id: string, uploadDone: () => boolean) =>
      followEvents(appUrl, tokens.get(who)!, id, uploadDone)

    it('streams the bytes received while the upload arrives, then the job made of it to done', async () => {
      const wav = new Uint8Array(await readFile(await makeAudio(data.path, 'slow.wav', 8, [])))
      const id = randomUUID()
      let answered = false
      // the events are asked for before the upload starts: the stream waits for it
      const following = follow('ada', id, () => answered)
      await new Promise((resolve) => setTimeout(resolve, 300))
      const res = await upload('ada', slowBody(wav, 100), {
        'x-plyr-upload-id': id,
        'content-length': String(wav.length),
      })
      answered = true
      expect(res.status).toBe(200)
      const body = (await res.json()) as { uploadId: string; size: number }
      expect(body).toMatchObject({ uploadId: id, size: wav.length })
      const made = await createTrack('ada', id, 'Slow')
      expect(made.status).toBe(200)
      const { uri } = (await made.json()) as { uri: string }

      const events = await following
      // before the upload answered: the body still arriving, in increasing amounts
      const bytes = receivedWhileStreaming(events, wav.length)
      expect(bytes.length).toBeGreaterThanOrEqual(2)
      for (let i = 1; i < bytes.length; i++) expect(bytes[i]).toBeGreaterThan(bytes[i - 1]!)
      expect(events[0]!.data.total).toBe(wav.length)
      const received = events.filter((e) => e.event === 'received')
      expect(received.at(-1)!.data.bytes).toBe(wav.length)
      // then the job's stages, in order, to the track
      expect(events.slice(received.length).map((e) => e.event)).toEqual(
        expect.arrayContaining(['probing', 'transcoding', 'analysing', 'publishing', 'done']),
      )
      expect(events.at(-1)).toMatchObject({ event: 'done', data: { uri } })

      // an upload id is the uploader's alone, used once, and a UUID
      const other = await fetch(`${appUrl}/uploads/${id}/events`, { headers: auth('bea') })
      expect(other.status).toBe(404)
      const again = await upload('ada', new Blob([wav.slice(0, 1000)]), { 'x-plyr-upload-id': id })
      expect(((await again.json()) as { error: string }).error).toBe('UploadIdTaken')
      const bad = await upload('ada', new Blob([wav.slice(0, 1000)]), {
        'x-plyr-upload-id': 'x/../y',
      })
      expect(bad.status).toBe(400)
      expect(((await bad.json()) as { error: string }).error).toBe('InvalidUploadId')
    })

    it('refuses uploads past the daily volume with 429 and Retry-After, at once or while streaming, keeping nothing', async () => {
      const first = await upload('bea', new Blob([makeNoise(2_500_000)]))
      // not audio: refused after it was received, and its bytes still count
      expect(((await first.json()) as { error: string }).error).toBe('UnsupportedMedia')

      // declared past what is left of the day: refused before a byte is read
      const declared = await upload('bea', new Blob([makeNoise(2_000_000)]))
      expect(declared.status).toBe(429)
      expect(((await declared.json()) as { error: string }).error).toBe('RateLimitExceeded')
      const retry = Number(declared.headers.get('retry-after'))
      expect(retry).toBeGreaterThan(23 * 3600)
      expect(retry).toBeLessThanOrEqual(24 * 3600)

      // undeclared (chunked) and streaming past it: cut off while it streams
      const objects = await plyr.database.db.selectFrom('media_object').select('sha256').execute()
      const id = randomUUID()
      let answered = false
      const following = follow('bea', id, () => answered)
      const streamed = await upload('bea', slowBody(makeNoise(2_000_000), 50), {
        'x-plyr-upload-id': id,
      }).catch(() => undefined)
      answered = true
      // the server answers 429 and closes; a client still sending may see the reset first
      if (streamed) {
        expect(streamed.status).toBe(429)
        expect(((await streamed.json()) as { error: string }).error).toBe('RateLimitExceeded')
        expect(Number(streamed.headers.get('retry-after'))).toBeGreaterThan(0)
      }
      const events = await following
      expect(events.at(-1)).toMatchObject({ event: 'failed' })
      expect(String(events.at(-1)!.data.reason)).toMatch(/bytes a day/)
      // cut off before the body was all sent
      const row = await plyr.database.db
        .selectFrom('media_upload_progress')
        .select('received')
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
      expect(Number(row.received)).toBeLessThan(2_000_000)
      expect(await plyr.database.db.selectFrom('media_object').select('sha256').execute()).toEqual(
        objects,
      )
      expect(
        await plyr.database.db
          .selectFrom('media_upload')
          .where('did', '=', accounts.get('bea')!.did)
          .select('id')
          .execute(),
      ).toEqual([])

      // cover art counts against the same volume
      const image = await upload(
        'bea',
        new Blob([makeNoise(1000)]),
        {},
        'fm.plyr.media.uploadImage',
      )
      expect(image.status).toBe(429)
      // another account is not limited by this one's uploads
      const wav = await readFile(await makeAudio(data.path, 'cai.wav', 1, []))
      expect((await upload('cai', new Blob([wav]))).status).toBe(200)
    })

    it('refuses a processing job past the account’s concurrent jobs with 429 and Retry-After', async () => {
      const ids: string[] = []
      for (const seconds of [3, 4]) {
        const wav = await readFile(await makeAudio(data.path, `jobs-${seconds}.wav`, seconds, []))
        const res = await upload('cai', new Blob([wav]))
        ids.push(((await res.json()) as { uploadId: string }).uploadId)
      }
      // at once: the account has room for one job; exactly one of them gets it
      const answers = await Promise.all(ids.map((id, i) => createTrack('cai', id, `Job ${i}`)))
      expect(answers.map((a) => a.status).sort()).toEqual([200, 429])
      const refused = answers.find((a) => a.status === 429)!
      expect(((await refused.json()) as { error: string }).error).toBe('RateLimitExceeded')
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
      const made = (await answers.find((a) => a.status === 200)!.json()) as { jobId: string }
      const events = await follow('cai', made.jobId, () => true)
      expect(events.at(-1)!.event).toBe('done')
      // the refused upload is still waiting; with the first job done there is room for it
      const waiting = ids[answers.indexOf(refused)]!
      expect((await createTrack('cai', waiting, 'Later')).status).toBe(200)
    })

    it('counts uploads and tracks against the account’s write rate, refusing past it with 429 and Retry-After', async () => {
      const calls = [
        () => upload('dov', new Blob([makeNoise(100)])),
        () => upload('dov', new Blob([makeNoise(100)]), {}, 'fm.plyr.media.uploadImage'),
        () => createTrack('dov', randomUUID(), 'Nothing'),
      ]
      for (let i = 0; i < WRITES_PER_MINUTE; i++) {
        expect((await calls[i % calls.length]!()).status).toBe(400)
      }
      for (const call of calls) {
        const refused = await call()
        expect(refused.status).toBe(429)
        expect(((await refused.json()) as { error: string }).error).toBe('RateLimitExceeded')
        expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
      }
      // another account is not limited by this one's writes
      expect((await createTrack('ada', randomUUID(), 'Nothing')).status).toBe(400)
    })
  },
)

/** `n` bytes that are not audio. */
function makeNoise(n: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(n)
  for (let i = 0; i < n; i++) bytes[i] = (i * 7919) % 251
  return bytes
}
