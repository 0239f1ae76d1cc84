import type { RecordName } from '@plyr/lexicons'
import type { RecordPlugin } from './plugin.js'
import { trackPlugin } from './track.js'

/** The collections the indexer stores rows for, by record name. */
export const plugins: Partial<Record<RecordName, RecordPlugin>> = {
  track: trackPlugin,
}
