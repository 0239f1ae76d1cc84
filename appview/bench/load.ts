// Child process of the AppView benchmark: a closed-loop load generator. Reads a LoadPlan
// (JSON) on stdin; for each target, keeps `connections` requests in flight (each
// connection sends its next request when the last answer arrived), first for a warm-up,
// then for `seconds` measured, and prints one JSON line per target on stdout. The
// measured seconds are taken in `rounds` turns through the targets, so a change in what
// else the machine runs weighs on every target alike, not on whichever ran at the time.
import { text } from 'node:stream/consumers'
import { Pool } from 'undici'

export type LoadPlan = {
  url: string
  connections: number
  warmupSeconds: number
  seconds: number
  rounds: number
  /** Request paths per target; each request picks one at random. */
  targets: { name: string; paths: string[] }[]
}

export type LoadResult = {
  name: string
  requests: number
  errors: number
  rps: number
  p50_ms: number
  p99_ms: number
  /** Mean response size. */
  bytes: number
}

async function drive(pool: Pool, plan: LoadPlan, paths: string[], seconds: number) {
  const latencies: number[] = []
  let errors = 0
  let bytes = 0
  const started = performance.now()
  const deadline = started + seconds * 1000
  await Promise.all(
    Array.from({ length: plan.connections }, async () => {
      while (performance.now() < deadline) {
        const path = paths[Math.floor(Math.random() * paths.length)]!
        const sent = performance.now()
        try {
          const res = await pool.request({ path, method: 'GET' })
          if (res.statusCode !== 200) {
            const body = await res.body.text()
            if (errors++ === 0) process.stderr.write(`load: ${path} → ${res.statusCode} ${body}\n`)
            continue
          }
          // read to the end without decoding: the generator's CPU is the server's too
          for await (const chunk of res.body) bytes += (chunk as Buffer).length
        } catch (err) {
          if (errors++ === 0) process.stderr.write(`load: ${path} → ${String(err)}\n`)
          continue
        }
        latencies.push(performance.now() - sent)
      }
    }),
  )
  return { latencies, errors, bytes, elapsed: (performance.now() - started) / 1000 }
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!
}

const plan = JSON.parse(await text(process.stdin)) as LoadPlan
const pool = new Pool(plan.url, { connections: plan.connections, pipelining: 1 })
try {
  process.stderr.write(
    `load: ${plan.targets.length} targets, ${plan.connections} connections, ${plan.warmupSeconds} s warm-up each, then ${plan.seconds} s each in ${plan.rounds} rounds\n`,
  )
  for (const target of plan.targets) await drive(pool, plan, target.paths, plan.warmupSeconds)
  const totals = plan.targets.map(() => ({
    latencies: [] as number[],
    errors: 0,
    bytes: 0,
    elapsed: 0,
  }))
  for (let round = 1; round <= plan.rounds; round++) {
    process.stderr.write(`load: round ${round} of ${plan.rounds}\n`)
    for (const [i, target] of plan.targets.entries()) {
      const run = await drive(pool, plan, target.paths, plan.seconds / plan.rounds)
      const total = totals[i]!
      for (const latency of run.latencies) total.latencies.push(latency)
      total.errors += run.errors
      total.bytes += run.bytes
      total.elapsed += run.elapsed
    }
  }
  for (const [i, target] of plan.targets.entries()) {
    const { latencies, errors, bytes, elapsed } = totals[i]!
    const sorted = Float64Array.from(latencies).sort()
    const round = (x: number) => Math.round(x * 100) / 100
    const result: LoadResult = {
      name: target.name,
      requests: latencies.length,
      errors,
      rps: Math.round(latencies.length / elapsed),
      p50_ms: round(percentile(sorted, 50)),
      p99_ms: round(percentile(sorted, 99)),
      bytes: Math.round(bytes / Math.max(1, latencies.length)),
    }
    process.stderr.write(`load: ${JSON.stringify(result)}\n`)
    console.log(JSON.stringify(result))
  }
} finally {
  await pool.close()
}
