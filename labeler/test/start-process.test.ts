import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { Database } from '@plyr/db'
import { expect, it } from 'vitest'
import { makePiece } from './audio.js'
import { startLabelerProcess } from './process.js'
import { LABELER_DID, tempDir } from './start.js'

const run = promisify(execFile)

it("npm run start:labeler scans a track uploaded through plyr from media's fingerprint", async () => {
  await using dir = await tempDir()
  const song = join(dir.path, 'song.mp3')
  await makePiece(song, 220, 1, 20)
  // the compressed form the media pipeline stores (fpcalc exits 3 on a file this short)
  const { stdout } = await run('fpcalc', ['-json', '-length', '120', song]).catch(
    (err: { code?: number; stdout?: string }) => {
      if (err.code === 3 && err.stdout) return { stdout: err.stdout }
      throw err
    },
  )
  const compressed = (JSON.parse(stdout) as { fingerprint: string }).fingerprint

  // the AppView's database: a track whose audio lives nowhere the labeler could fetch (no
  // blob: the PDS refused its size; its URL, plyr's own, not in TRUSTED_MEDIA_ORIGINS and a
  // private address), with the media version the upload made
  const uri = 'at://did:plc:uploader/fm.plyr.track/one'
  const database = await Database.open({ dataDir: dir.path })
  await database.migrate()
  const now = new Date()
  await database.db
    .insertInto('track')
    .values({
      uri,
      did: 'did:plc:uploader',
      cid: 'bafyreiuploaded',
      title: 'Uploaded',
      artist: 'Uploader',
      album: null,
      duration: 20,
      description: null,
      file_type: 'mp3',
      audio_url: 'http://10.255.255.1/audio/did:plc:uploader/one',
      audio_url_trusted: false,
      image_url: null,
      image_url_trusted: false,
      audio_blob_cid: null,
      created_at: now,
      indexed_at: now,
      sort_at: now,
    })
    .execute()
  await database.db
    .insertInto('media_version')
    .values({
      track_uri: uri,
      version: 1,
      did: 'did:plc:uploader',
      original_sha256: 'o1',
      original_format: 'mp3',
      playable_sha256: 'p1',
      playable_type: 'audio/mpeg',
      duration: 20,
      peaks: '',
      fingerprint: compressed,
    })
    .execute()
  await database.destroy()

  const labeler = await startLabelerProcess({
    DATABASE_URL: '',
    DATA_DIR: dir.path,
    LABELER_DID,
    LABELER_SCAN_POLL_MS: '200',
  })
  try {
    const health = await labeler.health<{ labeler?: { scanner?: { fromMedia: number } } }>(
      (body) => body.labeler?.scanner?.fromMedia === 1,
    )
    expect(health.labeler?.scanner).toEqual({ fromMedia: 1, computed: 0, downloaded: 0 })
  } finally {
    await labeler.stop()
  }
  const after = await Database.open({ dataDir: dir.path })
  try {
    const scan = await after.db
      .selectFrom('labeler_scan')
      .select(['status', 'error'])
      .where('uri', '=', uri)
      .executeTakeFirstOrThrow()
    expect(scan).toEqual({ status: 'clear', error: null })
  } finally {
    await after.destroy()
  }
})
