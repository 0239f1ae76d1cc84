import type { Request, Response } from 'express'
import type { AppContext } from '../context.js'

/**
 * GET / when no web client is served (CLIENT_DIR empty or not built): what this service is
 * and where to start, as JSON.
 */
export function indexHandler(ctx: AppContext) {
  const base = ctx.service.url
  const body = {
    name: 'plyr',
    description: 'An ATProto-native music platform: this is its AppView.',
    did: ctx.service.did,
    endpoints: {
      latestTracks: `${base}/xrpc/fm.plyr.feed.getLatestTracks`,
      topTracks: `${base}/xrpc/fm.plyr.feed.getTopTracks`,
      search: `${base}/xrpc/fm.plyr.search.searchAll?q=`,
      stats: `${base}/xrpc/fm.plyr.stats.getPlatformStats`,
      health: `${base}/health`,
      metrics: `${base}/metrics`,
      oembed: `${base}/oembed?url=`,
    },
    documentation: 'docs/api.md in the plyr repository',
  }
  return (_req: Request, res: Response) => {
    res.json(body)
  }
}
