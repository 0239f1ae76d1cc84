// Builds the native addons the dev-network PDS needs (better-sqlite3) against the
// Node that runs this project (the `node` npm package, Node 24), not the Node on PATH.
// npm runs this as the root postinstall, with node_modules/.bin first on PATH.
// It does nothing when the addon already loads under this Node.
import { execFileSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

const require = createRequire(import.meta.url)
const major = Number(process.versions.node.split('.')[0])
if (major < 22) {
  console.error(
    `build-native: running on Node ${process.version}; expected the project's Node (>=22) from node_modules/.bin`,
  )
  process.exit(1)
}

function loads() {
  try {
    execFileSync(process.execPath, ['-e', "new (require('better-sqlite3'))(':memory:').close()"], {
      stdio: 'ignore',
      cwd: process.cwd(),
    })
    return true
  } catch {
    return false
  }
}

let addonDir
try {
  addonDir = dirname(require.resolve('better-sqlite3/package.json'))
} catch {
  process.exit(0) // not installed (e.g. a production install without the dev network)
}
if (loads()) process.exit(0)

// Headers for this exact Node ship inside the `node-<platform>-<arch>` package.
const nodeDir = join(
  dirname(require.resolve('node/package.json')),
  'node_modules',
  `node-${process.platform}-${process.arch}`,
)
const nodeGyp = require.resolve('node-gyp/bin/node-gyp.js')
console.log(
  `build-native: compiling better-sqlite3 for Node ${process.version} (this takes a minute)`,
)
// npm exports its own `nodedir` setting (the machine's Node headers) as npm_config_nodedir,
// which node-gyp prefers to its flag: override it.
execFileSync(process.execPath, [nodeGyp, 'rebuild', '--release'], {
  cwd: addonDir,
  stdio: 'inherit',
  env: { ...process.env, npm_config_nodedir: nodeDir, JOBS: '2' },
})
if (!loads()) {
  console.error('build-native: better-sqlite3 still does not load after the build')
  process.exit(1)
}
