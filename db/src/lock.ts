import { randomBytes } from 'node:crypto'
import {
  linkSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeFileSync,
  type WriteFileOptions,
} from 'node:fs'
import { join, resolve } from 'node:path'

/** Where a process owning an embedded database takes requests for it (`npm run backfill`). */
export type ControlAddress = { url: string; token: string }

/** Who holds a data folder, as its lock file says. */
export type LockHolder = {
  pid: number
  command: string
  startedAt: string
  /** Random, per lock: tells this lock apart from a later one of the same pid. */
  id: string
  control?: ControlAddress
}

export const LOCK_FILE = 'plyr.lock'

/** The data folder is held by a live process: opening it here would corrupt it. */
export class DataDirLockedError extends Error {
  override name = 'DataDirLockedError'
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder,
  ) {
    const path = join(dataDir, LOCK_FILE)
    super(
      `DATA_DIR ${dataDir} is in use by process ${holder.pid} (${holder.command}, since ` +
        `${holder.startedAt}): the embedded database takes one process at a time, and a ` +
        `second would corrupt it. Stop process ${holder.pid} first, or give this one another ` +
        `DATA_DIR (or DATABASE_URL, a Postgres many processes can share). If process ` +
        `${holder.pid} is not plyr (its id reused after a crash), remove ${path}.`,
    )
  }
}

/** Lock files this process holds: a second open in the same process is refused too. */
const heldHere = new Set<string>()

const secret = { mode: 0o600, flag: 'wx' } satisfies WriteFileOptions

/**
 * The lock of an embedded database's data folder: `$DATA_DIR/plyr.lock`, a JSON file
 * holding the owner's pid, created atomically (written whole under a private name, then
 * hard-linked into place, which fails if the lock exists), mode 0600. A lock whose process
 * is gone is taken over; one whose process is alive never is. Released on `release()`, and
 * at the latest when the process exits.
 */
export class DataDirLock {
  private readonly releaseOnExit = () => this.release()

  private constructor(
    readonly dataDir: string,
    private readonly path: string,
    private holder: LockHolder,
  ) {
    heldHere.add(path)
    process.on('exit', this.releaseOnExit)
  }

  /** Takes the lock of `dataDir`, or throws DataDirLockedError naming its live holder. */
  static acquire(dataDir: string): DataDirLock {
    const path = resolve(dataDir, LOCK_FILE)
    const mine: LockHolder = {
      pid: process.pid,
      command: process.argv.slice(1).join(' ') || process.argv0,
      startedAt: new Date().toISOString(),
      id: randomBytes(16).toString('hex'),
    }
    // each round either takes the lock, finds it live, or clears a stale one; a few rounds
    // cover processes racing for the same stale lock
    for (let round = 0; round < 5; round++) {
      if (tryCreate(path, mine)) return new DataDirLock(dataDir, path, mine)
      const text = readText(path)
      if (text === undefined) continue // released since
      const current = parseHolder(text)
      if (current && heldHere.has(path)) throw new DataDirLockedError(dataDir, current)
      // our own pid in a lock we do not hold: an earlier process with our id (a container's
      // pid 1 after a restart), so gone
      if (current && current.pid !== process.pid && isAlive(current.pid)) {
        throw new DataDirLockedError(dataDir, current)
      }
      removeIfUnchanged(path, text)
    }
    throw new Error(`could not take the lock ${path}: other processes keep replacing it`)
  }

  /** Records where this process takes backfill requests, for `npm run backfill`. */
  advertise(control: ControlAddress): void {
    this.holder = { ...this.holder, control }
    const tmp = `${this.path}.${this.holder.id}`
    writeFileSync(tmp, JSON.stringify(this.holder), secret)
    renameSync(tmp, this.path) // replaces the lock in one step: never absent, never half written
  }

  /** Removes the lock file, if it is still this lock. */
  release(): void {
    if (!heldHere.delete(this.path)) return
    process.off('exit', this.releaseOnExit)
    const text = readText(this.path)
    if (text !== undefined && parseHolder(text)?.id === this.holder.id) unlinkSync(this.path)
  }
}

/** Creates the lock holding `holder` if there is none; false if there is one. */
function tryCreate(path: string, holder: LockHolder): boolean {
  const tmp = `${path}.${holder.id}`
  writeFileSync(tmp, JSON.stringify(holder), secret)
  try {
    linkSync(tmp, path)
    return true
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw err
  } finally {
    unlinkSync(tmp)
  }
}

/**
 * Removes a stale lock, unless another process replaced it since it was read: it is moved
 * aside in one step (so two processes cannot both remove it), then checked, and put back
 * if it turns out to be a new lock.
 */
function removeIfUnchanged(path: string, stale: string): void {
  const aside = `${path}.stale-${process.pid}-${randomBytes(4).toString('hex')}`
  try {
    renameSync(path, aside)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return
    throw err
  }
  try {
    if (readFileSync(aside, 'utf8') !== stale) linkSync(aside, path)
  } catch (err) {
    // a third process took the lock meanwhile: it is the holder now
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
  } finally {
    unlinkSync(aside)
  }
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
}

/** The holder a lock file names; undefined for a file that is not one of our locks. */
function parseHolder(text: string): LockHolder | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockHolder>
    if (!Number.isInteger(value.pid) || typeof value.id !== 'string') return undefined
    return value as LockHolder
  } catch {
    return undefined
  }
}

/** Whether a process with this id exists (EPERM: it does, under another user). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}
