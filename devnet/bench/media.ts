// npm run bench:media: the media pipeline against bare ffmpeg, uploads through
// fm.plyr.media.uploadAudio against a plain stream to disk, and /audio Range requests at
// 64 connections; each against its baseline measured in the same run on the same file.
// Prints one JSON line at the end (progress goes to stderr). BENCH_MEDIA_PARTS (a comma
// list of processing, upload, range; all by default) runs only those parts.
import { execFile } from 'node:child_process'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { promisify } from 'node:util'
import { pino } from 'pino'
import { Pool } from 'undici'
import { PlyrService, serviceConfigFromEnv } from '@plyr/appview'
import { probe, processAudio, WEB_FORMAT } from '@plyr/media'
import { DevNetwork, freePort } from '../src/network.js'
import { developerToken, launchChromium } from '../test/browser.js'

const run = promisify(execFile)
const log = (line: string) => process.stderr.write(`bench:media: ${line}\n`)
const MINUTES = Number(process.env.BENCH_MEDIA_MINUTES || 90)
const UPLOAD_MB = Number(process.env.BENCH_UPLOAD_MB || 1536)
const UPLOAD_ROUNDS = Number(process.env.BENCH_UPLOAD_ROUNDS || 3)
const RANGE_SECONDS = Number(process.env.BENCH_RANGE_SECONDS || 10)
const CONNECTIONS = 64
const PARTS = new Set(
  (process.env.BENCH_MEDIA_PARTS || 'processing,upload,range').split(',').map((p) => p.trim()),
)
for (const part of PARTS) {
  if (!['processing', 'upload', 'range'].includes(part)) {
    throw new Error(`BENCH_MEDIA_PARTS: no part "${part}" (processing, upload, range)`)
  }
}
const round = (n: number, digits = 2) => Number(n.toFixed(digits))
const cpuSeconds = (used: NodeJS.CpuUsage) => (used.user + used.system) / 1e6
const median = (ns: number[]) => [...ns].sort((a, b) => a - b)[Math.floor(ns.length / 2)]!

const dir = await mkdtemp(join(tmpdir(), 'plyr-bench-media-'))
const seconds = async (work: () => Promise<unknown>) => {
  const started = performance.now()
  await work()
  return (performance.now() - started) / 1000
}

/** A generated stereo 44.1 kHz 16-bit file: a slow sweep with noise (not silence). */
async function generate(path: string, durationS: number, format: string) {
  await run('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-y'],
    ...['-f', 'lavfi', '-i', `sine=frequency=220:beep_factor=4:duration=${durationS}`],
    ...['-f', 'lavfi', '-i', `anoisesrc=d=${durationS}:a=0.05:r=44100`],
    ...['-filter_complex', 'amix=inputs=2,aformat=sample_fmts=s16:channel_layouts=stereo'],
    ...['-ar', '44100', '-f', format, path],
  ])
}

try {
  const result: Record<string, number> = {}
  // 1. processing: the one-pass pipeline against bare ffmpeg making the same MP3
  if (PARTS.has('processing')) {
    const aiff = join(dir, 'set.aiff')
    log(`generating a ${MINUTES}-minute AIFF`)
    await generate(aiff, MINUTES * 60, 'aiff')
    const bare = await seconds(() =>
      run('ffmpeg', [
        ...['-hide_banner', '-loglevel', 'error', '-y', '-i', aiff],
        ...['-c:a', 'libmp3lame', '-b:a', WEB_FORMAT.bitrate, '-f', 'mp3', join(dir, 'bare.mp3')],
      ]),
    )
    log(`bare ffmpeg: ${bare.toFixed(1)} s`)
    const processing = await seconds(async () => {
      const probed = await probe(aiff, 600_000)
      const done = await processAudio(aiff, {
        probed,
        workDir: dir,
        maxSeconds: 4 * 3600,
        timeoutMs: 3_600_000,
      })
      await rm(done.transcoded!.path)
    })
    log(`pipeline: ${processing.toFixed(1)} s`)
    await rm(aiff)
    Object.assign(result, {
      processing_s: round(processing, 1),
      bare_ffmpeg_s: round(bare, 1),
      processing_ratio: round(processing / bare),
    })
  }

  if (PARTS.has('upload') || PARTS.has('range')) {
    const net = await DevNetwork.start()
    const port = await freePort()
    const appUrl = `http://127.0.0.1:${port}`
    const plyr = await PlyrService.start(
      serviceConfigFromEnv({
        ...net.serviceEnv(),
        PLYR_NAMESPACE: 'fm.plyr.dev',
        PORT: String(port),
        PUBLIC_URL: appUrl,
        DATA_DIR: join(dir, 'data'),
        RUN_INDEXER: 'false',
      }),
      pino({ level: 'silent' }),
    )
    try {
      const artist = await net.createAccount('bench')
      const browser = await launchChromium()
      const token = await developerToken(browser, appUrl, artist).finally(() => browser.close())
      if (PARTS.has('upload')) Object.assign(result, await uploads(appUrl, token))
      if (PARTS.has('range')) Object.assign(result, await ranges(appUrl, token))
    } finally {
      await plyr.destroy()
      await net.destroy()
    }
  }
  process.stdout.write(`${JSON.stringify(result)}\n`)
} finally {
  await rm(dir, { recursive: true, force: true })
}

/** 2. uploads: through uploadAudio, against a plain stream of the same bytes to disk. */
async function uploads(appUrl: string, token: string) {
  const wav = join(dir, 'upload.wav')
  const wavSeconds = Math.floor((UPLOAD_MB * 1024 * 1024) / (44100 * 4))
  log(`generating a ${UPLOAD_MB} MB WAV`)
  await generate(wav, wavSeconds, 'wav')
  const size = (await stat(wav)).size
  // the two alternate, each starting with no writeback pending (sync) so that neither
  // pays for the other's dirty pages; the medians are compared (a busy machine is noisy)
  const baselines: number[] = []
  const uploadTimes: number[] = []
  let rssGrowth = 0
  for (let round = 1; round <= UPLOAD_ROUNDS; round++) {
    await run('sync')
    let cpu = process.cpuUsage()
    const baseline = await seconds(() =>
      pipeline(createReadStream(wav), createWriteStream(join(dir, 'copy.wav'))),
    )
    const baselineCpu = cpuSeconds(process.cpuUsage(cpu))
    await rm(join(dir, 'copy.wav'))
    baselines.push(baseline)
    await run('sync')
    global.gc?.()
    const rssBefore = process.memoryUsage.rss()
    let rssPeak = rssBefore
    const sampler = setInterval(() => {
      rssPeak = Math.max(rssPeak, process.memoryUsage.rss())
    }, 50)
    let uploadId = ''
    cpu = process.cpuUsage()
    const upload = await seconds(async () => {
      // curl in its own process streams the file (-T): the client's CPU is not the server's
      const { stdout } = await run('curl', [
        ...['-sS', '-X', 'POST', '-T', wav, '-H', `authorization: Bearer ${token}`],
        ...['-H', 'content-type: audio/wav', `${appUrl}/xrpc/fm.plyr.media.uploadAudio`],
      ])
      uploadId = (JSON.parse(stdout) as { uploadId?: string }).uploadId ?? ''
      if (!uploadId) throw new Error(`upload failed: ${stdout}`)
    })
    clearInterval(sampler)
    const uploadCpu = cpuSeconds(process.cpuUsage(cpu))
    uploadTimes.push(upload)
    rssGrowth = Math.max(rssGrowth, rssPeak - rssBefore)
    log(
      `round ${round}: baseline ${(size / 1e6 / baseline).toFixed(0)} MB/s, ` +
        `upload ${(size / 1e6 / upload).toFixed(0)} MB/s ` +
        `(CPU seconds of this process: ${baselineCpu.toFixed(1)}, ${uploadCpu.toFixed(1)})`,
    )
  }
  const baseline = median(baselines)
  const upload = median(uploadTimes)
  await rm(wav)
  return {
    upload_mb_s: round(size / 1e6 / upload, 0),
    baseline_mb_s: round(size / 1e6 / baseline, 0),
    upload_ratio: round(baseline / upload),
    upload_rss_growth_mb: round(rssGrowth / 1e6, 0),
  }
}

/** 3. Range requests on a track stored on local disk, at CONNECTIONS connections. */
async function ranges(appUrl: string, token: string) {
  const mp3 = join(dir, 'track.mp3')
  await generate(mp3, 240, 'mp3')
  const mp3Size = (await stat(mp3)).size
  const small = await fetch(`${appUrl}/xrpc/fm.plyr.media.uploadAudio`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'audio/mpeg',
      'content-length': String(mp3Size),
    },
    body: Readable.toWeb(createReadStream(mp3)) as ReadableStream,
    duplex: 'half',
  } as RequestInit)
  const { uploadId: trackUpload } = (await small.json()) as { uploadId: string }
  const made = await fetch(`${appUrl}/xrpc/fm.plyr.feed.createTrack`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ uploadId: trackUpload, title: 'Bench' }),
  })
  const { jobId, uri } = (await made.json()) as { jobId: string; uri: string }
  const events = await fetch(`${appUrl}/uploads/${jobId}/events`, {
    headers: { authorization: `Bearer ${token}` },
  })
  if (!(await events.text()).includes('event: done')) throw new Error('the track failed')
  const [, , did, , rkey] = uri.split('/')
  const path = `/audio/${did}/${rkey}`
  const pool = new Pool(appUrl, { connections: CONNECTIONS })
  const latencies: number[] = []
  const deadline = performance.now() + RANGE_SECONDS * 1000
  const started = performance.now()
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < deadline) {
        // a seek: 64 KiB from somewhere past the start (a range from 0 would count a play)
        const start = 1024 + Math.floor(Math.random() * (mp3Size - 70_000))
        const sent = performance.now()
        const res = await pool.request({
          path,
          method: 'GET',
          headers: { range: `bytes=${start}-${start + 65535}` },
        })
        for await (const chunk of res.body) void chunk
        if (res.statusCode !== 206) throw new Error(`range: ${res.statusCode}`)
        latencies.push(performance.now() - sent)
      }
    }),
  )
  const elapsed = (performance.now() - started) / 1000
  await pool.close()
  latencies.sort((a, b) => a - b)
  return {
    range_rps: round(latencies.length / elapsed, 0),
    range_p99_ms: round(latencies[Math.floor(latencies.length * 0.99)]!, 1),
  }
}
