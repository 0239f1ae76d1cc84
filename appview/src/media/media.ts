import { join } from 'node:path'
import { LocalStorage, type MediaConfig, type MediaStorage, S3Storage } from '@plyr/media'

/** Media as the AppView uses it: the settings, the storage, where uploads are staged. */
export class Media {
  readonly storage: MediaStorage
  readonly stagingDir: string

  constructor(readonly cfg: MediaConfig) {
    this.storage = cfg.s3 ? new S3Storage(cfg.s3) : new LocalStorage(join(cfg.dir, 'objects'))
    this.stagingDir = join(cfg.dir, 'staging')
  }
}
