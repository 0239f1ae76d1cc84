// npm run codegen [-- --check]
//
// Turns lexicons/schemas/**.json (plus the com.atproto lexicons they reference, taken as
// data from @atproto/api) into lexicons/src/generated with `lex build`, then adds the
// record table (records.ts). With --check it generates into a temporary folder and
// fails, listing the files, when the checked-in output differs.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { diffTrees, replaceTree } from './tree.js'
import { collectLexicons, writeLexicons } from './lexicon-docs.js'
import { renderRecordTable } from './record-table.js'

const root = resolve(import.meta.dirname, '../..')
const schemasDir = join(root, 'lexicons/schemas')
const externalFile = join(root, 'lexicons/external.json')
const outDir = join(root, 'lexicons/src/generated')
const check = process.argv.includes('--check')

const work = mkdtempSync(join(tmpdir(), 'plyr-codegen-'))
try {
  const external = JSON.parse(readFileSync(externalFile, 'utf8')) as { nsids: string[] }
  const docs = collectLexicons(schemasDir, external.nsids)
  const inDir = join(work, 'in')
  const genDir = join(work, 'out')
  writeLexicons(inDir, docs)
  execFileSync(
    join(root, 'node_modules/.bin/lex'),
    ['build', '--lexicons', inDir, '--out', genDir, '--clear', '--index-file'],
    { stdio: ['ignore', 'ignore', 'inherit'], cwd: root },
  )
  writeFileSync(join(genDir, 'records.ts'), renderRecordTable(docs))
  if (check) {
    const changed = diffTrees(genDir, outDir)
    if (changed.length > 0) {
      console.error(
        `codegen: lexicons/src/generated is stale; run \`npm run codegen\`. Differences:\n` +
          changed.map((f) => `  ${f}`).join('\n'),
      )
      process.exit(1)
    }
    console.log(`codegen: up to date (${docs.length} lexicons)`)
  } else {
    replaceTree(genDir, outDir)
    console.log(`codegen: wrote lexicons/src/generated from ${docs.length} lexicons`)
  }
} finally {
  rmSync(work, { recursive: true, force: true })
}
