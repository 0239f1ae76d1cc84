// Child process of the benchmark: indexes the stream at BENCH_STREAM_URL into
// DATABASE_URL through the production Indexer (Jetstream source, processor, plugins),
// with the configured INDEXER_BATCH_SIZE, until the cursor reaches BENCH_LAST_TIME_US.
// Prints {"seconds","peak_rss_mb","cpu_s","postgres_cpu_s","stop_seconds"}: the CPU time
// of this process and of its Postgres backends while indexing (null when Postgres runs
// elsewhere), and how long stopping took. With BENCH_PLC=unreachable, identities are
// looked up the production way in a PLC directory that accepts connections and never
// answers, and are left unresolved.
import { readFileSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { Database } from '@plyr/db'
import { sql } from 'kysely'
import { pino } from 'pino'
import { indexerConfigFromEnv } from '../src/config.js'
import { Indexer } from '../src/indexer.js'
import { loadCursor } from '../src/store/cursors.js'

const lastTimeUs = Number(process.env.BENCH_LAST_TIME_US)
const database = await Database.open({ databaseUrl: process.env.DATABASE_URL! })
await database.migrate()
const plcUnreachable = process.env.BENCH_PLC === 'unreachable'
/** A PLC directory that takes every connection and never answers. */
async function blackholePlc(): Promise<string> {
  const server = createServer(() => {}).listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  server.unref()
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}
const cfg = {
  ...indexerConfigFromEnv({
    ...process.env,
    JETSTREAM_URL: process.env.BENCH_STREAM_URL,
    ...(plcUnreachable && {
      PLC_URL: await blackholePlc(),
      IDENTITY_ALLOW_PRIVATE_NETWORK: 'true',
    }),
  }),
  backfillNewActors: false,
}
// the stream's DIDs are synthetic: identities come from a table, not a PLC directory
const lookup = plcUnreachable
  ? undefined
  : async (did: string) => ({ handle: `${did.slice(8)}.bench.test`, displayName: null })
// logs go to stderr: stdout carries only the result line
const indexer = await Indexer.create(
  cfg,
  database.db,
  pino({ level: 'error' }, pino.destination(2)),
  lookup,
)

/** CPU seconds of this database's Postgres backends so far, if they run on this machine. */
async function postgresCpu(): Promise<number | null> {
  const { rows } = await sql<{ pid: number }>`
    select pid from pg_stat_activity where datname = current_database()
  `.execute(database.db)
  try {
    // utime and stime, in clock ticks (100 a second on Linux), after the command name
    const ticks = rows.map(({ pid }) =>
      readFileSync(`/proc/${pid}/stat`, 'utf8')
        .split(') ')[1]!
        .split(' ')
        .slice(11, 13)
        .reduce((sum, n) => sum + Number(n), 0),
    )
    return ticks.reduce((a, b) => a + b, 0) / 100
  } catch {
    return null
  }
}

const postgresBefore = await postgresCpu()
const cpuBefore = process.cpuUsage()
const started = performance.now()
await indexer.start()
for (;;) {
  const cursor = await loadCursor(database.db, 'jetstream')
  if (cursor !== undefined && cursor >= lastTimeUs) break
  await new Promise((r) => setTimeout(r, 50))
}
const seconds = (performance.now() - started) / 1000
const cpu = process.cpuUsage(cpuBefore)
const postgresAfter = await postgresCpu()
// handles are resolved in the background: let them finish, so both runs' rows compare
if (!plcUnreachable) await indexer.identities.drain()
const stopping = performance.now()
await indexer.destroy()
const stopSeconds = (performance.now() - stopping) / 1000
await database.destroy()
console.log(
  JSON.stringify({
    seconds,
    peak_rss_mb: process.resourceUsage().maxRSS / 1024,
    cpu_s: (cpu.user + cpu.system) / 1e6,
    postgres_cpu_s:
      postgresBefore === null || postgresAfter === null ? null : postgresAfter - postgresBefore,
    stop_seconds: stopSeconds,
  }),
)
