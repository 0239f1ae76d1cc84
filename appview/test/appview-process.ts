import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { join } from 'node:path'
import { createInterface } from 'node:readline'

export type AppViewProcess = {
  url: string
  /** Everything it has logged so far (JSON lines). */
  output(): string
  /** Whether the process is still running. */
  alive(): boolean
  /** SIGTERM, then waits for the process to exit. */
  stop(): Promise<void>
}

const root = join(import.meta.dirname, '../..')

/**
 * The AppView as production starts it, `node --import tsx appview/src/bin/start.ts`, in its
 * own process on a free port (or `env.PORT`), with `env` on top of this process's
 * environment. Resolves once it logs that it is up (its port comes from that line).
 */
export async function startAppViewProcess(env: Record<string, string>): Promise<AppViewProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'appview/src/bin/start.ts'], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'info', ...env, PORT: env.PORT ?? '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stderr.on('data', (chunk) => (output += chunk))
  const exited = once(child, 'exit')
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    child.kill('SIGTERM')
    await exited
  }
  const up = new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout })
    lines.on('line', (line) => {
      output += `${line}\n`
      const entry = parseLogLine(line)
      if (entry?.msg === 'plyr is up' && typeof entry.port === 'number') resolve(entry.port)
    })
    void exited.then(([code]) =>
      reject(new Error(`the AppView exited (${code}) before it was up:\n${output}`)),
    )
    setTimeout(
      () => reject(new Error(`the AppView was not up in time:\n${output}`)),
      45_000,
    ).unref()
  })
  try {
    return {
      url: `http://localhost:${await up}`,
      output: () => output,
      alive: () => child.exitCode === null && child.signalCode === null,
      stop,
    }
  } catch (err) {
    await stop()
    throw err
  }
}

function parseLogLine(line: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(line) as Record<string, unknown>
  } catch {
    return undefined
  }
}
