import { sendError } from '@plyr/core'
import type { Request, Response } from 'express'
import type { AppContext } from '../context.js'
import { sendObject } from './send-object.js'

/**
 * GET /images/<id>/<300|600>.webp (the thumbnails) and /images/<id>/original: cover art
 * plyr stores, from storage (Range, ETag, conditional requests) or a redirect to S3.
 */
export function imagesHandler(ctx: AppContext) {
  return async (req: Request, res: Response): Promise<void> => {
    const { id, file } = req.params as { id: string; file: string }
    const column =
      file === '300.webp'
        ? 'small_sha256'
        : file === '600.webp'
          ? 'large_sha256'
          : file === 'original'
            ? 'original_sha256'
            : undefined
    const image =
      column &&
      (await ctx.db
        .selectFrom('media_image')
        .innerJoin('media_object', 'media_object.sha256', `media_image.${column}`)
        .select(['media_object.sha256', 'media_object.size', 'media_object.content_type'])
        .select('media_image.created_at')
        .where('media_image.id', '=', id)
        .executeTakeFirst())
    if (!image) {
      sendError(res, 404, 'ImageNotFound', 'no such image')
      return
    }
    const direct = await ctx.media.storage.directUrl(image.sha256)
    if (direct) {
      res.status(307).set('Location', direct).end()
      return
    }
    await sendObject(req, res, ctx.media.storage, {
      sha256: image.sha256,
      size: Number(image.size),
      contentType: image.content_type,
      modified: image.created_at,
    })
  }
}
