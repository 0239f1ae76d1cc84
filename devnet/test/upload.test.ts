import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { Client } from '@atproto/lex'
import type { Browser } from 'playwright-core'
import yauzl from 'yauzl'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PlyrService } from '@plyr/appview'
import { fm } from '@plyr/lexicons'
import { type DevAccount, DevNetwork, freePort } from '../src/network.js'
import { makeAudio } from './audio-file.js'
import { developerToken, launchChromium } from './browser.js'
import { startPlyr, tempDir } from './service.js'
import { waitFor } from './wait.js'

const NS = 'fm.plyr.dev'
const LIMIT = 3_000_000
const BLOB_LIMIT = 1_000_000
const run = promisify(execFile)

/** The seconds of audio a file decodes to (ffmpeg's own count of decoded samples). */
async function decodedSeconds(bytes: Uint8Array, dir: string): Promise<number> {
  const path = join(dir, `decoded-${Date.now()}`)
  await writeFile(path, bytes)
  const { stdout } = await run('ffprobe', [
    ...['-v', 'error', '-select_streams', 'a:0', '-count_packets'],
    ...['-show_entries', 'stream=sample_rate:format=duration', '-of', 'json', path],
  ])
  return Number((JSON.parse(stdout) as { format: { duration: string } }).format.duration)
}

/** Every file of a zip, by name (yauzl: a reader independent of the writer). */
function unzip(bytes: Uint8Array): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(Buffer.from(bytes), { lazyEntries: true }, (err, zip) => {
      if (err) return reject(err)
      const files = new Map<string, Buffer>()
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (err, stream) => {
          if (err) return reject(err)
          const chunks: Buffer[] = []
          stream.on('data', (c: Buffer) => chunks.push(c))
          stream.on('end', () => {
            files.set(entry.fileName, Buffer.concat(chunks))
            zip.readEntry()
          })
        })
      })
      zip.on('end', () => resolve(files))
      zip.on('error', reject)
      zip.readEntry()
    })
  })
}

/** A picture's codec and size, by ffprobe. */
async function pictureOf(bytes: Uint8Array, dir: string) {
  const path = join(dir, `picture-${Date.now()}`)
  await writeFile(path, bytes)
  const { stdout } = await run('ffprobe', [
    ...['-v', 'error', '-show_entries', 'stream=codec_name,width,height', '-of', 'json', path],
  ])
  return (
    JSON.parse(stdout) as { streams: { codec_name: string; width: number; height: number }[] }
  ).streams[0]!
}

type Event = { event: string; data: Record<string, unknown> }

/** Reads a job's server-sent events until the stream ends. */
async function readEvents(url: string, token: string): Promise<Event[]> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } })
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/)
  const text = await res.text()
  return text
    .split('\n\n')
    .filter(Boolean)
    .map((block) => {
      const event = /^event: (.*)$/m.exec(block)![1]!
      const data = JSON.parse(/^data: (.*)$/m.exec(block)![1]!) as Record<string, unknown>
      return { event, data }
    })
}

describe('uploading audio through plyr', { timeout: 180_000 }, () => {
  let net: DevNetwork
  let data: Awaited<ReturnType<typeof tempDir>>
  let plyr: PlyrService
  let appUrl: string
  let browser: Browser
  let artist: DevAccount
  let fan: DevAccount
  let token: string
  let fanToken: string

  beforeAll(async () => {
    // a PDS taking blobs up to 1 MB: a longer track is refused, and keeps plyr's URL alone
    net = await DevNetwork.start({ blobUploadLimit: BLOB_LIMIT })
    data = await tempDir()
    artist = await net.createAccount('mira')
    fan = await net.createAccount('theo')
    const port = await freePort()
    appUrl = `http://127.0.0.1:${port}`
    plyr = await startPlyr(
      {
        ...net.serviceEnv(),
        PLYR_NAMESPACE: NS,
        PORT: String(port),
        PUBLIC_URL: appUrl,
        RUN_INDEXER: 'false',
        // small enough to test refusals with small files
        MAX_UPLOAD_BYTES: String(LIMIT),
        MAX_AUDIO_SECONDS: '60',
      },
      data.path,
    )
    browser = await launchChromium()
    token = await developerToken(browser, appUrl, artist)
    fanToken = await developerToken(browser, appUrl, fan)
  }, 180_000)

  afterAll(async () => {
    await browser?.close()
    await plyr?.destroy()
    await data?.[Symbol.asyncDispose]()
    await net?.destroy()
  })

  const as = (t: string) =>
    new Client({ service: appUrl, headers: { authorization: `Bearer ${t}` } })
  const upload = (bytes: Uint8Array, t = token, type = 'application/octet-stream') =>
    fetch(`${appUrl}/xrpc/fm.plyr.media.uploadAudio`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t}`, 'content-type': type },
      body: new Blob([new Uint8Array(bytes)]),
    })
  const storedObjects = async () =>
    (await plyr.database.db.selectFrom('media_object').select('sha256').execute()).map(
      (o) => o.sha256,
    )
  const objectFile = (sha: string) => join(data.path, 'media', 'objects', sha.slice(0, 2), sha)

  it('an AIFF is transcoded, analysed in one pass, published to the PDS and played back with Range', async () => {
    const aiff = await makeAudio(data.path, 'set.aiff', 6, ['-f', 'aiff'])
    const original = new Uint8Array(await readFile(aiff))
    const uploaded = await upload(original, token, 'audio/mpeg') // the declared type is ignored
    expect(uploaded.status).toBe(200)
    const { uploadId, size } = (await uploaded.json()) as { uploadId: string; size: number }
    expect(size).toBe(original.length)

    // cover art: judged by its content, thumbnails made at upload
    const png = join(data.path, 'cover.png')
    await run('ffmpeg', [
      ...['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi'],
      ...['-i', 'testsrc=size=800x500', '-frames:v', '1', png],
    ])
    const notImage = await fetch(`${appUrl}/xrpc/fm.plyr.media.uploadImage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'image/png' },
      body: new TextEncoder().encode('not a picture'),
    })
    expect(((await notImage.json()) as { error: string }).error).toBe('UnsupportedMedia')
    const cover = await fetch(`${appUrl}/xrpc/fm.plyr.media.uploadImage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
      body: await readFile(png),
    })
    const { imageId, url } = (await cover.json()) as { imageId: string; url: string }
    for (const [size, path] of [
      [600, url],
      [300, url.replace('600.webp', '300.webp')],
    ] as const) {
      const thumb = new Uint8Array(await (await fetch(path)).arrayBuffer())
      expect(await pictureOf(thumb, data.path)).toEqual({
        codec_name: 'webp',
        width: size,
        height: size,
      })
    }
    const made = await as(token).call(fm.plyr.feed.createTrack, {
      uploadId,
      title: 'Night Set',
      tags: ['ambient'],
      imageId,
    })
    // another account sees nothing of the job
    const foreign = await fetch(`${appUrl}/uploads/${made.jobId}/events`, {
      headers: { authorization: `Bearer ${fanToken}` },
    })
    expect(foreign.status).toBe(404)
    const events = await readEvents(`${appUrl}/uploads/${made.jobId}/events`, token)
    const names = events.map((e) => e.event)
    expect(names[0]).toBe('received')
    expect(events[0]!.data).toEqual({ bytes: original.length })
    expect(names.at(-1)).toBe('done')
    expect(events.at(-1)!.data).toEqual({ uri: made.uri })
    // every stage, in order (a stage may repeat with a higher percent)
    expect([...new Set(names)]).toEqual([
      'received',
      'probing',
      'transcoding',
      'analysing',
      'publishing',
      'done',
    ])

    // read-after-write: the track is in the index at once, with its analysis
    const { track } = await new Client({ service: appUrl }).call(fm.plyr.feed.getTrack, {
      uri: made.uri,
    })
    expect(track.title).toBe('Night Set')
    expect(track.imageUrl).toBe(url)
    expect(track.duration).toBe(6)
    // a 440 Hz sine at 0.5 in both channels: -9 dB RMS each, summed -6 dB, less 0.69 (BS.1770)
    // is about -6.9 LUFS, so about -7.1 dB to -14 LUFS
    expect(track.loudnessGain).toBeGreaterThan(-760)
    expect(track.loudnessGain).toBeLessThan(-660)
    const peaks = (await (await fetch(track.peaksUrl!)).json()) as number[]
    expect(peaks.length).toBe(60)
    expect(peaks.every((p) => p >= 0 && p <= 1)).toBe(true)
    // the tone's half at 0.5 of full scale, the silent half at 0
    for (const p of peaks.slice(2, 28)) expect(p).toBeCloseTo(0.5, 1)
    for (const p of peaks.slice(32)) expect(p).toBe(0)

    // the record on the PDS: the MP3 as a blob, and plyr's URL
    const rkey = made.uri.split('/').pop()!
    const query = new URLSearchParams({ repo: artist.did, collection: `${NS}.track`, rkey })
    const got = await fetch(`${net.pdsUrl}/xrpc/com.atproto.repo.getRecord?${query}`)
    const record = ((await got.json()) as { value: Record<string, unknown> }).value
    expect(record).toMatchObject({
      imageUrl: url,
      title: 'Night Set',
      fileType: 'mp3',
      duration: 6,
      audioUrl: `${appUrl}/audio/${artist.did}/${rkey}`,
      audioBlob: { mimeType: 'audio/mpeg' },
    })

    // played back: MP3, the whole of it decodes to the same length; ranges and conditionals
    const played = await fetch(track.audioUrl!)
    expect(played.status).toBe(200)
    expect(played.headers.get('content-type')).toBe('audio/mpeg')
    const etag = played.headers.get('etag')!
    const mp3 = new Uint8Array(await played.arrayBuffer())
    expect(Math.abs((await decodedSeconds(mp3, data.path)) - 6)).toBeLessThan(0.1)
    const part = await fetch(track.audioUrl!, { headers: { range: 'bytes=100-199' } })
    expect(part.status).toBe(206)
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${mp3.length}`)
    expect(new Uint8Array(await part.arrayBuffer())).toEqual(mp3.subarray(100, 200))
    const tail = await fetch(track.audioUrl!, { headers: { range: 'bytes=-10' } })
    expect(new Uint8Array(await tail.arrayBuffer())).toEqual(mp3.subarray(mp3.length - 10))
    const beyond = await fetch(track.audioUrl!, { headers: { range: `bytes=${mp3.length}-` } })
    expect(beyond.status).toBe(416)
    const cached = await fetch(track.audioUrl!, { headers: { 'if-none-match': etag } })
    expect(cached.status).toBe(304)

    // the original, kept as it was uploaded, downloads under a safe name
    const download = await fetch(`${track.audioUrl!}?original=1`)
    expect(download.headers.get('content-disposition')).toContain('Night Set.aif')
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(original)

    // the fingerprint for the labeler is Chromaprint's, as fpcalc computes it
    const version = await plyr.database.db
      .selectFrom('media_version')
      .selectAll()
      .where('track_uri', '=', made.uri)
      .executeTakeFirstOrThrow()
    // fpcalc exits with an error at the end of an AIFF ("End of file") after printing it
    const { stdout } = await run('fpcalc', [aiff]).catch((err: { stdout: string }) => err)
    expect(version.fingerprint).toBe(/^FINGERPRINT=(.*)$/m.exec(stdout)![1])
    expect(version.original_format).toBe('aiff')

    // the same audio again from the same artist names the existing track
    const again = (await (await upload(original)).json()) as { uploadId: string }
    await expect(
      as(token).call(fm.plyr.feed.createTrack, { uploadId: again.uploadId, title: 'Copy' }),
    ).rejects.toMatchObject({ error: 'DuplicateTrack', message: expect.stringContaining(made.uri) })

    // deleting the track deletes its media; the pending upload of the same bytes keeps the original
    await as(token).call(fm.plyr.feed.deleteTrack, { uri: made.uri })
    expect(await storedObjects()).toEqual([version.original_sha256])
    await expect(stat(objectFile(version.playable_sha256))).rejects.toThrow()
    expect((await fetch(track.audioUrl!)).status).toBe(404)
  })

  it('an MP3 is served as it was uploaded, its tags filling in the title; its audio is replaced and restored', async () => {
    const bare = await makeAudio(data.path, 'song-bare.mp3', 3, [
      ...['-c:a', 'libmp3lame', '-b:a', '192k', '-metadata', 'title=Tagged Title'],
    ])
    // with an embedded cover (a JPEG in ID3)
    const path = join(data.path, 'song.mp3')
    const jpeg = join(data.path, 'embedded.jpg')
    await run('ffmpeg', [
      ...['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi'],
      ...['-i', 'testsrc=size=400x400', '-frames:v', '1', jpeg],
    ])
    await run('ffmpeg', [
      ...['-hide_banner', '-loglevel', 'error', '-y', '-i', bare, '-i', jpeg],
      ...['-map', '0:a', '-map', '1:v', '-c', 'copy', '-disposition:v', 'attached_pic'],
      ...['-id3v2_version', '3', path],
    ])
    const bytes = new Uint8Array(await readFile(path))
    const { uploadId } = (await (await upload(bytes)).json()) as { uploadId: string }
    const made = await as(token).call(fm.plyr.feed.createTrack, { uploadId })
    const events = await readEvents(`${appUrl}/uploads/${made.jobId}/events`, token)
    expect(events.at(-1)).toEqual({ event: 'done', data: { uri: made.uri } })
    const { track } = await new Client({ service: appUrl }).call(fm.plyr.feed.getTrack, {
      uri: made.uri,
    })
    expect(track.title).toBe('Tagged Title')
    // the embedded cover became its cover art
    const embedded = new Uint8Array(await (await fetch(track.imageUrl!)).arrayBuffer())
    expect(await pictureOf(embedded, data.path)).toMatchObject({ codec_name: 'webp', width: 600 })
    const played = new Uint8Array(await (await fetch(track.audioUrl!)).arrayBuffer())
    expect(played).toEqual(bytes)

    // job state in /health (as of the worker's last round) and /metrics
    const jobs = await waitFor(async () => {
      const health = (await (await fetch(`${appUrl}/health`)).json()) as {
        media: { jobs: Record<string, number> }
      }
      return health.media.jobs.done === 2 ? health.media.jobs : undefined
    })
    expect(jobs).toMatchObject({ queued: 0, running: 0, failed: 0 })
    const metrics = await (await fetch(`${appUrl}/metrics`)).text()
    expect(metrics).toContain('plyr_media_jobs{state="done"} 2')

    // replacing the audio keeps the URI and the likes; the earlier audio can be restored
    await as(fanToken).call(fm.plyr.feed.like, { uri: made.uri })
    const wav = await readFile(await makeAudio(data.path, 'take2.wav', 4, ['-f', 'wav']))
    const { uploadId: take2 } = (await (await upload(wav)).json()) as { uploadId: string }
    const replaced = await as(token).call(fm.plyr.feed.replaceTrackAudio, {
      uri: made.uri,
      uploadId: take2,
    })
    expect(replaced.uri).toBe(made.uri)
    const finished = async (jobId: string) =>
      (await readEvents(`${appUrl}/uploads/${jobId}/events`, token)).at(-1)
    expect(await finished(replaced.jobId)).toEqual({ event: 'done', data: { uri: made.uri } })
    const after = (
      await new Client({ service: appUrl }).call(fm.plyr.feed.getTrack, { uri: made.uri })
    ).track
    expect(after).toMatchObject({ title: 'Tagged Title', duration: 4, likeCount: 1 })
    const take2Mp3 = new Uint8Array(await (await fetch(after.audioUrl!)).arrayBuffer())
    expect(Math.abs((await decodedSeconds(take2Mp3, data.path)) - 4)).toBeLessThan(0.1)
    const listed = await as(token).call(fm.plyr.feed.getTrackVersions, { uri: made.uri })
    expect(listed.versions.map((v) => [v.version, v.format, v.duration])).toEqual([
      [2, 'wav', 4],
      [1, 'mp3', 3],
    ])
    const restored = await as(token).call(fm.plyr.feed.restoreTrackAudio, {
      uri: made.uri,
      version: 1,
    })
    expect(await finished(restored.jobId)).toEqual({ event: 'done', data: { uri: made.uri } })
    const back = new Uint8Array(await (await fetch(after.audioUrl!)).arrayBuffer())
    expect(back).toEqual(bytes)
    expect(
      (await as(token).call(fm.plyr.feed.getTrackVersions, { uri: made.uri })).versions.map(
        (v) => v.version,
      ),
    ).toEqual([3, 2, 1])
  })

  it('a PDS refusing the blob size gets the record with audioUrl alone; two artists share one stored file', async () => {
    // 40 s at 320 kb/s: 1.6 MB of MP3 (served as it is), over the PDS's 1 MB
    const mp3 = ['-c:a', 'libmp3lame', '-b:a', '320k']
    const long = await readFile(await makeAudio(data.path, 'long.mp3', 40, mp3))
    const sent = async (t: string, title: string) => {
      const { uploadId } = (await (await upload(long, t)).json()) as { uploadId: string }
      const made = await as(t).call(fm.plyr.feed.createTrack, { uploadId, title })
      const events = await readEvents(`${appUrl}/uploads/${made.jobId}/events`, t)
      expect(events.at(-1)).toEqual({ event: 'done', data: { uri: made.uri } })
      return made.uri
    }
    const mine = await sent(token, 'Long Take')
    const record = (
      await plyr.database.db
        .selectFrom('record')
        .select('json')
        .where('uri', '=', mine)
        .executeTakeFirstOrThrow()
    ).json as Record<string, unknown>
    expect(record.audioBlob).toBeUndefined()
    expect(record.audioUrl).toBe(`${appUrl}/audio/${artist.did}/${mine.split('/').pop()}`)
    const { track } = await new Client({ service: appUrl }).call(fm.plyr.feed.getTrack, {
      uri: mine,
    })
    expect((await fetch(track.audioUrl!)).status).toBe(200)

    // another artist uploads the same bytes: stored once, referenced twice
    const theirs = await sent(fanToken, 'Long Take (fan)')
    const versions = await plyr.database.db
      .selectFrom('media_version')
      .select(['track_uri', 'original_sha256', 'playable_sha256'])
      .where('track_uri', 'in', [mine, theirs])
      .execute()
    expect(versions).toHaveLength(2)
    expect(versions[0]!.original_sha256).toBe(versions[1]!.original_sha256)
    expect(versions[0]!.playable_sha256).toBe(versions[1]!.playable_sha256)
    const shared = [versions[0]!.original_sha256, versions[0]!.playable_sha256]
    // deleting one track keeps what the other still uses; deleting both removes it
    await as(token).call(fm.plyr.feed.deleteTrack, { uri: mine })
    for (const sha of shared) {
      expect(await storedObjects()).toContain(sha)
      await stat(objectFile(sha))
    }
    expect((await fetch(`${appUrl}/audio/${fan.did}/${theirs.split('/').pop()}`)).status).toBe(200)
    await as(fanToken).call(fm.plyr.feed.deleteTrack, { uri: theirs })
    for (const sha of shared) {
      expect(await storedObjects()).not.toContain(sha)
      await expect(stat(objectFile(sha))).rejects.toThrow()
    }
  })

  it('takes every accepted format, judged by its content, and plays each back', async () => {
    const formats: [string, string[], string, string][] = [
      ['m4a', ['-c:a', 'aac', '-b:a', '128k', '-f', 'ipod'], 'm4a', 'audio/mp4'],
      ['flac', ['-c:a', 'flac', '-f', 'flac'], 'flac', 'audio/mpeg'],
      ['ogg', ['-c:a', 'libvorbis', '-f', 'ogg'], 'ogg', 'audio/mpeg'],
      ['opus', ['-c:a', 'libopus', '-f', 'ogg'], 'ogg', 'audio/mpeg'],
      ['webm', ['-c:a', 'libopus', '-f', 'webm'], 'webm', 'audio/mpeg'],
    ]
    for (const [name, args, format, served] of formats) {
      const file = await readFile(await makeAudio(data.path, `f.${name}`, 2, args))
      // declared as something else: the content decides
      const { uploadId } = (await (await upload(file, token, 'text/plain')).json()) as {
        uploadId: string
      }
      const made = await as(token).call(fm.plyr.feed.createTrack, { uploadId, title: name })
      const events = await readEvents(`${appUrl}/uploads/${made.jobId}/events`, token)
      expect(events.at(-1), name).toEqual({ event: 'done', data: { uri: made.uri } })
      const { versions } = await as(token).call(fm.plyr.feed.getTrackVersions, { uri: made.uri })
      expect(versions[0]!.format, name).toBe(format)
      const played = await fetch(`${appUrl}/audio/${artist.did}/${made.uri.split('/').pop()}`)
      expect(played.headers.get('content-type'), name).toBe(served)
      const audio = new Uint8Array(await played.arrayBuffer())
      expect(Math.abs((await decodedSeconds(audio, data.path)) - 2), name).toBeLessThan(0.1)
    }
  })

  it('refuses what is not audio, too large, empty or truncated, keeping nothing', async () => {
    const before = await storedObjects()
    const uploads = () => plyr.database.db.selectFrom('media_upload').selectAll().execute()
    const uploadsBefore = await uploads()
    const staging = join(data.path, 'media', 'staging')
    const error = async (res: Response) => ((await res.json()) as { error: string }).error

    const notAudio = await upload(new TextEncoder().encode('{"this is": "not audio"}'))
    expect(notAudio.status).toBe(400)
    const refusal = (await notAudio.json()) as { error: string; message: string }
    expect(refusal.error).toBe('UnsupportedMedia')
    expect(refusal.message).toMatch(/not an audio file|unsupported file: found/)

    // longer than MAX_AUDIO_SECONDS (60): refused once probed
    const long = await readFile(
      await makeAudio(data.path, 'long.ogg', 90, ['-c:a', 'libvorbis', '-q:a', '0']),
    )
    const tooLong = await upload(long)
    expect(tooLong.status).toBe(400)
    expect(await error(tooLong)).toBe('TooLong')

    const empty = await upload(new Uint8Array(0))
    expect(await error(empty)).toBe('EmptyUpload')

    // declared too large: refused before a byte is read
    const declared = await upload(new Uint8Array(LIMIT + 1))
    expect(declared.status).toBe(413)
    expect(await error(declared)).toBe('PayloadTooLarge')
    // streamed without a length, past the limit: cut off while it streams
    const chunk = new Uint8Array(256 * 1024)
    let sent = 0
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent > LIMIT * 2) controller.close()
        else controller.enqueue(chunk)
        sent += chunk.length
      },
    })
    const streamed = await fetch(`${appUrl}/xrpc/fm.plyr.media.uploadAudio`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'audio/wav' },
      body,
      duplex: 'half',
    } as RequestInit).catch(() => undefined)
    // the server answers 413 and closes; a client still sending may see the reset first
    if (streamed) expect(streamed.status).toBe(413)

    // a file cut short: probed fine (its header says 6 s), then refused by the decode
    const aiff = await readFile(await makeAudio(data.path, 'cut.aiff', 6, ['-f', 'aiff']))
    const cut = aiff.subarray(0, Math.floor(aiff.length / 2))
    const { uploadId } = (await (await upload(cut)).json()) as { uploadId: string }
    const made = await as(token).call(fm.plyr.feed.createTrack, { uploadId, title: 'Cut' })
    const events = await readEvents(`${appUrl}/uploads/${made.jobId}/events`, token)
    expect(events.at(-1)!.event).toBe('failed')
    expect(events.at(-1)!.data.reason).toMatch(/truncated/)
    await expect(
      new Client({ service: appUrl }).call(fm.plyr.feed.getTrack, { uri: made.uri }),
    ).rejects.toMatchObject({ error: 'TrackNotFound' })

    // nothing kept: no new object, no upload or version row, nothing left in staging
    expect(await storedObjects()).toEqual(before)
    expect(await uploads()).toEqual(uploadsBefore)
    expect(
      await plyr.database.db
        .selectFrom('media_version')
        .where('track_uri', '=', made.uri)
        .selectAll()
        .execute(),
    ).toEqual([])
    expect(await readdir(staging)).toEqual([])
  })

  it("exports an account's records and originals as a zip; deleting its plyr data removes records, rows and media", async () => {
    const { tracks } = await new Client({ service: appUrl }).call(fm.plyr.feed.getArtistTracks, {
      actor: artist.did,
    })
    expect(tracks.length).toBeGreaterThan(0)
    await as(token).call(fm.plyr.feed.like, { uri: tracks[0]!.uri })

    // the export: every record and every kept original, read back from the zip
    const exported = await fetch(`${appUrl}/xrpc/fm.plyr.actor.exportData`, {
      headers: { authorization: `Bearer ${token}` },
    })
    expect(exported.headers.get('content-type')).toBe('application/zip')
    const files = await unzip(new Uint8Array(await exported.arrayBuffer()))
    const originals = await plyr.database.db
      .selectFrom('media_version')
      .select(['track_uri', 'version', 'original_sha256'])
      .where('did', '=', artist.did)
      .execute()
    const names = [...files.keys()]
    expect(names.filter((n) => n.startsWith('records/'))).toHaveLength(tracks.length + 1)
    for (const t of tracks) {
      const rkey = t.uri.split('/').pop()!
      const json = JSON.parse(files.get(`records/${NS}.track/${rkey}.json`)!.toString()) as {
        title: string
      }
      expect(json.title).toBe(t.title)
    }
    expect(names.filter((n) => n.startsWith('audio/'))).toHaveLength(originals.length)
    for (const o of originals) {
      const rkey = o.track_uri.split('/').pop()!
      const name = names.find((n) => n.startsWith(`audio/${rkey}/v${o.version} - `))!
      const sha = createHash('sha256').update(files.get(name)!).digest('hex')
      expect(sha).toBe(o.original_sha256)
    }
    await expect(as(token).call(fm.plyr.actor.deleteData, { did: fan.did })).rejects.toMatchObject({
      error: 'ConfirmationMismatch',
    })

    const { records } = await as(token).call(fm.plyr.actor.deleteData, { did: artist.did })
    expect(records).toBe(tracks.length + 1)
    for (const collection of [`${NS}.track`, `${NS}.like`]) {
      const query = new URLSearchParams({ repo: artist.did, collection })
      const listed = await fetch(`${net.pdsUrl}/xrpc/com.atproto.repo.listRecords?${query}`)
      expect(((await listed.json()) as { records: unknown[] }).records).toEqual([])
    }
    await expect(
      new Client({ service: appUrl }).call(fm.plyr.feed.getTrack, { uri: tracks[0]!.uri }),
    ).rejects.toMatchObject({ error: 'TrackNotFound' })
    const db = plyr.database.db
    expect(
      await db.selectFrom('track').selectAll().where('did', '=', artist.did).execute(),
    ).toEqual([])
    expect(await db.selectFrom('media_version').selectAll().execute()).toEqual([])
    expect(await db.selectFrom('media_upload').selectAll().execute()).toEqual([])
    // nobody else shares any of it: no object is left, on disk either
    expect(await storedObjects()).toEqual([])
    const folders = await readdir(join(data.path, 'media', 'objects'))
    for (const folder of folders) {
      expect(await readdir(join(data.path, 'media', 'objects', folder))).toEqual([])
    }
  })
})
