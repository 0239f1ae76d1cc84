import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

// The published fm.plyr schemas are the contract (lexicons/reference/README.md).
const referenceDir = join(import.meta.dirname, '../reference')
const schemasDir = join(import.meta.dirname, '../schemas')

const contract = [
  ['track.json', 'fm/plyr/track.json'],
  ['like.json', 'fm/plyr/like.json'],
  ['comment.json', 'fm/plyr/comment.json'],
  ['list.json', 'fm/plyr/list.json'],
  ['profile.json', 'fm/plyr/actor/profile.json'],
  ['authFullApp.json', 'fm/plyr/authFullApp.json'],
] as const

type Node = Record<string, unknown>
const isNode = (v: unknown): v is Node => v !== null && typeof v === 'object' && !Array.isArray(v)
// Prose may be reworded; everything else is part of the wire contract.
const PROSE = new Set(['description'])

/**
 * Differences that would break compatibility between a reference schema node and ours:
 * anything changed or removed, a constraint added to an existing field, a new required
 * field. New optional properties are the only additions allowed.
 */
function incompatibilities(ref: unknown, ours: unknown, path = '$'): string[] {
  if (!isNode(ref) || !isNode(ours)) {
    return JSON.stringify(ref) === JSON.stringify(ours)
      ? []
      : [`${path}: ${JSON.stringify(ours)} should be ${JSON.stringify(ref)}`]
  }
  const problems: string[] = []
  for (const key of new Set([...Object.keys(ref), ...Object.keys(ours)])) {
    if (PROSE.has(key)) continue
    const at = `${path}.${key}`
    if (!(key in ours)) problems.push(`${at}: missing`)
    else if (key === 'properties') {
      const refProps = ref.properties as Node
      const ourProps = ours.properties as Node
      for (const prop of Object.keys(refProps)) {
        if (!(prop in ourProps)) problems.push(`${at}.${prop}: missing`)
        else problems.push(...incompatibilities(refProps[prop], ourProps[prop], `${at}.${prop}`))
      }
      const required = new Set((ours.required as string[] | undefined) ?? [])
      for (const prop of Object.keys(ourProps)) {
        if (!(prop in refProps) && required.has(prop))
          problems.push(`${at}.${prop}: added as required`)
      }
    } else if (key === 'required') {
      const a = [...((ref.required as string[] | undefined) ?? [])].sort()
      const b = [...((ours.required as string[] | undefined) ?? [])].sort()
      if (JSON.stringify(a) !== JSON.stringify(b)) problems.push(`${at}: ${b} should be ${a}`)
    } else if (!(key in ref)) problems.push(`${at}: added (${JSON.stringify(ours[key])})`)
    else problems.push(...incompatibilities(ref[key], ours[key], at))
  }
  return problems
}

const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Node

describe('record lexicons keep the published fm.plyr contract', () => {
  for (const [refFile, ourFile] of contract) {
    it(`${ourFile} matches ${refFile} field by field`, () => {
      const ref = read(join(referenceDir, refFile))
      const ours = read(join(schemasDir, ourFile))
      expect(ours.id).toBe(ref.id)
      expect(incompatibilities(ref, ours)).toEqual([])
    })
  }
})

describe('the compatibility check itself', () => {
  const track = () => read(join(referenceDir, 'track.json'))
  const main = (doc: Node) => (doc.defs as Node).main as Node
  const props = (doc: Node) => (main(doc).record as Node).properties as Node

  it('accepts a new optional property', () => {
    const ours = track()
    props(ours).tags = { type: 'array', items: { type: 'string' } }
    expect(incompatibilities(track(), ours)).toEqual([])
  })

  it('rejects a changed limit, a tightened field, a removed field and a new required one', () => {
    const ours = track()
    ;(props(ours).title as Node).maxLength = 100
    ;(props(ours).album as Node).minLength = 1
    delete props(ours).duration
    props(ours).isrc = { type: 'string' }
    ;(main(ours).record as Node).required = ['title', 'artist', 'fileType', 'createdAt', 'isrc']
    const problems = incompatibilities(track(), ours)
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('title.maxLength'),
        expect.stringContaining('album.minLength: added'),
        expect.stringContaining('duration: missing'),
        expect.stringContaining('isrc: added as required'),
      ]),
    )
  })
})
