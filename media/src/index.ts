export { type MediaConfig, mediaConfigFromEnv } from './config.js'
export {
  extractCover,
  type MadeImage,
  makeThumbnails,
  THUMB_SIZES,
  type Thumbnail,
} from './image.js'
export { PEAK_POINTS, PeakMeter, peaksAsNumbers } from './peaks.js'
export { type AudioFormat, extensionOf, MediaError, type Probed, probe } from './probe.js'
export {
  type Analysis,
  hashFile,
  type Processed,
  processAudio,
  TARGET_LUFS,
  WEB_FORMAT,
} from './process.js'
export {
  EmptyUploadError,
  type StageOptions,
  type Staged,
  stageUpload,
  UploadInterruptedError,
  UploadTooLargeError,
} from './receive.js'
export { LocalStorage } from './storage/local.js'
export { type S3Config, S3Storage } from './storage/s3.js'
export {
  type ByteRange,
  contentDisposition,
  type LocalFile,
  type MediaStorage,
  type StoredKey,
} from './storage/storage.js'
