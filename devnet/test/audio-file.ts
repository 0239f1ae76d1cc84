import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

/**
 * A generated stereo test signal, `seconds` long: a 440 Hz sine at half of full scale for
 * the first half, then silence (so its peaks, loudness and length are known), in the
 * format `args` give.
 */
export async function makeAudio(dir: string, name: string, seconds: number, args: string[]) {
  const path = join(dir, name)
  const tone = `0.5*sin(2*PI*440*t)*lt(t\\,${seconds / 2})`
  await run('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi'],
    ...['-i', `aevalsrc=${tone}|${tone}:s=44100:d=${seconds}`],
    ...args,
    path,
  ])
  return path
}
