import { join } from 'node:path'
import { ConfigError, envBool, envInt, envString, envUrl } from '@plyr/core'
import type { S3Config } from './storage/s3.js'

export type MediaConfig = {
  /** where local storage and upload staging live: $DATA_DIR/media */
  dir: string
  /** MAX_UPLOAD_BYTES: an upload past it is refused with 413 while it streams */
  maxUploadBytes: number
  /** MAX_IMAGE_BYTES: the largest cover art upload */
  maxImageBytes: number
  /** MAX_AUDIO_SECONDS: longer audio is refused after probing, and decoding stops there */
  maxAudioSeconds: number
  /** MEDIA_JOB_TIMEOUT_SECONDS: ffmpeg/ffprobe are killed past it */
  jobTimeoutSeconds: number
  /** MEDIA_SWEEP_INTERVAL_SECONDS: how often the worker sweeps what nothing references */
  sweepIntervalSeconds: number
  /** S3 storage when S3_BUCKET is set; else local disk under `dir` */
  s3?: S3Config
}

const http = ['http:', 'https:']

export function mediaConfigFromEnv(env: NodeJS.ProcessEnv = process.env): MediaConfig {
  return {
    dir: join(env.DATA_DIR || './data', 'media'),
    maxUploadBytes: envInt(env, 'MAX_UPLOAD_BYTES', 2 * 1024 ** 3),
    maxImageBytes: envInt(env, 'MAX_IMAGE_BYTES', 20 * 1024 ** 2),
    maxAudioSeconds: envInt(env, 'MAX_AUDIO_SECONDS', 4 * 3600),
    jobTimeoutSeconds: envInt(env, 'MEDIA_JOB_TIMEOUT_SECONDS', 3600),
    sweepIntervalSeconds: envInt(env, 'MEDIA_SWEEP_INTERVAL_SECONDS', 3600),
    s3: s3ConfigFromEnv(env),
  }
}

function s3ConfigFromEnv(env: NodeJS.ProcessEnv): S3Config | undefined {
  const bucket = env.S3_BUCKET
  if (!bucket) return undefined
  const accessKeyId = env.S3_ACCESS_KEY_ID || undefined
  const secretAccessKey = env.S3_SECRET_ACCESS_KEY || undefined
  if (!accessKeyId !== !secretAccessKey) {
    throw new ConfigError(
      'S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY are set together or not at all',
    )
  }
  const endpoint = env.S3_ENDPOINT ? envUrl(env, 'S3_ENDPOINT', '', http) : undefined
  const publicUrl = env.MEDIA_PUBLIC_URL
    ? envUrl(env, 'MEDIA_PUBLIC_URL', '', http).replace(/\/$/, '')
    : undefined
  const publicEndpoint = env.S3_PUBLIC_ENDPOINT
    ? envUrl(env, 'S3_PUBLIC_ENDPOINT', '', http)
    : undefined
  return {
    bucket,
    endpoint,
    publicEndpoint,
    region: envString(env, 'S3_REGION', 'us-east-1'),
    accessKeyId,
    secretAccessKey,
    // S3-compatible servers other than AWS mostly address buckets by path
    forcePathStyle: envBool(env, 'S3_FORCE_PATH_STYLE', endpoint !== undefined),
    presignSeconds: envInt(env, 'S3_PRESIGN_SECONDS', 300),
    publicUrl,
  }
}
