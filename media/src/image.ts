import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import sharp from 'sharp'
import { MediaError } from './probe.js'
import { hashFile } from './process.js'
import { runTool } from './run.js'

/** Thumbnail sizes (square, px): a list row and a track page. */
export const THUMB_SIZES = { small: 300, large: 600 } as const

const ACCEPTED = new Set(['jpeg', 'png', 'webp', 'gif', 'avif', 'heif'])

export type Thumbnail = { path: string; size: number; sha256: string }
export type MadeImage = { contentType: string; small: Thumbnail; large: Thumbnail }

/**
 * Checks an image by its content (JPEG, PNG, WebP, GIF, AVIF/HEIF) and makes its square
 * WebP thumbnails, once, at upload. Anything else is UnsupportedMedia.
 */
export async function makeThumbnails(path: string, workDir: string): Promise<MadeImage> {
  const meta = await sharp(path)
    .metadata()
    .catch(() => undefined)
  if (!meta?.format || !ACCEPTED.has(meta.format)) {
    throw new MediaError(
      'UnsupportedMedia',
      `unsupported image: found ${meta?.format ?? 'no image'}; upload JPEG, PNG, WebP, GIF or AVIF`,
    )
  }
  const thumb = async (px: number): Promise<Thumbnail> => {
    const out = join(workDir, `${randomUUID()}.webp`)
    await sharp(path).rotate().resize(px, px, { fit: 'cover' }).webp({ quality: 82 }).toFile(out)
    return { path: out, ...(await hashFile(out)) }
  }
  return {
    contentType: `image/${meta.format === 'heif' ? 'avif' : meta.format}`,
    small: await thumb(THUMB_SIZES.small),
    large: await thumb(THUMB_SIZES.large),
  }
}

/**
 * The picture embedded in an audio file (its cover), copied out without decoding, or
 * undefined when there is none that ffmpeg can copy.
 */
export async function extractCover(
  input: string,
  workDir: string,
  timeoutMs: number,
): Promise<{ path: string; size: number; sha256: string } | undefined> {
  const out = join(workDir, `${randomUUID()}.cover`)
  const run = await runTool(
    'ffmpeg',
    [
      ...['-hide_banner', '-nostdin', '-loglevel', 'error', '-protocol_whitelist', 'file,pipe'],
      ...['-i', input, '-map', '0:v:0', '-c', 'copy', '-frames:v', '1', '-f', 'image2', out],
    ],
    { timeoutMs },
  )
  if (run.code !== 0) return undefined
  return { path: out, ...(await hashFile(out)) }
}
