import { createHash, randomUUID } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { type Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'

export class UploadTooLargeError extends Error {
  override name = 'UploadTooLargeError'
}
export class EmptyUploadError extends Error {
  override name = 'EmptyUploadError'
}
export class UploadInterruptedError extends Error {
  override name = 'UploadInterruptedError'
}

/** A file staged on local disk: its path, size and SHA-256 (hex). */
export type Staged = { path: string; size: number; sha256: string; discard(): Promise<void> }

export type StageOptions = {
  /** past this many bytes the upload is refused (UploadTooLargeError) */
  maxBytes: number
  /** called with the bytes received so far, after each chunk */
  onBytes?: (received: number) => void
  /** aborting it stops the upload with the signal's reason */
  signal?: AbortSignal
}

/**
 * Streams `body` to a new file under `dir` while hashing it, in constant memory (the
 * streams' own buffers, with backpressure). Past `maxBytes` it stops reading with
 * UploadTooLargeError (the body is left for the caller to answer and close); a body that
 * ends early is UploadInterruptedError; `signal` aborted stops it with its reason; in
 * every case nothing is kept.
 */
export async function stageUpload(
  body: Readable,
  dir: string,
  { maxBytes, onBytes, signal }: StageOptions,
): Promise<Staged> {
  await mkdir(dir, { recursive: true })
  const path = join(dir, `${randomUUID()}.part`)
  const hash = createHash('sha256')
  let size = 0
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length
      if (size > maxBytes) {
        done(new UploadTooLargeError(`the upload is larger than ${maxBytes} bytes`))
        return
      }
      hash.update(chunk)
      onBytes?.(size)
      done(null, chunk)
    },
  })
  // piped, not pipelined: a refusal must not destroy the request before it is answered
  const interrupted = () => {
    if (!body.readableEnded) meter.destroy(new UploadInterruptedError('the upload was interrupted'))
  }
  const aborted = () => meter.destroy(signal!.reason as Error)
  body.once('error', interrupted)
  body.once('close', interrupted)
  signal?.addEventListener('abort', aborted, { once: true })
  body.pipe(meter)
  if (signal?.aborted) aborted()
  const discard = () => rm(path, { force: true })
  try {
    await pipeline(meter, createWriteStream(path, { flags: 'wx' }))
  } catch (err) {
    body.unpipe(meter)
    await discard()
    throw err
  } finally {
    body.off('error', interrupted)
    body.off('close', interrupted)
    signal?.removeEventListener('abort', aborted)
  }
  if (size === 0) {
    await discard()
    throw new EmptyUploadError('the upload was empty')
  }
  return { path, size, sha256: hash.digest('hex'), discard }
}
