import { Database } from '@plyr/db'
import pg from 'pg'
import { benchScale, generateNetwork, sampleRequests } from './network.js'
const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' })
await admin.connect()
await admin.query('drop database if exists plyr_bench_try with (force)')
await admin.query('create database plyr_bench_try')
await admin.end()
const database = await Database.open({
  databaseUrl: 'postgres://postgres@127.0.0.1:5432/plyr_bench_try',
})
await database.migrate()
const scale = process.env.SCALE
  ? (Object.fromEntries(
      Object.entries(benchScale).map(([k, v]) => [k, Math.round(v * Number(process.env.SCALE))]),
    ) as typeof benchScale)
  : benchScale
let t = performance.now()
await generateNetwork(database.db, scale, (s) => {
  const now = performance.now()
  process.stderr.write(`${((now - t) / 1000).toFixed(1)}s → ${s}\n`)
  t = now
})
process.stderr.write(`${((performance.now() - t) / 1000).toFixed(1)}s done\n`)
const s = await sampleRequests(database.db, 3)
console.log(s)
await database.destroy()
