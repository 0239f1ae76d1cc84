// npm run backfill -- <did-or-handle>...   fetch these actors' existing plyr records
// npm run backfill -- --network            every repo holding plyr tracks, from RELAY_URL
//
// On an embedded database another process owns (npm start, npm run start:indexer), the
// work is handed to that process through the control address in its lock, and followed
// until it is done; otherwise this process opens the database and does it itself.
import { setTimeout as sleep } from 'node:timers/promises'
import { createIdentity, forEachConcurrent } from '@plyr/core'
import { type ControlAddress, Database, DataDirLockedError } from '@plyr/db'
import { pino } from 'pino'
import { BackfillControlClient } from '../backfill-control.js'
import { indexerConfigFromEnv } from '../config.js'
import { Indexer } from '../indexer.js'
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

// the database first: a folder held by a process that takes no backfill requests fails
// before any listing
let database: Database | undefined
type Owner = { pid: number; control: ControlAddress; dataDir: string }
let owner: Owner | undefined
try {
  database = await Database.open(cfg.database)
} catch (err) {
  if (!(err instanceof DataDirLockedError)) throw err
  const { pid, control } = err.holder
  if (!control) {
    console.error(`backfill: ${err.message} (process ${pid} runs no indexer to hand this to)`)
    process.exit(1)
  }
  owner = { pid, control, dataDir: err.dataDir }
}

const identity = createIdentity(cfg.identity)
const dids = await reposToBackfill()
const result = owner ? await handOver(owner) : await backfillHere(database!)
console.log(JSON.stringify({ repos: dids.length, ...result }))
process.exit(result.failed > 0 ? 1 : 0)

async function reposToBackfill(): Promise<string[]> {
  if (network) {
    const tracks = cfg.namespace.collection('track')
    process.stderr.write(`backfill: listing repos with ${tracks} on ${cfg.relayUrl}\n`)
    return listAllReposByCollection(identity.fetch, cfg.relayUrl, tracks)
  }
  const found: string[] = []
  for (const actor of actors) {
    const did = actor.startsWith('did:') ? actor : await identity.resolveHandle(actor)
    if (!did) {
      console.error(`backfill: cannot resolve handle ${actor}`)
      process.exit(1)
    }
    found.push(did)
  }
  return found
}

function progress(done: number, records: number, failed: number): void {
  process.stderr.write(
    `\rbackfill: ${done}/${dids.length} repos, ${records} records, ${failed} failed`,
  )
}

/** Fetches the repos in this process, which owns the database. */
async function backfillHere(database: Database) {
  await database.migrate()
  const indexer = await Indexer.create(cfg, database.db, logger)
  let done = 0
  let records = 0
  const failed: string[] = []
  progress(done, records, failed.length)
  await forEachConcurrent(dids, concurrency, async (did) => {
    try {
      // read first: `records += await …` would add to the total as it was before the await
      const read = await indexer.backfiller.backfillRepo(did)
      records += read
    } catch (err) {
      failed.push(`${did}: ${String(err)}`)
    }
    done++
    progress(done, records, failed.length)
  })
  process.stderr.write('\n')
  // who the new actors are (handles, PDSes): a running indexer does this in the background
  await indexer.identities.drain()
  for (const f of failed) console.error(`backfill failed: ${f}`)
  await database.destroy()
  return { records, failed: failed.length }
}

/** Queues the repos in the process that owns the database, and follows them to the end. */
async function handOver({ pid, control, dataDir }: Owner) {
  const client = new BackfillControlClient(control)
  const lost = (err: unknown) => {
    console.error(
      `\nbackfill: process ${pid} stopped answering (${String(err)}); what it had queued is ` +
        'fetched when it runs again',
    )
    process.exit(1)
  }
  await client.request(dids).catch(lost)
  process.stderr.write(
    `backfill: handed ${dids.length} repos to process ${pid}, which owns ${dataDir}\n`,
  )
  for (;;) {
    const p = await client.progress(dids).catch(lost)
    progress(p.done, p.records, p.failed.length)
    if (p.done + p.failed.length >= dids.length) {
      process.stderr.write('\n')
      for (const f of p.failed) console.error(`backfill failed: ${f.did}: ${f.error}`)
      if (p.failed.length > 0) {
        console.error(`backfill: process ${pid} retries the failed repos with backoff`)
      }
      return { records: p.records, failed: p.failed.length }
    }
    await sleep(500)
  }
}
