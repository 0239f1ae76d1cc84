import type { Migration } from 'kysely/migration'
import * as m0001 from './0001-index.js'
import * as m0002 from './0002-labels.js'
import * as m0005 from './0005-search.js'
import * as m0006 from './0006-list-indexes.js'
import * as m0007 from './0007-actor-pds.js'
import * as m0008 from './0008-plays.js'
import * as m0009 from './0009-track-counts.js'
import * as m0010 from './0010-list-item-subject.js'
import * as m0011 from './0011-track-recount.js'
import * as m0012 from './0012-record-tombstones.js'
import * as m0013 from './0013-identity-queue.js'
import * as m0014 from './0014-backfill-queue.js'
import * as m0020 from './0020-oauth-sessions.js'
import * as m0021 from './0021-rate-limits.js'
import * as m0030 from './0030-labeler.js'
import * as m0031 from './0031-label-subscriptions.js'
import * as m0032 from './0032-labeler-scans.js'
import * as m0040 from './0040-media.js'
import * as m0041 from './0041-media-images.js'
import * as m0046 from './0046-upload-progress.js'
import * as m0050 from './0050-play-reports.js'

/** Every migration, in order. Add new ones here; never edit one that has shipped. */
export const migrations: Record<string, Migration> = {
  '0001-index': m0001,
  '0002-labels': m0002,
  '0005-search': m0005,
  '0006-list-indexes': m0006,
  '0007-actor-pds': m0007,
  '0008-plays': m0008,
  '0009-track-counts': m0009,
  '0010-list-item-subject': m0010,
  '0011-track-recount': m0011,
  '0012-record-tombstones': m0012,
  '0013-identity-queue': m0013,
  '0014-backfill-queue': m0014,
  '0020-oauth-sessions': m0020,
  '0021-rate-limits': m0021,
  '0030-labeler': m0030,
  '0031-label-subscriptions': m0031,
  '0032-labeler-scans': m0032,
  '0040-media': m0040,
  '0041-media-images': m0041,
  '0046-upload-progress': m0046,
  '0050-play-reports': m0050,
}
