// npm run bench:appview: fills a dedicated Postgres database (plyr_bench_appview_<pid>,
// dropped at the end) with a generated network, starts the AppView as production does (its own
// process, RUN_INDEXER=false), drives the feed methods and, as the baseline, a static JSON
// route with a closed-loop load generator at 64 connections, and prints one JSON line.
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { Database } from '@plyr/db'
import { dropDatabase, recreateDatabase } from '@plyr/db/testing'
import type { LoadPlan, LoadResult } from './load.js'
import { BENCH_LABELER, generateNetwork, networkScale, sampleRequests } from './network.js'

const root = join(import.meta.dirname, '../..')
// named after this process, so that runs at the same time keep to their own databases
const DATABASE = `plyr_bench_appview_${process.pid}`
const CONNECTIONS = 64
const WARMUP_SECONDS = 3
/** The measured seconds of every target are taken in this many turns through them. */
const ROUNDS = 5
/** The anonymous feed cache of the measured server (the production default). */
const FEED_CACHE_MS = '1000'
const seconds = Number(process.env.BENCH_SECONDS || 10)
if (!Number.isFinite(seconds) || seconds <= 0) throw new Error('BENCH_SECONDS must be positive')
const log = (line: string) => process.stderr.write(`bench:appview: ${line}\n`)

/** Loads the network and picks request parameters that find something. */
async function loadNetwork(databaseUrl: string) {
  // generating a million likes is one statement: no deadline
  const database = await Database.open({ databaseUrl, poolSize: 2, queryTimeoutMs: 0 })
  try {
    await database.migrate()
    const started = performance.now()
    let stepStarted = started
    await generateNetwork(database.db, networkScale(), (step) => {
      const now = performance.now()
      log(`generating: ${step} (previous step ${((now - stepStarted) / 1000).toFixed(1)} s)`)
      stepStarted = now
    })
    log(`network loaded in ${((performance.now() - started) / 1000).toFixed(1)} s`)
    const tables = [
      'actor',
      'track',
      'track_tag',
      'like',
      'comment',
      'list',
      'list_item',
      'label',
      'record',
    ] as const
    const counts = await Promise.all(
      tables.map(async (t) => {
        const { n } = await database.db
          .selectFrom(t)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
        return `${t} ${n}`
      }),
    )
    log(`rows: ${counts.join(', ')}`)
    return await sampleRequests(database.db, 1000)
  } finally {
    await database.destroy()
  }
}

/** `npm start`'s entry point with production settings; resolves with the port it got. */
async function startAppView(
  env: Record<string, string> = {},
): Promise<{ proc: ChildProcess; url: string }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'appview/src/bin/start.ts'], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      RUN_INDEXER: 'false',
      PORT: '0',
      ACCEPTED_LABELERS: BENCH_LABELER,
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const port = await new Promise<number>((resolve, reject) => {
    proc.once('exit', (code) => reject(new Error(`the AppView exited with ${code}`)))
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      process.stderr.write(`appview: ${line}\n`)
      try {
        const entry = JSON.parse(line) as { msg?: string; port?: number }
        if (entry.msg === 'plyr is up' && entry.port) resolve(entry.port)
      } catch {
        // not a log line: passed on above
      }
    })
  })
  return { proc, url: `http://127.0.0.1:${port}` }
}

async function stopAppView(proc: ChildProcess): Promise<void> {
  proc.kill('SIGTERM')
  if (proc.exitCode === null) await once(proc, 'exit')
}

async function runLoad(plan: LoadPlan): Promise<Map<string, LoadResult>> {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'load.ts')], {
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  proc.stdin.end(JSON.stringify(plan))
  const results = new Map<string, LoadResult>()
  createInterface({ input: proc.stdout }).on('line', (line) => {
    const result = JSON.parse(line) as LoadResult
    results.set(result.name, result)
  })
  const [code] = (await once(proc, 'exit')) as [number | null]
  if (code !== 0) throw new Error(`the load generator exited with ${code}`)
  return results
}

const databaseUrl = await recreateDatabase(DATABASE)
const samples = await loadNetwork(databaseUrl)
const xrpc = (method: string, params: Record<string, string>[]) =>
  params.map((p) => `/xrpc/fm.plyr.feed.${method}?${new URLSearchParams(p)}`)
const targets = [
  { name: 'baseline', paths: ['/.well-known/did.json'] },
  { name: 'getLatestTracks', paths: xrpc('getLatestTracks', [{ limit: '50' }]) },
  {
    name: 'getTrack',
    paths: xrpc(
      'getTrack',
      samples.trackUris.map((uri) => ({ uri })),
    ),
  },
  {
    name: 'getArtistTracks',
    paths: xrpc(
      'getArtistTracks',
      samples.artists.map((actor) => ({ actor })),
    ),
  },
  {
    name: 'getActorLikes',
    paths: xrpc(
      'getActorLikes',
      samples.likers.map((actor) => ({ actor })),
    ),
  },
]
const appview = await startAppView({ FEED_CACHE_MS })
let results: Map<string, LoadResult>
try {
  log(`AppView at ${appview.url}; driving ${targets.map((t) => t.name).join(', ')}`)
  results = await runLoad({
    url: appview.url,
    connections: CONNECTIONS,
    warmupSeconds: WARMUP_SECONDS,
    seconds,
    rounds: ROUNDS,
    targets,
  })
} finally {
  await stopAppView(appview.proc)
}
// the same feed with the anonymous page cache off: what building every page costs
const uncached = await startAppView({ FEED_CACHE_MS: '0' })
try {
  log(`AppView without the feed cache at ${uncached.url}; driving getLatestTracks`)
  const [feedTarget] = targets.filter((t) => t.name === 'getLatestTracks')
  const run = await runLoad({
    url: uncached.url,
    connections: CONNECTIONS,
    warmupSeconds: WARMUP_SECONDS,
    seconds,
    rounds: 1,
    targets: [{ ...feedTarget!, name: 'getLatestTracks_uncached' }],
  })
  for (const [name, result] of run) results.set(name, result)
} finally {
  await stopAppView(uncached.proc)
}

const summary = (name: string) => {
  const r = results.get(name)!
  return { rps: r.rps, p50_ms: r.p50_ms, p99_ms: r.p99_ms, errors: r.errors }
}
const baseline = results.get('baseline')!
const feed = results.get('getLatestTracks')!
console.log(
  JSON.stringify({
    baseline_rps: baseline.rps,
    ...Object.fromEntries(targets.slice(1).map((t) => [t.name, summary(t.name)])),
    getLatestTracks_uncached: summary('getLatestTracks_uncached'),
    feed_cache_ms: Number(FEED_CACHE_MS),
    feed_ratio: Number((feed.rps / baseline.rps).toFixed(3)),
  }),
)
await dropDatabase(DATABASE)
const failed = [...results.values()].filter((r) => r.errors > 0)
if (failed.length > 0) {
  log(`requests failed: ${failed.map((r) => `${r.name} ${r.errors}`).join(', ')}`)
  process.exitCode = 1
}
