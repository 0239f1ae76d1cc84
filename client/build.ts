// Builds the web client into dist/ (npm start, npm run dev and the tests call it), unless
// dist/ is newer than every file it is built from: a second start, or a start during a
// test run, then leaves the files a running AppView serves alone.
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'vite'

const root = fileURLToPath(new URL('.', import.meta.url))
const SOURCES = ['src', 'public', 'index.html', 'embed.html', 'vite.config.ts', 'package.json']

function newest(path: string): number {
  const stat = statSync(path, { throwIfNoEntry: false })
  if (!stat) return 0
  if (!stat.isDirectory()) return stat.mtimeMs
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))))
}

/** Whether dist/ was built after the last change to the client's sources. */
export function isBuilt(): boolean {
  const built = statSync(join(root, 'dist', 'embed.html'), { throwIfNoEntry: false })
  return !!built && built.mtimeMs > Math.max(...SOURCES.map((s) => newest(join(root, s))))
}

export async function buildClient({ force = false } = {}): Promise<void> {
  if (!force && isBuilt()) return
  await build({ configFile: join(root, 'vite.config.ts'), logLevel: 'warn' })
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildClient({ force: process.argv.includes('--force') })
}
