import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { openTestDatabase, type TestDatabase } from '@plyr/db/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Labeler } from '../src/labeler.js'
import { CatalogueError, importCatalogue, parseCatalogue } from '../src/scan/catalogue.js'
import { makePiece, rawFingerprint, reencode } from './audio.js'
import { startLabeler, tempDir } from './start.js'

/** A local stand-in for AuDD answering its documented shapes: it knows one recording. */
function auddServer(known: { sha256: string; title: string; artist: string }) {
  return createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', async () => {
      const form = await new Request('http://x', {
        method: 'POST',
        headers: { 'content-type': req.headers['content-type']! },
        body: Buffer.concat(chunks),
      }).formData()
      res.setHeader('content-type', 'application/json')
      if (form.get('api_token') !== 'test-token') {
        res.end(
          JSON.stringify({
            status: 'error',
            error: { error_code: 900, error_message: 'Recognition failed: authorization failed' },
          }),
        )
        return
      }
      const file = form.get('file') as Blob
      const sha = createHash('sha256')
        .update(Buffer.from(await file.arrayBuffer()))
        .digest('hex')
      const result =
        sha === known.sha256
          ? {
              artist: known.artist,
              title: known.title,
              album: 'X',
              release_date: '2019-01-01',
              label: 'L',
              timecode: '00:07',
              song_link: 'https://lis.tn/x',
              apple_music: { isrc: 'USUM71900001' },
            }
          : null
      res.end(JSON.stringify({ status: 'success', result }))
    })
  })
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

describe('scanning: fingerprints, matches, flags and labels', () => {
  let database: TestDatabase
  let dir: Awaited<ReturnType<typeof tempDir>>
  let labeler: Labeler
  let media: Server
  let audd: Server
  let mediaUrl: string
  let n = 0

  const addTrack = async (did: string, file: string, title: string) => {
    const uri = `at://${did}/fm.plyr.track/t${++n}`
    const now = new Date()
    await database.db
      .insertInto('track')
      .values({
        uri,
        did,
        cid: `bafyreitrack${n}`,
        title,
        artist: did,
        album: null,
        duration: null,
        description: null,
        file_type: 'mp3',
        audio_url: `${mediaUrl}/${file}`,
        audio_url_trusted: true,
        image_url: null,
        image_url_trusted: false,
        audio_blob_cid: null,
        created_at: now,
        indexed_at: now,
        sort_at: now,
      })
      .execute()
    return uri
  }
  const scanOf = (uri: string) =>
    database.db
      .selectFrom('labeler_scan')
      .selectAll()
      .where('uri', '=', uri)
      .executeTakeFirstOrThrow()
  const flagsOf = (uri: string) =>
    database.db.selectFrom('labeler_flag').selectAll().where('uri', '=', uri).execute()
  const labelled = async (uri: string) =>
    (
      await database.db.selectFrom('labeler_label').select('val').where('uri', '=', uri).execute()
    ).map((r) => r.val)

  beforeAll(async () => {
    database = await openTestDatabase()
    dir = await tempDir()
    const p = (name: string) => join(dir.path, name)
    await Promise.all([
      makePiece(p('a.mp3'), 220, 1, 45),
      makePiece(p('b.mp3'), 330, 7, 40),
      makePiece(p('c.mp3'), 262, 3, 45),
      makePiece(p('d.mp3'), 196, 11, 30),
    ])
    // the same recording re-encoded at another bitrate and trimmed; an excerpt of c
    await reencode(p('a.mp3'), p('a-96k-trimmed.mp3'), '96k', 3)
    await reencode(p('c.mp3'), p('c-excerpt.mp3'), '128k', 10, 20)
    media = createServer(async (req, res) => {
      try {
        res.end(await readFile(p(req.url!.slice(1).replace(/[^a-z0-9.-]/g, ''))))
      } catch {
        res.statusCode = 404
        res.end()
      }
    })
    mediaUrl = await listen(media)
    audd = auddServer({
      sha256: createHash('sha256')
        .update(await readFile(p('d.mp3')))
        .digest('hex'),
      title: 'Known Song',
      artist: 'Famous Artist',
    })
    const auddUrl = await listen(audd)
    labeler = await startLabeler(database.db, dir.path, {
      LABELER_SCAN_POLL_MS: '600000',
      AUDD_API_TOKEN: 'test-token',
      AUDD_API_URL: auddUrl,
      TRUSTED_MEDIA_ORIGINS: mediaUrl,
      // the media server is on loopback
      IDENTITY_ALLOW_PRIVATE_NETWORK: 'true',
    })
    await labeler.scanner!.pass()
  }, 180_000)
  afterAll(async () => {
    await labeler?.destroy()
    media?.close()
    audd?.close()
    await database?.destroy()
    await dir?.[Symbol.asyncDispose]()
  })

  it('flags a re-encoded, trimmed copy of another artist’s track, and nothing unrelated', async () => {
    const original = await addTrack('did:plc:first', 'a.mp3', 'Original')
    await labeler.scanner!.pass()
    const copy = await addTrack('did:plc:second', 'a-96k-trimmed.mp3', 'Copy')
    const unrelated = await addTrack('did:plc:second', 'b.mp3', 'Unrelated')
    const own = await addTrack('did:plc:first', 'a-96k-trimmed.mp3', 'Own re-upload')
    await labeler.scanner!.pass()

    expect((await scanOf(original)).status).toBe('clear')
    expect((await scanOf(copy)).status).toBe('flagged')
    const [flag, ...more] = await flagsOf(copy)
    expect(more).toEqual([])
    expect(flag).toMatchObject({
      source: 'fingerprint',
      matched_kind: 'track',
      matched_subject: original,
      matched_title: 'Original',
      status: 'pending',
    })
    expect(flag!.score).toBeGreaterThan(0.8)
    expect(flag!.overlap_s).toBeGreaterThan(35)
    expect(Math.abs(flag!.offset_s! - 3)).toBeLessThan(0.5)
    expect(await labelled(copy)).toEqual(['copyright-violation'])

    // unrelated audio, and an artist's own earlier recording, raise nothing
    for (const uri of [unrelated, own, original]) {
      expect((await scanOf(uri)).status).toBe('clear')
      expect(await flagsOf(uri)).toEqual([])
      expect(await labelled(uri)).toEqual([])
    }
  })

  it('matches an excerpt against the imported reference catalogue', async () => {
    const c = await rawFingerprint(join(dir.path, 'c.mp3'))
    const jsonl = JSON.stringify({
      title: 'Reference Work',
      artist: 'Label Artist',
      isrc: 'GBAYE0601498',
      ...c,
    })
    expect(() =>
      parseCatalogue('{"title":"x","artist":"y","duration":1,"fingerprint":[]}'),
    ).toThrow(CatalogueError)
    expect(await importCatalogue(database.db, parseCatalogue(jsonl))).toBe(1)
    const excerpt = await addTrack('did:plc:third', 'c-excerpt.mp3', 'Excerpt')
    await labeler.scanner!.pass()
    const [flag] = await flagsOf(excerpt)
    expect(flag).toMatchObject({
      matched_kind: 'reference',
      matched_title: 'Reference Work',
      matched_isrc: 'GBAYE0601498',
    })
    expect(flag!.overlap_s).toBeGreaterThan(15)
    expect(Math.abs(flag!.offset_s! - 10)).toBeLessThan(0.5)
  })

  it('asks AuDD, and shows a scan that cannot fetch its audio as failed, to be retried', async () => {
    const known = await addTrack('did:plc:fourth', 'd.mp3', 'Sounds familiar')
    const missing = await addTrack('did:plc:fourth', 'gone.mp3', 'Missing')
    await labeler.scanner!.pass()
    expect(await flagsOf(known)).toMatchObject([
      {
        source: 'audd',
        matched_title: 'Known Song',
        matched_artist: 'Famous Artist',
        matched_isrc: 'USUM71900001',
        offset_s: 7,
      },
    ])
    expect(await labelled(known)).toEqual(['copyright-violation'])
    const failed = await scanOf(missing)
    expect(failed).toMatchObject({ status: 'failed', attempts: 1 })
    expect(failed.error).toContain('404')
    expect(failed.due_at.getTime()).toBeGreaterThan(Date.now())
  })
})
