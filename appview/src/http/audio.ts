import { sendError } from '@plyr/core'
import type { Request, Response } from 'express'
import type { AppContext } from '../context.js'
import { parseRecordPath, uriOf } from '../links.js'
import { hydrate } from '../hydration/hydrator.js'
import { readerFor } from '../pipeline/reader.js'
import { applyRules, hiddenReason } from '../rules/apply.js'
import { sendObject } from './send-object.js'
import { type AudioFormat, extensionOf } from '@plyr/media'

export const AUDIO_PREFIX = '/audio'

/**
 * GET /audio/<did>/<rkey>: where a track's audio is. A 307 to its trusted `audioUrl` or to
 * its `audioBlob` on the artist's PDS (com.atproto.sync.getBlob); 404 for a track that is
 * unknown, hidden, or has no audio plyr may send a listener to (an untrusted URL only);
 * 451 for a track or artist taken down by a label; 400 for a malformed identifier. Answers
 * from the index alone: the audio is never fetched. Fetching audio counts no play: players
 * report plays (fm.plyr.feed.reportPlay), so a preload, a seek or a retry counts nothing.
 *
 * Audio uploaded through plyr is served from plyr's storage (http/send-object.ts: Range,
 * ETag, conditional requests), or by a redirect to a presigned S3 URL or MEDIA_PUBLIC_URL;
 * `?original=1` downloads the file as it was uploaded.
 */
export function audioHandler(ctx: AppContext) {
  const trackCollection = ctx.cfg.namespace.collection('track')
  return async (req: Request, res: Response): Promise<void> => {
    const ref = parseRecordPath(req.path.slice(AUDIO_PREFIX.length + 1))
    if (!ref) {
      sendError(res, 400, 'InvalidRequest', 'expected /audio/<did>/<record key>')
      return
    }
    const uri = uriOf(ref, trackCollection)
    // the track, hydrated and ruled as every read is: the rules decide where its audio is
    const state = applyRules(await hydrate(readerFor(ctx), { tracks: [uri] }))
    const hidden = hiddenReason(state, uri)
    if (hidden === 'taken-down') {
      sendError(res, 451, 'TrackTakenDown', `track taken down: ${uri}`)
      return
    }
    if (hidden) {
      sendError(res, 404, 'TrackNotFound', `track not found: ${uri}`)
      return
    }
    const location = state.audio.get(uri)
    if (!location) {
      sendError(res, 404, 'AudioNotFound', `track has no audio plyr can serve: ${uri}`)
      return
    }
    const stored = state.media.get(uri)
    if (location === 'stored' && stored) {
      const original = req.query.original !== undefined
      const sha256 = original ? stored.original_sha256 : stored.playable_sha256
      const object = await ctx.db
        .selectFrom('media_object')
        .select(['size', 'content_type'])
        .where('sha256', '=', sha256)
        .executeTakeFirstOrThrow()
      const track = state.tracks.get(uri)!
      const filename = original
        ? `${track.artist} - ${track.title}.${extensionOf(stored.original_format as AudioFormat)}`
        : undefined
      const direct = await ctx.media.storage.directUrl(sha256, filename)
      if (direct) {
        res.status(307).set('Location', direct).end()
        return
      }
      await sendObject(req, res, ctx.media.storage, {
        sha256,
        size: Number(object.size),
        contentType: object.content_type,
        modified: stored.created_at,
        filename,
      })
      return
    }
    res.status(307).set('Location', location).end()
  }
}
