import { cpSync, existsSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { join, relative } from 'node:path'

/** Every file below `dir`, as paths relative to it, sorted. */
export function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort()
}

/** The relative paths that are missing, extra or different between two trees. */
export function diffTrees(expected: string, actual: string): string[] {
  const a = new Set(listFiles(expected))
  const b = new Set(listFiles(actual))
  const changed: string[] = []
  for (const f of new Set([...a, ...b])) {
    if (!a.has(f)) changed.push(`${f} (should not exist)`)
    else if (!b.has(f)) changed.push(`${f} (missing)`)
    else if (!readFileSync(join(expected, f)).equals(readFileSync(join(actual, f))))
      changed.push(`${f} (differs)`)
  }
  return changed.sort()
}

export function replaceTree(from: string, to: string): void {
  rmSync(to, { recursive: true, force: true })
  cpSync(from, to, { recursive: true })
}
