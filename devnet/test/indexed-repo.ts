import type { PlyrService } from '@plyr/appview'
import { createIdentity } from '@plyr/core'
import { Backfiller, createPlugins, Processor } from '@plyr/indexer'
import { PlyrNamespace } from '@plyr/lexicons'
import { pino } from 'pino'
import type { DevNetwork } from '../src/network.js'

/** Indexes an actor's records from their PDS into plyr's database, as the indexer would. */
export async function indexRepo(
  plyr: PlyrService,
  net: DevNetwork,
  namespace: string,
  did: string,
): Promise<void> {
  const cfg = { plcUrl: net.plcUrl, allowPrivateNetwork: true, timeoutMs: 3000 }
  const ns = new PlyrNamespace(namespace)
  const logger = pino({ level: 'silent' })
  const processor = new Processor({
    db: plyr.database.db,
    plugins: createPlugins(ns, { trustedMediaOrigins: new Set() }),
    writers: 1,
    logger,
  })
  const identity = createIdentity(cfg)
  await new Backfiller({
    db: plyr.database.db,
    processor,
    identity,
    collections: Object.values(ns.collections),
    logger,
    concurrency: 1,
  }).backfillRepo(did)
}
