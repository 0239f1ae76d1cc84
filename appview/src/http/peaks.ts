import { sendError } from '@plyr/core'
import { peaksAsNumbers } from '@plyr/media'
import type { Request, Response } from 'express'
import type { AppContext } from '../context.js'
import { hydrate } from '../hydration/hydrator.js'
import { parseRecordPath, uriOf } from '../links.js'
import { readerFor } from '../pipeline/reader.js'
import { applyRules, hiddenReason } from '../rules/apply.js'

/**
 * GET /peaks/<did>/<rkey>: the waveform of a track uploaded through plyr, as JSON (an
 * array of numbers in 0..1), for its current media version. The track is ruled as every
 * read is: hidden, it is not found.
 */
export function peaksHandler(ctx: AppContext) {
  const trackCollection = ctx.cfg.namespace.collection('track')
  return async (req: Request, res: Response): Promise<void> => {
    const ref = parseRecordPath(req.path.slice('/peaks/'.length))
    if (!ref) {
      sendError(res, 400, 'InvalidRequest', 'expected /peaks/<did>/<record key>')
      return
    }
    const uri = uriOf(ref, trackCollection)
    const state = applyRules(await hydrate(readerFor(ctx), { tracks: [uri] }))
    const media = state.media.get(uri)
    if (hiddenReason(state, uri) || !media) {
      sendError(res, 404, 'PeaksNotFound', `no waveform for ${uri}`)
      return
    }
    const row = await ctx.db
      .selectFrom('media_version')
      .select('peaks')
      .where('track_uri', '=', uri)
      .where('version', '=', media.version)
      .executeTakeFirstOrThrow()
    res.set('Cache-Control', 'public, max-age=300').json(peaksAsNumbers(row.peaks))
  }
}
