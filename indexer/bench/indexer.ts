// npm run bench:indexer: indexes a generated Jetstream stream (BENCH_EVENTS, default
// 200,000) into the local Postgres through the production path in batches (of the
// configured INDEXER_BATCH_SIZE); then its first BENCH_COMPARE_EVENTS (default 20,000)
// both that way and through the naive baseline (one transaction per event, ~100 events a
// second: the whole stream would take over half an hour), checks both databases hold the
// same rows, and prints one JSON line. The ratio is the prefix's, both ways in this run.
// The whole stream is indexed once more with the PLC directory unreachable (connections
// accepted, never answered), for the rate and the time to stop with lookups pending.
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { createInterface } from 'node:readline'
import { join } from 'node:path'
import pg from 'pg'
import { dropDatabase, recreateDatabase } from '@plyr/db/testing'
import { indexerConfigFromEnv } from '../src/config.js'

const here = import.meta.dirname
// The indexer under test runs with the Node flags of `npm run start:indexer`, as deployed:
// `node <flags> indexer/src/bin/start.ts`.
const { scripts } = JSON.parse(readFileSync(join(here, '../../package.json'), 'utf8')) as {
  scripts: Record<string, string>
}
const indexerFlags = scripts['start:indexer']!.split(' ').slice(1, -1)

/** Runs a bench script; `result` is the JSON of its last stdout line once it printed one. */
function child(
  script: string,
  env: Record<string, string>,
  { untilExit = true, flags = ['--import', 'tsx'] } = {},
) {
  const proc = spawn(process.execPath, [...flags, join(here, script)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const result = new Promise<Record<string, unknown>>((resolve, reject) => {
    let last: string | undefined
    createInterface({ input: proc.stdout }).on('line', (line) => {
      last = line
      if (!untilExit) resolve(JSON.parse(line))
    })
    proc.once('exit', (code) =>
      code === 0 && last
        ? resolve(JSON.parse(last))
        : reject(new Error(`${script} exited with ${code}`)),
    )
  })
  return { proc, result }
}

type RunResult = {
  seconds: number
  peak_rss_mb: number
  cpu_s: number
  postgres_cpu_s: number | null
  stop_seconds: number
}

async function run(
  url: string,
  batchSize: number,
  stream: { url: string; lastTimeUs: number },
  { plcUnreachable = false } = {},
) {
  process.stderr.write(
    `bench:indexer: indexing with ${batchSize} event(s) per transaction${plcUnreachable ? ', the PLC directory unreachable' : ''}...\n`,
  )
  const { result } = child(
    'index-stream.ts',
    {
      DATABASE_URL: url,
      BENCH_STREAM_URL: stream.url,
      BENCH_LAST_TIME_US: String(stream.lastTimeUs),
      INDEXER_BATCH_SIZE: String(batchSize),
      BENCH_PLC: plcUnreachable ? 'unreachable' : 'table',
    },
    { flags: indexerFlags },
  )
  return (await result) as RunResult
}

/** Row sources of the digest that are not a table of that name. */
const FROM: Record<string, string> = {
  track_counts: `(select uri, coalesce(c.like_count, 0) as like_count,
    coalesce(c.comment_count, 0) as comment_count
    from track left join track_count c using (uri)) counts`,
}

/** Per table, a digest of every row but the times that record when it was indexed. */
async function digest(url: string): Promise<Record<string, string>> {
  const client = new pg.Client({ connectionString: url })
  // a dropped connection fails the statement in flight; unhandled, the event ends the process
  client.on('error', () => {})
  await client.connect()
  const tables: Record<string, string> = {
    actor: 'did, handle, display_name, status',
    artist_profile: 'did, bio, avatar_url',
    record: 'uri, cid, rev, json, (deleted_at is null)',
    invalid_record: 'uri, rev, reason',
    track: 'uri, cid, title, album, duration, audio_url, audio_url_trusted, created_at, sort_at',
    // counts as readers see them: a track without a track_count row counts zero (whether a
    // track whose likes came and went has a row of zeros depends on how events were batched)
    track_counts: 'uri, like_count, comment_count',
    track_tag: 'track_uri, tag',
    like: 'uri, did, subject_uri',
    comment: 'uri, subject_uri, text, timestamp_ms',
    list: 'uri, name, list_type',
    list_item: 'list_uri, position, subject_uri',
  }
  const out: Record<string, string> = {}
  try {
    for (const [table, cols] of Object.entries(tables)) {
      const res = await client.query(
        `select count(*)::int as n, md5(coalesce(string_agg(row_text, '|' order by row_text), '')) as h
         from (select (${cols
           .split(', ')
           .map((c) => `coalesce(${c}::text, '∅')`)
           .join(` || ',' || `)}) as row_text from ${FROM[table] ?? `"${table}"`}) t`,
      )
      out[table] = `${res.rows[0].n}:${res.rows[0].h}`
    }
  } finally {
    await client.end()
  }
  return out
}

const server = child('serve-stream.ts', {}, { untilExit: false })
type Stream = { url: string; lastTimeUs: number; events: number }
const stream = (await server.result) as Stream & { prefix: Stream }
// named after this process, so that runs at the same time keep to their own databases
const databases = ['', '_prefix', '_baseline', '_noplc'].map(
  (s) => `plyr_bench_indexer${s}_${process.pid}`,
)
try {
  const [fullUrl, fastUrl, naiveUrl, noPlcUrl] = await Promise.all(databases.map(recreateDatabase))
  const { batchSize } = indexerConfigFromEnv()
  const fast = await run(fullUrl!, batchSize, stream)
  const noPlc = await run(noPlcUrl!, batchSize, stream, { plcUnreachable: true })
  const fastPrefix = await run(fastUrl!, batchSize, stream.prefix)
  const naive = await run(naiveUrl!, 1, stream.prefix)
  const [a, b] = [await digest(fastUrl!), await digest(naiveUrl!)]
  const mismatched = Object.keys(a).filter((t) => a[t] !== b[t])
  if (mismatched.length > 0)
    process.stderr.write(`bench:indexer: tables differ: ${mismatched.join(', ')}\n`)
  const prefixEps = stream.prefix.events / fastPrefix.seconds
  const baseline = stream.prefix.events / naive.seconds
  console.log(
    JSON.stringify({
      events: stream.events,
      events_per_s: Math.round(stream.events / fast.seconds),
      // the whole stream again with every identity lookup hanging (a PLC directory out of
      // reach): lookups run in the background, so the rate should hold; and SIGTERM-like
      // shutdown with thousands of lookups pending
      plc_unreachable_events_per_s: Math.round(stream.events / noPlc.seconds),
      plc_unreachable_stop_s: Number(noPlc.stop_seconds.toFixed(2)),
      compared_events: stream.prefix.events,
      prefix_events_per_s: Math.round(prefixEps),
      baseline_events_per_s: Math.round(baseline),
      ratio: Number((prefixEps / baseline).toFixed(2)),
      peak_rss_mb: Math.round(fast.peak_rss_mb),
      rows_match: mismatched.length === 0,
      rows: Object.fromEntries(Object.entries(a).map(([t, v]) => [t, Number(v.split(':')[0])])),
      // CPU seconds of the batched run (the indexer, its Postgres backends), and the
      // machine's load average at the end: wall time depends on what else runs
      cpu_s: {
        indexer: Number(fast.cpu_s.toFixed(2)),
        postgres: fast.postgres_cpu_s === null ? null : Number(fast.postgres_cpu_s.toFixed(2)),
      },
      loadavg: loadavg().map((l) => Number(l.toFixed(2))),
    }),
  )
} finally {
  server.proc.kill()
  for (const name of databases) await dropDatabase(name)
}
