import { join } from 'node:path'
import { envInt } from '@plyr/core'

export type MediaConfig = {
  /** where local storage and upload staging live: $DATA_DIR/media */
  dir: string
  /** MAX_UPLOAD_BYTES: an upload past it is refused with 413 while it streams */
  maxUploadBytes: number
  /** MAX_AUDIO_SECONDS: longer audio is refused after probing, and decoding stops there */
  maxAudioSeconds: number
  /** MEDIA_JOB_TIMEOUT_SECONDS: ffmpeg/ffprobe are killed past it */
  jobTimeoutSeconds: number
}

export function mediaConfigFromEnv(env: NodeJS.ProcessEnv = process.env): MediaConfig {
  return {
    dir: join(env.DATA_DIR || './data', 'media'),
    maxUploadBytes: envInt(env, 'MAX_UPLOAD_BYTES', 2 * 1024 ** 3),
    maxAudioSeconds: envInt(env, 'MAX_AUDIO_SECONDS', 4 * 3600),
    jobTimeoutSeconds: envInt(env, 'MEDIA_JOB_TIMEOUT_SECONDS', 3600),
  }
}
