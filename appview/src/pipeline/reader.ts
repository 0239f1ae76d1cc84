import type { Kysely } from 'kysely'
import type { IndexSchema } from '@plyr/db'
import type { ViewerAuth } from '../auth/viewer-auth.js'
import type { AppContext } from '../context.js'

/**
 * What every read needs besides its params: the db, whose labels apply, who asks, and
 * the AppView's public URL (the base of the links views carry).
 */
export type Reader = {
  db: Kysely<IndexSchema>
  labelers: string[]
  viewer: string | null
  publicUrl: string
}

export function readerFor(ctx: AppContext, auth?: ViewerAuth): Reader {
  return {
    db: ctx.db,
    labelers: ctx.cfg.acceptedLabelers,
    viewer: auth?.credentials.viewer ?? null,
    publicUrl: ctx.service.url,
  }
}
