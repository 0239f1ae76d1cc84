import { createHash, randomUUID } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { MediaError, type Probed } from './probe.js'
import { PeakMeter } from './peaks.js'
import { lastLine, runTool } from './run.js'

/** The loudness target of the normalisation gain: -14 LUFS integrated. */
export const TARGET_LUFS = -14

/** The web format other formats become: MP3 at 320 kb/s (docs/architecture.md says why). */
export const WEB_FORMAT = { contentType: 'audio/mpeg', ext: 'mp3', bitrate: '320k' }

export type Analysis = {
  /** seconds, from the samples decoded */
  duration: number
  loudnessLufs: number | null
  truePeakDb: number | null
  /** hundredths of a dB to TARGET_LUFS, never pushing the true peak over -1 dBTP */
  gainCentiDb: number | null
  peaks: Uint8Array
  /** Chromaprint of the first two minutes, base64 (as `fpcalc` prints it) */
  fingerprint: string | null
}

export type Processed = Analysis & {
  /** the transcoded file, when the original is not served as it is */
  transcoded?: { path: string; size: number; sha256: string }
}

export type ProcessOptions = {
  probed: Probed
  workDir: string
  maxSeconds: number
  timeoutMs: number
  onProgress?: (percent: number) => void
}

/** The decoded audio handed from the decoding ffmpeg to the analysing one. */
const PCM = ['-f', 's16le', '-ar', '44100', '-ac', '2']

/**
 * One decode of the upload feeds every output: the decoding ffmpeg makes the web
 * transcode (unless the original is served as it is) and hands the decoded PCM through a
 * pipe to a second ffmpeg, which runs the analysis on the other core: EBU R128 loudness
 * with true peak (`ebur128`), the waveform peaks (mono at 8 kHz, to a pipe) and the
 * Chromaprint fingerprint of the first two minutes (to a pipe). Neither runs through a
 * shell; both read only files and pipes; decoding stops at `maxSeconds`; both are killed
 * past `timeoutMs`.
 */
export async function processAudio(input: string, opts: ProcessOptions): Promise<Processed> {
  const { probed } = opts
  const out = probed.playable ? undefined : join(opts.workDir, `${randomUUID()}.mp3`)
  const common = ['-hide_banner', '-nostdin', '-nostats', '-protocol_whitelist', 'file,pipe']
  const decodeArgs = [
    ...common,
    ...['-loglevel', 'error', '-progress', 'pipe:1', '-t', String(opts.maxSeconds)],
    ...['-i', input],
    ...(out
      ? [
          ...['-filter_complex', '[0:a]asplit=2[t][a]', '-map', '[t]'],
          ...['-c:a', 'libmp3lame', '-b:a', WEB_FORMAT.bitrate, '-f', 'mp3', out],
          ...['-map', '[a]'],
        ]
      : ['-map', '0:a:0']),
    ...PCM,
    'pipe:3',
  ]
  const analyseArgs = [
    ...common.filter((a) => a !== '-nostdin'),
    ...['-loglevel', 'info', ...PCM, '-i', 'pipe:0'],
    ...[
      '-filter_complex',
      [
        '[0:a]asplit=3[l][p][f]',
        '[l]ebur128=peak=true:framelog=verbose,anullsink',
        '[p]aformat=sample_fmts=s16:channel_layouts=mono,aresample=8000[po]',
      ].join(';'),
    ],
    ...['-map', '[po]', '-f', 's16le', 'pipe:3'],
    ...['-map', '[f]', '-t', '120', '-f', 'chromaprint', '-fp_format', 'base64', 'pipe:4'],
  ]
  const meter = new PeakMeter()
  let fingerprint = ''
  const expected = probed.duration
  let lastPercent = -1
  const pcm = new PassThrough({ highWaterMark: 1024 * 1024 })
  const [decoded, analysed] = await Promise.all([
    runTool('ffmpeg', decodeArgs, {
      timeoutMs: opts.timeoutMs,
      pipes: [(s) => pipeline(s, pcm)],
      onStdoutLine: (line) => {
        const m = /^out_time_us=(\d+)/.exec(line)
        if (!m || !expected) return
        const percent = Math.min(99, Math.floor(Number(m[1]) / 1e4 / expected))
        if (percent > lastPercent) {
          lastPercent = percent
          opts.onProgress?.(percent)
        }
      },
    }),
    runTool('ffmpeg', analyseArgs, {
      timeoutMs: opts.timeoutMs,
      stdin: pcm,
      pipes: [
        async (s) => {
          for await (const chunk of s) meter.push(chunk as Buffer)
        },
        async (s) => {
          for await (const chunk of s) fingerprint += (chunk as Buffer).toString('ascii')
        },
      ],
    }),
  ])
  try {
    for (const run of [decoded, analysed]) {
      if (run.signal === 'SIGKILL') {
        throw new MediaError('Timeout', `processing took longer than ${opts.timeoutMs / 1000} s`)
      }
    }
    if (decoded.code !== 0) {
      throw new MediaError(
        'CorruptMedia',
        `the audio could not be decoded (${lastLine(decoded.stderr)})`,
      )
    }
    if (analysed.code !== 0) {
      throw new Error(`the analysis failed: ${lastLine(analysed.stderr)}`)
    }
    const duration = meter.samples / 8000
    if (duration === 0) throw new MediaError('CorruptMedia', 'the file holds no audio that decodes')
    // a file cut short decodes to less than its header states
    if (expected !== undefined && duration < expected * 0.98 - 0.5 && expected < opts.maxSeconds) {
      throw new MediaError(
        'TruncatedMedia',
        `the file is truncated: it says ${expected.toFixed(1)} s but holds ${duration.toFixed(1)} s of audio; upload the whole file`,
      )
    }
    const loudness = parseLoudness(analysed.stderr)
    const transcoded = out ? { path: out, ...(await hashFile(out)) } : undefined
    return {
      duration,
      ...loudness,
      peaks: meter.finish(),
      fingerprint: fingerprint.trim() || null,
      transcoded,
    }
  } catch (err) {
    if (out) await rm(out, { force: true })
    throw err
  }
}

/** ebur128's summary: integrated loudness and true peak, and the gain to the target. */
export function parseLoudness(stderr: string) {
  const summary = stderr.slice(stderr.lastIndexOf('Summary:'))
  const num = (re: RegExp) => {
    const m = re.exec(summary)
    const v = m ? Number(m[1]) : NaN
    return Number.isFinite(v) ? v : null
  }
  const loudnessLufs = num(/I:\s+(-?[\d.]+|-inf) LUFS/)
  const truePeakDb = num(/Peak:\s+(-?[\d.]+|-inf) dBFS/)
  let gainCentiDb: number | null = null
  if (loudnessLufs !== null) {
    let gain = TARGET_LUFS - loudnessLufs
    // never louder than a true peak of -1 dBTP
    if (truePeakDb !== null) gain = Math.min(gain, -1 - truePeakDb)
    gainCentiDb = Math.round(gain * 100)
  }
  return { loudnessLufs, truePeakDb, gainCentiDb }
}

/** A file's size and SHA-256 (hex), streamed. */
export async function hashFile(path: string): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer)
  return { size: (await stat(path)).size, sha256: hash.digest('hex') }
}
