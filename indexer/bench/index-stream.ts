// Child process of the benchmark: indexes the stream at BENCH_STREAM_URL into
// DATABASE_URL through the production Indexer (Jetstream source, processor, plugins)
// with INDEXER_BATCH_SIZE events per transaction, until the cursor reaches
// BENCH_LAST_TIME_US. Prints {"seconds","peak_rss_mb"}.
import { Database } from '@plyr/db'
import { pino } from 'pino'
import { indexerConfigFromEnv } from '../src/config.js'
import { Indexer } from '../src/indexer.js'
import { loadCursor } from '../src/store/cursors.js'

const lastTimeUs = Number(process.env.BENCH_LAST_TIME_US)
const database = await Database.open({ databaseUrl: process.env.DATABASE_URL!, poolSize: 2 })
await database.migrate()
const cfg = {
  ...indexerConfigFromEnv({ ...process.env, JETSTREAM_URL: process.env.BENCH_STREAM_URL }),
  backfillNewActors: false,
}
// the stream's DIDs are synthetic: identities come from a table, not a PLC directory
const lookup = async (did: string) => ({ handle: `${did.slice(8)}.bench.test`, displayName: null })
// logs go to stderr: stdout carries only the result line
const indexer = await Indexer.create(
  cfg,
  database.db,
  pino({ level: 'error' }, pino.destination(2)),
  lookup,
)
const started = performance.now()
indexer.start()
for (;;) {
  const cursor = await loadCursor(database.db, 'jetstream')
  if (cursor !== undefined && cursor >= lastTimeUs) break
  await new Promise((r) => setTimeout(r, 50))
}
const seconds = (performance.now() - started) / 1000
await indexer.destroy()
await database.destroy()
console.log(JSON.stringify({ seconds, peak_rss_mb: process.resourceUsage().maxRSS / 1024 }))
