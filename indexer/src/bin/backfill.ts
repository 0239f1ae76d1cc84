// npm run backfill -- <did-or-handle>...   fetch these actors' existing plyr records
// npm run backfill -- --network            every repo holding plyr tracks, from RELAY_URL
import { Database, databaseConfigFromEnv } from '@plyr/db'
import { pino } from 'pino'
import { indexerConfigFromEnv } from '../config.js'
import { Indexer } from '../indexer.js'
import { forEachConcurrent } from '@plyr/core'
import { listAllReposByCollection } from '../relay.js'

const usage = `usage: npm run backfill -- <did-or-handle>...
       npm run backfill -- --network [--concurrency N]`

const args = process.argv.slice(2)
const network = args.includes('--network')
const concurrencyArg = args.indexOf('--concurrency')
const concurrency = concurrencyArg >= 0 ? Number(args[concurrencyArg + 1]) : 8
const actors = args.filter(
  (a, i) => !a.startsWith('--') && (concurrencyArg < 0 || i !== concurrencyArg + 1),
)
if ((!network && actors.length === 0) || !Number.isInteger(concurrency) || concurrency < 1) {
  console.error(usage)
  process.exit(2)
}

const logger = pino({ name: 'plyr-backfill', level: process.env.LOG_LEVEL || 'warn' })
const cfg = { ...indexerConfigFromEnv(), backfillNewActors: false }
const database = await Database.open(databaseConfigFromEnv())
await database.migrate()
const indexer = await Indexer.create(cfg, database.db, logger)

let dids: string[]
if (network) {
  const relay = cfg.relayUrl
  const tracks = cfg.namespace.collection('track')
  process.stderr.write(`backfill: listing repos with ${tracks} on ${relay}\n`)
  dids = await listAllReposByCollection(indexer.identity.fetch, relay, tracks)
} else {
  dids = []
  for (const actor of actors) {
    const did = actor.startsWith('did:') ? actor : await indexer.identity.resolveHandle(actor)
    if (!did) {
      console.error(`backfill: cannot resolve handle ${actor}`)
      process.exit(1)
    }
    dids.push(did)
  }
}

let done = 0
let records = 0
const failed: string[] = []
const progress = () =>
  process.stderr.write(
    `\rbackfill: ${done}/${dids.length} repos, ${records} records, ${failed.length} failed`,
  )
progress()
await forEachConcurrent(dids, concurrency, async (did) => {
  try {
    // read first: `records += await …` would add to the total as it was before the await
    const read = await indexer.backfiller.backfillRepo(did)
    records += read
  } catch (err) {
    failed.push(`${did}: ${String(err)}`)
  }
  done++
  progress()
})
process.stderr.write('\n')
// who the new actors are (handles, PDSes): a running indexer does this in the background
await indexer.identities.drain()
for (const f of failed) console.error(`backfill failed: ${f}`)
console.log(JSON.stringify({ repos: dids.length, records, failed: failed.length }))
await database.destroy()
process.exit(failed.length > 0 ? 1 : 0)
