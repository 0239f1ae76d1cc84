import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { schemas as atprotoSchemas } from '@atproto/api'
import { listFiles } from './tree.js'

export type LexiconDoc = { lexicon: 1; id: string; defs: Record<string, unknown> }

/**
 * Our lexicons and the external ones named in external.json, plus every lexicon they
 * reference (transitively),
 * taken from the schemas @atproto/api ships, with its internal `lex:` prefixes removed.
 */
export function collectLexicons(schemasDir: string, externalNsids: string[]): LexiconDoc[] {
  const own = listFiles(schemasDir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(schemasDir, f), 'utf8')) as LexiconDoc)
  const known = new Map(own.map((d) => [d.id, d]))
  const library = new Map<string, LexiconDoc>(atprotoSchemas.map((s) => [s.id, stripLexPrefix(s)]))
  for (const nsid of externalNsids) {
    const doc = library.get(nsid)
    if (!doc) throw new Error(`codegen: external lexicon ${nsid} not found in @atproto/api`)
    known.set(nsid, doc)
  }
  const queue = [...known.values()]
  while (queue.length > 0) {
    for (const nsid of referencedNsids(queue.pop()!)) {
      if (known.has(nsid)) continue
      const doc = library.get(nsid)
      if (!doc) throw new Error(`codegen: lexicon ${nsid} is referenced but not found`)
      known.set(nsid, doc)
      queue.push(doc)
    }
  }
  return [...known.values()].sort((a, b) => a.id.localeCompare(b.id))
}

export function writeLexicons(dir: string, docs: LexiconDoc[]): void {
  for (const doc of docs) {
    const file = join(dir, ...doc.id.split('.')) + '.json'
    mkdirSync(dirname(file), { recursive: true })
    writeFileSync(file, JSON.stringify(doc, null, 2) + '\n')
  }
}

function stripLexPrefix(doc: unknown): LexiconDoc {
  return JSON.parse(JSON.stringify(doc).replaceAll('"lex:', '"')) as LexiconDoc
}

/** NSIDs named by `ref` / `refs` anywhere in a document, other than its own. */
function referencedNsids(doc: LexiconDoc): Set<string> {
  const found = new Set<string>()
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit)
    if (node === null || typeof node !== 'object') return
    const obj = node as Record<string, unknown>
    const refs = [obj.ref, ...(Array.isArray(obj.refs) ? obj.refs : [])]
    for (const ref of refs) {
      if (typeof ref !== 'string' || ref.startsWith('#')) continue
      const nsid = ref.split('#')[0]!
      if (nsid !== doc.id) found.add(nsid)
    }
    Object.values(obj).forEach(visit)
  }
  visit(doc.defs)
  return found
}
