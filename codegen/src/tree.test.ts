import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { diffTrees } from './tree.js'

describe('diffTrees (what `codegen --check` reports)', () => {
  const dirs: string[] = []
  const tree = (files: Record<string, string>) => {
    const dir = mkdtempSync(join(tmpdir(), 'plyr-tree-'))
    dirs.push(dir)
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(join(dir, name, '..'), { recursive: true })
      writeFileSync(join(dir, name), text)
    }
    return dir
  }
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })))

  it('finds nothing between identical trees', () => {
    const files = { 'a.ts': 'x', 'fm/plyr/track.ts': 'y' }
    expect(diffTrees(tree(files), tree(files))).toEqual([])
  })

  it('names every stale, missing and extra file', () => {
    const expected = tree({ 'a.ts': 'new', 'fm/b.ts': 'b', 'c.ts': 'c' })
    const actual = tree({ 'a.ts': 'old', 'c.ts': 'c', 'gone.ts': 'z' })
    expect(diffTrees(expected, actual)).toEqual([
      'a.ts (differs)',
      'fm/b.ts (missing)',
      'gone.ts (should not exist)',
    ])
  })
})
