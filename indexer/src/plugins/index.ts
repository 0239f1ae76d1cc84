import type { PlyrNamespace } from '@plyr/lexicons'
import { artistProfilePlugin } from './artist-profile.js'
import { bskyProfilePlugin } from './bsky-profile.js'
import { commentPlugin } from './comment.js'
import { likePlugin } from './like.js'
import { listPlugin } from './list.js'
import type { PluginConfig, RecordPlugin } from './plugin.js'
import { trackPlugin } from './track.js'

/**
 * Every collection the indexer stores, by collection NSID. Order matters within a batch:
 * tracks before the likes and comments that count them, plyr records before the Bluesky
 * profiles that are kept only for plyr actors.
 */
export function createPlugins(ns: PlyrNamespace, cfg: PluginConfig): Map<string, RecordPlugin> {
  const plugins = [
    trackPlugin(ns, cfg),
    likePlugin(ns),
    commentPlugin(ns),
    listPlugin(ns),
    artistProfilePlugin(ns, cfg),
    bskyProfilePlugin(),
  ]
  return new Map(plugins.map((p) => [p.collection, p]))
}
