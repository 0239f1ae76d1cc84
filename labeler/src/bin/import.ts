// npm run labeler:import -- <file>: adds works to the reference catalogue scans compare with.
import { readFile } from 'node:fs/promises'
import { sharedConfigFromEnv } from '@plyr/core'
import { Database } from '@plyr/db'
import { importCatalogue, parseCatalogue } from '../scan/catalogue.js'

const file = process.argv[2]
if (!file) {
  console.error('usage: npm run labeler:import -- <catalogue.jsonl>')
  process.exit(2)
}
try {
  const works = parseCatalogue(await readFile(file, 'utf8'))
  const database = await Database.open(sharedConfigFromEnv().database)
  try {
    await database.migrate()
    console.log(JSON.stringify({ imported: await importCatalogue(database.db, works) }))
  } finally {
    await database.destroy()
  }
} catch (err) {
  console.error(`labeler:import: ${err instanceof Error ? err.message : String(err)}`)
  process.exit(1)
}
