import { execFile } from 'node:child_process'
import { chownSync, existsSync, readdirSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { freePort } from '../src/network.js'

const run = promisify(execFile)
const DEBIAN_POSTGRES = '/usr/lib/postgresql'

/** The newest Debian Postgres's binaries (`/usr/lib/postgresql/<version>/bin`). */
function postgresBin(): string {
  const versions = existsSync(DEBIAN_POSTGRES)
    ? readdirSync(DEBIAN_POSTGRES)
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
    : []
  const bin = versions
    .map((v) => join(DEBIAN_POSTGRES, v, 'bin'))
    .find((dir) => ['initdb', 'pg_ctl'].every((tool) => existsSync(join(dir, tool))))
  if (!bin) {
    throw new Error(
      `no initdb and pg_ctl under ${DEBIAN_POSTGRES}/<version>/bin: this test runs its own ` +
        'Postgres server (apt-get install postgresql, as .ci/run does)',
    )
  }
  return bin
}

/**
 * A Postgres server a test owns: its own data folder under a temp dir and its own port,
 * made with Debian's `initdb` and run with `pg_ctl` (the newest version installed), so
 * the test may stop and restart it. initdb refuses to run as root: as root, the tools run
 * as the `postgres` user, which owns the data folder.
 */
export class OwnPostgres implements AsyncDisposable {
  private constructor(
    readonly port: number,
    private readonly root: string,
    private readonly bin: string,
  ) {}

  static async start(): Promise<OwnPostgres> {
    const bin = postgresBin()
    const root = await mkdtemp(join(tmpdir(), 'plyr-own-postgres-'))
    if (process.getuid?.() === 0) {
      const { stdout } = await run('id', ['-u', 'postgres'])
      const { stdout: gid } = await run('id', ['-g', 'postgres'])
      chownSync(root, Number(stdout.trim()), Number(gid.trim()))
    }
    const pg = new OwnPostgres(await freePort(), root, bin)
    await pg.tool('initdb', [
      '-D',
      pg.dataDir,
      '-U',
      'postgres',
      '--auth=trust',
      '--encoding=UTF8',
      '--no-sync',
    ])
    await pg.start()
    return pg
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`
  }

  private get dataDir(): string {
    return join(this.root, 'data')
  }

  /** Starts the server and waits until it takes connections. */
  async start(): Promise<void> {
    await this.pgCtl('start', [
      '-l',
      join(this.root, 'server.log'),
      // TCP on loopback only; no socket file; no fsync (a test's data need not survive a
      // power cut, and a clean stop loses nothing)
      '-o',
      `-p ${this.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c fsync=off`,
    ])
  }

  /** Stops the server the way an operator's restart does (`-m fast`: sessions ended). */
  async stop(): Promise<void> {
    await this.pgCtl('stop', ['-m', 'fast'])
  }

  async restart(): Promise<void> {
    await this.pgCtl('restart', ['-m', 'fast', '-l', join(this.root, 'server.log')])
  }

  async destroy(): Promise<void> {
    await this.pgCtl('stop', ['-m', 'immediate']).catch(() => {})
    await rm(this.root, { recursive: true, force: true })
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.destroy()
  }

  private pgCtl(action: string, args: string[]): Promise<void> {
    return this.tool('pg_ctl', ['-D', this.dataDir, '-w', '-t', '120', ...args, action])
  }

  private async tool(name: string, args: string[]): Promise<void> {
    const tool = join(this.bin, name)
    const [file, argv] =
      process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', tool, ...args]] : [tool, args]
    try {
      await run(file, argv, { timeout: 180_000 })
    } catch (err) {
      const { stderr, stdout } = err as { stderr?: string; stdout?: string }
      throw new Error(`${name} ${args.join(' ')} failed: ${stderr || stdout || String(err)}`, {
        cause: err,
      })
    }
  }
}
