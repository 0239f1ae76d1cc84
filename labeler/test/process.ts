import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:net'
import { join } from 'node:path'

const root = join(import.meta.dirname, '../..')

export type LabelerProcess = {
  url: string
  /** Polls the labeler's /health until `ready` accepts it (a deadline for a loaded machine). */
  health<T>(ready: (body: T) => boolean): Promise<T>
  /** SIGTERM, then waits for the process to exit. */
  stop(): Promise<void>
}

/** A port no one listens on yet, for a labeler whose URL must be known before it starts. */
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

/**
 * `npm run start:labeler` (`node --import tsx labeler/src/bin/start.ts`) in its own
 * process, with `env` on top of this process's environment and on `port` (a free one by
 * default). Resolves at once; `health` waits for it.
 */
export async function startLabelerProcess(
  env: Record<string, string>,
  port?: number,
): Promise<LabelerProcess> {
  const listen = port ?? (await freePort())
  const child = spawn(process.execPath, ['--import', 'tsx', 'labeler/src/bin/start.ts'], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env, LABELER_PORT: String(listen) },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let output = ''
  child.stderr.on('data', (chunk) => (output += chunk))
  const exited = once(child, 'exit')
  const url = `http://127.0.0.1:${listen}`
  return {
    url,
    async health<T>(ready: (body: T) => boolean): Promise<T> {
      // inside the test's own timeout (120 s), so a test that fails here still stops the
      // process in its `finally` rather than leaving it running
      const deadline = Date.now() + 90_000
      for (;;) {
        const body = await fetch(`${url}/health`)
          .then((res) => res.json() as Promise<T>)
          .catch(() => undefined)
        if (body !== undefined && ready(body)) return body
        if (child.exitCode !== null || Date.now() > deadline) {
          throw new Error(`the labeler was not ready; it said:\n${output}`)
        }
        await new Promise((resolve) => setTimeout(resolve, 200))
      }
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill('SIGTERM')
      await exited
    },
  }
}
