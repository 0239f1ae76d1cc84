import { createReadStream } from 'node:fs'
import { copyFile, link, mkdir, readdir, rename, rm, stat } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { Readable } from 'node:stream'
import {
  type ByteRange,
  checkKey,
  type LocalFile,
  type MediaStorage,
  type StoredKey,
} from './storage.js'

/** Objects as files under `root`, in folders by the key's first two characters. */
export class LocalStorage implements MediaStorage {
  readonly kind = 'local'

  constructor(private readonly root: string) {}

  pathOf(key: string): string {
    checkKey(key)
    return join(this.root, key.slice(0, 2), key)
  }

  async put(key: string, path: string): Promise<void> {
    const target = this.pathOf(key)
    if (await this.has(key)) return
    await mkdir(dirname(target), { recursive: true })
    try {
      // staging is on the same disk: a hard link, no copy, and atomic
      await link(path, target)
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      if (code === 'EEXIST') return
      if (code !== 'EXDEV' && code !== 'EPERM') throw err
      const temp = `${target}.${process.pid}.tmp`
      await copyFile(path, temp)
      await rename(temp, target)
    }
  }

  async localFile(key: string): Promise<LocalFile> {
    return { path: this.pathOf(key), release: async () => {} }
  }

  async read(key: string, range?: ByteRange): Promise<Readable> {
    return createReadStream(this.pathOf(key), range ?? {})
  }

  async has(key: string): Promise<boolean> {
    return stat(this.pathOf(key)).then(
      () => true,
      () => false,
    )
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true })
  }

  async *list(): AsyncIterable<StoredKey> {
    const folders = await readdir(this.root).catch(() => [])
    for (const folder of folders) {
      if (!/^[0-9a-f]{2}$/.test(folder)) continue
      for (const name of await readdir(join(this.root, folder))) {
        if (!/^[0-9a-f]{64}$/.test(name)) continue
        const info = await stat(join(this.root, folder, name)).catch(() => undefined)
        if (info) yield { key: name, modified: info.mtime }
      }
    }
  }

  async directUrl(): Promise<undefined> {
    return undefined
  }
}
