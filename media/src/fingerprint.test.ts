import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { openTestDatabase, type TestDatabase } from '@plyr/db/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ChromaprintFormatError, decodeChromaprint, mediaFingerprints } from './fingerprint.js'
import { processAudio } from './process.js'
import { probe } from './probe.js'

const run = promisify(execFile)

/** fpcalc's answer for a file, raw or compressed (exit 3 on a short file is an answer). */
async function fpcalc(path: string, raw: boolean) {
  const args = [...(raw ? ['-raw'] : []), '-json', '-length', '120', path]
  const { stdout } = await run('fpcalc', args).catch((err: { code?: number; stdout?: string }) => {
    if (err.code === 3 && err.stdout) return { stdout: err.stdout }
    throw err
  })
  return JSON.parse(stdout) as { duration: number; fingerprint: number[] | string }
}

describe("the media pipeline's fingerprints, for the labeler", () => {
  let dir: string
  let song: string

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'plyr-fp-'))
    song = join(dir, 'song.mp3')
    // a gliding tone and a pulsing fifth over pink noise: varied like music, not a held sine
    const tone =
      '0.3*sin(2*PI*(220+40*sin(2*PI*0.25*t))*t)+0.2*sin(2*PI*330*t)*gt(mod(t\\,1)\\,0.5)'
    await run('ffmpeg', [
      ...['-hide_banner', '-loglevel', 'error', '-y'],
      ...['-f', 'lavfi', '-i', `aevalsrc=${tone}:s=44100:d=25`],
      ...['-f', 'lavfi', '-i', 'anoisesrc=color=pink:seed=3:amplitude=0.15:d=25'],
      ...['-filter_complex', 'amix=inputs=2:normalize=0', '-ac', '2', '-b:a', '192k', song],
    ])
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it("decodes Chromaprint's compressed form to the raw values fpcalc prints", async () => {
    const compressed = (await fpcalc(song, false)).fingerprint as string
    const raw = (await fpcalc(song, true)).fingerprint as number[]
    expect(raw.length).toBeGreaterThan(100)
    expect(Array.from(decodeChromaprint(compressed))).toEqual(raw)
  })

  it('the one-pass analysis gives the fingerprint fpcalc computes from the file', async () => {
    const probed = await probe(song, 30_000)
    const processed = await processAudio(song, {
      probed,
      workDir: dir,
      maxSeconds: 600,
      timeoutMs: 60_000,
    })
    const raw = (await fpcalc(song, true)).fingerprint as number[]
    expect(Array.from(decodeChromaprint(processed.fingerprint!))).toEqual(raw)
  })

  it('refuses what is not a compressed fingerprint, with a typed error', () => {
    const good = Buffer.from([1, 0, 0, 2, 0b00_000_001, 0]).toString('base64url')
    expect(Array.from(decodeChromaprint(good))).toEqual([1, 1])
    for (const bad of [
      '',
      'not base64!',
      'AQA',
      Buffer.from([1, 0, 0, 9, 1]).toString('base64url'),
    ]) {
      expect(() => decodeChromaprint(bad)).toThrow(ChromaprintFormatError)
    }
  })

  describe('read from media_version', () => {
    let database: TestDatabase
    beforeAll(async () => {
      database = await openTestDatabase()
    })
    afterAll(async () => {
      await database?.destroy()
    })

    it("is the current version's, and undefined where there is none", async () => {
      const uri = 'at://did:plc:fpartist/fm.plyr.track/one'
      const version = (n: number, fingerprint: string | null) => ({
        track_uri: uri,
        version: n,
        did: 'did:plc:fpartist',
        original_sha256: `o${n}`,
        original_format: 'mp3',
        playable_sha256: `p${n}`,
        playable_type: 'audio/mpeg',
        duration: 20 + n,
        peaks: '',
        fingerprint,
      })
      const read = mediaFingerprints(database.db)
      expect(await read(uri)).toBeUndefined()
      const compressed = (await fpcalc(song, false)).fingerprint as string
      await database.db
        .insertInto('media_version')
        .values([
          version(1, Buffer.from([1, 0, 0, 1, 1, 0]).toString('base64url')),
          version(2, compressed),
        ])
        .execute()
      expect(await read(uri)).toEqual({
        duration: 22,
        fingerprint: Uint32Array.from((await fpcalc(song, true)).fingerprint as number[]),
      })
      await database.db.insertInto('media_version').values(version(3, null)).execute()
      expect(await read(uri)).toBeUndefined()
      expect(await read('at://did:plc:fpartist/fm.plyr.track/other')).toBeUndefined()
    })
  })
})
