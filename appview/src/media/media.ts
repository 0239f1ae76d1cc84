import { join } from 'node:path'
import { LocalStorage, type MediaConfig, type MediaStorage } from '@plyr/media'

/** Media as the AppView uses it: the settings, the storage, where uploads are staged. */
export class Media {
  readonly storage: MediaStorage
  readonly stagingDir: string

  constructor(readonly cfg: MediaConfig) {
    this.storage = new LocalStorage(join(cfg.dir, 'objects'))
    this.stagingDir = join(cfg.dir, 'staging')
  }
}
