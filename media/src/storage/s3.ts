import { randomUUID } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NotFound,
  S3Client,
} from '@aws-sdk/client-s3'
import { Upload } from '@aws-sdk/lib-storage'
import { getSignedUrl } from '@aws-sdk/s3-request-presigner'
import {
  type ByteRange,
  checkKey,
  contentDisposition,
  type LocalFile,
  type MediaStorage,
  type StoredKey,
} from './storage.js'

export type S3Config = {
  bucket: string
  endpoint?: string
  region: string
  accessKeyId?: string
  secretAccessKey?: string
  forcePathStyle: boolean
  /** how long a presigned URL for a listener lasts */
  presignSeconds: number
  /** a public base URL (a CDN) serving the bucket's keys; unset: presigned URLs */
  publicUrl?: string
  /** the endpoint as listeners reach it, when not `endpoint`: presigned URLs are signed for it */
  publicEndpoint?: string
}

/** The parts a multipart upload sends at once, each PART_SIZE: the memory it takes. */
const QUEUE_SIZE = 2
const PART_SIZE = 8 * 1024 * 1024

/**
 * Objects in an S3 bucket (any S3-compatible server), keyed by their SHA-256. Files go up
 * as multipart uploads (`@aws-sdk/lib-storage`) read from disk, in constant memory.
 * Listeners are sent to a short-lived presigned URL (on `publicEndpoint` when set), or to
 * `publicUrl` when set.
 */
export class S3Storage implements MediaStorage {
  readonly kind = 's3'
  readonly client: S3Client
  /** Signs listeners' URLs: a client of the public endpoint (it sends nothing). */
  private readonly presigner: S3Client

  constructor(private readonly cfg: S3Config) {
    this.client = s3Client(cfg, cfg.endpoint)
    this.presigner = cfg.publicEndpoint ? s3Client(cfg, cfg.publicEndpoint) : this.client
  }

  async put(key: string, path: string, contentType: string): Promise<void> {
    if (await this.has(key)) return
    const upload = new Upload({
      client: this.client,
      queueSize: QUEUE_SIZE,
      partSize: PART_SIZE,
      params: {
        Bucket: this.cfg.bucket,
        Key: checkKey(key),
        Body: createReadStream(path),
        ContentType: contentType,
      },
    })
    await upload.done()
  }

  async localFile(key: string, tempDir: string): Promise<LocalFile> {
    await mkdir(tempDir, { recursive: true })
    const path = join(tempDir, `${randomUUID()}.fetch`)
    try {
      await pipeline(await this.read(key), createWriteStream(path, { flags: 'wx' }))
    } catch (err) {
      await rm(path, { force: true })
      throw err
    }
    return { path, release: () => rm(path, { force: true }) }
  }

  async read(key: string, range?: ByteRange): Promise<Readable> {
    const res = await this.client.send(
      new GetObjectCommand({
        Bucket: this.cfg.bucket,
        Key: checkKey(key),
        ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}),
      }),
    )
    return res.Body as Readable
  }

  async has(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.cfg.bucket, Key: checkKey(key) }))
      return true
    } catch (err) {
      if (err instanceof NotFound || (err as { name?: string }).name === 'NotFound') return false
      throw err
    }
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.cfg.bucket, Key: checkKey(key) }))
  }

  async *list(): AsyncIterable<StoredKey> {
    let token: string | undefined
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.cfg.bucket, ContinuationToken: token }),
      )
      for (const object of page.Contents ?? []) {
        if (object.Key && /^[0-9a-f]{64}$/.test(object.Key)) {
          yield { key: object.Key, modified: object.LastModified ?? new Date() }
        }
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined
    } while (token)
  }

  async directUrl(key: string, filename?: string): Promise<string> {
    if (this.cfg.publicUrl) return `${this.cfg.publicUrl}/${checkKey(key)}`
    return getSignedUrl(
      // the presigner is typed against an older @smithy client class: the same at runtime
      this.presigner as unknown as Parameters<typeof getSignedUrl>[0],
      new GetObjectCommand({
        Bucket: this.cfg.bucket,
        Key: checkKey(key),
        ...(filename ? { ResponseContentDisposition: contentDisposition(filename) } : {}),
      }),
      { expiresIn: this.cfg.presignSeconds },
    )
  }
}

function s3Client(cfg: S3Config, endpoint: string | undefined): S3Client {
  return new S3Client({
    region: cfg.region,
    endpoint,
    forcePathStyle: cfg.forcePathStyle,
    ...(cfg.accessKeyId && cfg.secretAccessKey
      ? { credentials: { accessKeyId: cfg.accessKeyId, secretAccessKey: cfg.secretAccessKey } }
      : {}),
  })
}
