import { execFile } from 'node:child_process'
import { promisify } from 'node:util'

const run = promisify(execFile)

/**
 * Real-sounding material made with ffmpeg: a gliding tone, a pulsing fifth and a stepping
 * melody over pink noise, so fingerprints vary like music's rather than a held sine's.
 * `base` (Hz) and `seed` make pieces that are unrelated to each other.
 */
export async function makePiece(path: string, base: number, seed: number, seconds: number) {
  const tone =
    `0.3*sin(2*PI*(${base}+40*sin(2*PI*0.25*t))*t)` +
    `+0.2*sin(2*PI*${base * 1.5}*t)*gt(mod(t,1),0.5)` +
    `+0.2*sin(2*PI*(${base * 2.02}+100*mod(floor(t*2),4))*t)`
  await run('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-y'],
    ...['-f', 'lavfi', '-i', `aevalsrc='${tone}':s=44100:d=${seconds}`],
    ...['-f', 'lavfi', '-i', `anoisesrc=color=pink:seed=${seed}:amplitude=0.15:d=${seconds}`],
    ...['-filter_complex', 'amix=inputs=2:normalize=0', '-ac', '2', '-b:a', '320k', path],
  ])
}

/** `input` re-encoded as MP3 at `bitrate`, from `start` seconds, at most `seconds` long. */
export async function reencode(
  input: string,
  output: string,
  bitrate: string,
  start = 0,
  seconds?: number,
) {
  await run('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-y', '-ss', String(start), '-i', input],
    ...(seconds === undefined ? [] : ['-t', String(seconds)]),
    ...['-b:a', bitrate, output],
  ])
}

/** fpcalc's raw fingerprint of a file, as the catalogue format takes it. */
export async function rawFingerprint(path: string) {
  const { stdout } = await run('fpcalc', ['-raw', '-json', '-length', '0', path]).catch(
    (err: { stdout?: string; code?: number }) => {
      if (err.code === 3 && err.stdout) return { stdout: err.stdout }
      throw err
    },
  )
  return JSON.parse(stdout) as { duration: number; fingerprint: number[] }
}
