import { spawn } from 'node:child_process'
import type { Readable } from 'node:stream'

/** What a tool printed and how it ended. */
export type RunResult = { code: number | null; signal: string | null; stderr: string }

export type RunOptions = {
  timeoutMs: number
  /** extra output pipes, fd 3 upward: each consumed as it arrives */
  pipes?: ((stream: Readable) => Promise<void>)[]
  /** each line ffmpeg writes to stdout (`-progress pipe:1`) */
  onStdoutLine?: (line: string) => void
  /** what the tool reads on stdin */
  stdin?: Readable
}

/** The tail of stderr kept: enough for the last messages and ebur128's summary. */
const STDERR_KEEP = 16 * 1024

/**
 * Runs a tool with its arguments, never through a shell, killed past the timeout. Its
 * stderr's tail is kept (memory never grows with the file).
 */
export async function runTool(cmd: string, args: string[], opts: RunOptions): Promise<RunResult> {
  const pipes = opts.pipes ?? []
  const child = spawn(cmd, args, {
    stdio: [opts.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe', ...pipes.map(() => 'pipe' as const)],
  })
  if (opts.stdin) {
    // a tool that stops reading early (it failed) must not fail the writer: it says why
    child.stdin!.on('error', () => {})
    opts.stdin.pipe(child.stdin!)
  }
  let stderr = ''
  child.stderr!.setEncoding('utf8')
  child.stderr!.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_KEEP)
  })
  let pending = ''
  child.stdout!.setEncoding('utf8')
  child.stdout!.on('data', (chunk: string) => {
    pending += chunk
    const lines = pending.split('\n')
    pending = lines.pop()!
    for (const line of lines) opts.onStdoutLine?.(line)
  })
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs)
  try {
    const consumers = pipes.map((consume, i) => consume(child.stdio[3 + i] as Readable))
    const exited = new Promise<{ code: number | null; signal: string | null }>(
      (resolve, reject) => {
        child.once('error', reject)
        child.once('close', (code, signal) => resolve({ code, signal }))
      },
    )
    const [{ code, signal }] = await Promise.all([exited, ...consumers])
    return { code, signal, stderr }
  } finally {
    clearTimeout(timer)
  }
}

/** The last non-empty line of a tool's stderr: what it said went wrong. */
export function lastLine(stderr: string): string {
  return (
    stderr
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .at(-1) ?? 'no message'
  )
}
