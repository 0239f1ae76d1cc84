import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CreateBucketCommand } from '@aws-sdk/client-s3'
import { type FauxqsServer, startFauxqs } from 'fauxqs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LocalStorage } from './local.js'
import { S3Storage } from './s3.js'
import type { MediaStorage } from './storage.js'

let dir: string
let s3: FauxqsServer

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'plyr-storage-'))
  s3 = await startFauxqs({ port: 0, logger: false })
})

afterAll(async () => {
  await s3?.stop()
  await rm(dir, { recursive: true, force: true })
})

const backends: [string, () => Promise<MediaStorage>][] = [
  ['local disk', async () => new LocalStorage(join(dir, 'objects'))],
  [
    'S3 (fauxqs, an S3-compatible server in-process)',
    async () => {
      const storage = new S3Storage({
        bucket: 'plyr-media',
        endpoint: `http://127.0.0.1:${s3.port}`,
        region: 'us-east-1',
        accessKeyId: 'test',
        secretAccessKey: 'test',
        forcePathStyle: true,
        presignSeconds: 60,
      })
      await storage.client.send(new CreateBucketCommand({ Bucket: 'plyr-media' }))
      return storage
    },
  ],
]

describe.each(backends)('media storage on %s', (_name, open) => {
  let storage: MediaStorage
  // 20 MB: more than two parts of a multipart upload
  const bytes = randomBytes(20 * 1024 * 1024 + 123)
  const key = createHash('sha256').update(bytes).digest('hex')
  let path: string

  beforeAll(async () => {
    storage = await open()
    path = join(dir, `${storage.kind}.bin`)
    await writeFile(path, bytes)
  })

  it('stores a file by its key, reads it whole and by range, lists and deletes it', async () => {
    expect(await storage.has(key)).toBe(false)
    await storage.put(key, path, 'audio/mpeg')
    // the same bytes again: stored once, no error
    await storage.put(key, path, 'audio/mpeg')
    expect(await storage.has(key)).toBe(true)
    const whole = Buffer.concat(await (await storage.read(key)).toArray())
    expect(whole.equals(bytes)).toBe(true)
    const part = Buffer.concat(
      await (await storage.read(key, { start: 1000, end: 1999 })).toArray(),
    )
    expect(part.equals(bytes.subarray(1000, 2000))).toBe(true)
    const keys: string[] = []
    for await (const k of storage.list()) {
      keys.push(k.key)
      expect(Date.now() - k.modified.getTime()).toBeLessThan(10 * 60_000)
    }
    expect(keys).toEqual([key])

    const local = await storage.localFile(key, join(dir, 'fetch'))
    expect((await readFile(local.path)).equals(bytes)).toBe(true)
    await local.release()

    await storage.delete(key)
    expect(await storage.has(key)).toBe(false)
    await expect(storage.put('../../etc/passwd', path, 'audio/mpeg')).rejects.toThrow(
      /not a storage key/,
    )
  })

  it('hands out a direct URL only where one serves the bytes (S3: presigned)', async () => {
    await storage.put(key, path, 'audio/mpeg')
    const url = await storage.directUrl(key, 'Mira - Night Set.mp3')
    if (storage.kind === 'local') {
      expect(url).toBeUndefined()
    } else {
      const res = await fetch(url!, { headers: { range: 'bytes=-5' } })
      expect(res.status).toBe(206)
      expect(Buffer.from(await res.arrayBuffer()).equals(bytes.subarray(-5))).toBe(true)
      // a download's name travels in the signed URL (fauxqs does not echo it back)
      expect(new URL(url!).searchParams.get('response-content-disposition')).toContain(
        'Night Set.mp3',
      )
    }
    await storage.delete(key)
  })
})

describe('media storage on S3 with a public endpoint', () => {
  it("presigns listeners' URLs for S3_PUBLIC_ENDPOINT, storing through S3_ENDPOINT", async () => {
    // the same stand-in under two names: the services' and the listeners'
    const publicEndpoint = `http://localhost:${s3.port}`
    const storage = new S3Storage({
      bucket: 'plyr-public',
      endpoint: `http://127.0.0.1:${s3.port}`,
      publicEndpoint,
      region: 'us-east-1',
      accessKeyId: 'test',
      secretAccessKey: 'test',
      forcePathStyle: true,
      presignSeconds: 60,
    })
    await storage.client.send(new CreateBucketCommand({ Bucket: 'plyr-public' }))
    const bytes = randomBytes(1024)
    const key = createHash('sha256').update(bytes).digest('hex')
    const path = join(dir, 'public-endpoint')
    await writeFile(path, bytes)
    await storage.put(key, path, 'audio/mpeg')
    const url = new URL((await storage.directUrl(key))!)
    expect(url.origin).toBe(publicEndpoint)
    expect(url.pathname).toBe(`/plyr-public/${key}`)
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/)
    const res = await fetch(url)
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true)
    await storage.delete(key)
  })
})
