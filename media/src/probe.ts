import { lastLine, runTool } from './run.js'

/** Why a file is refused: a message a person can act on. */
export class MediaError extends Error {
  override name = 'MediaError'
  constructor(
    /** UnsupportedMedia, TooLong, CorruptMedia, TruncatedMedia */
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

export type AudioFormat = 'mp3' | 'm4a' | 'wav' | 'flac' | 'aiff' | 'ogg' | 'webm'

export type Probed = {
  format: AudioFormat
  codec: string
  /** seconds, as the container states it (undefined when it does not) */
  duration: number | undefined
  /** served as uploaded: a lossy format every major browser plays */
  playable: boolean
  /** the original's media type, for downloads */
  contentType: string
  tags: Record<string, string>
  /** the file carries a picture (an embedded cover) */
  cover: boolean
}

type Stream = {
  codec_type?: string
  codec_name?: string
  disposition?: { attached_pic?: number }
  tags?: Record<string, string>
}
type ProbeJson = {
  streams?: Stream[]
  format?: { format_name?: string; duration?: string; tags?: Record<string, string> }
}

/** Which containers carry which audio codecs we accept, judged from the content alone. */
function classify(container: string, codec: string): AudioFormat | undefined {
  const names = container.split(',')
  if (names.includes('mp3') && codec === 'mp3') return 'mp3'
  if (names.includes('mp4') || names.includes('m4a')) {
    return ['aac', 'alac', 'mp3'].includes(codec) ? 'm4a' : undefined
  }
  if (names.includes('wav') && codec.startsWith('pcm_')) return 'wav'
  if (names.includes('aiff') && codec.startsWith('pcm_')) return 'aiff'
  if (names.includes('flac') && codec === 'flac') return 'flac'
  if (names.includes('ogg') && ['vorbis', 'opus', 'flac'].includes(codec)) return 'ogg'
  if (names.includes('webm') && ['vorbis', 'opus'].includes(codec)) return 'webm'
  return undefined
}

const CONTENT_TYPES: Record<AudioFormat, string> = {
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  wav: 'audio/wav',
  flac: 'audio/flac',
  aiff: 'audio/aiff',
  ogg: 'audio/ogg',
  webm: 'audio/webm',
}

/** Looks inside a file with ffprobe: what it is, whether we take it, its stated length. */
export async function probe(path: string, timeoutMs: number): Promise<Probed> {
  let json = ''
  const run = await runTool(
    'ffprobe',
    [
      '-v',
      'error',
      '-protocol_whitelist',
      'file,pipe',
      '-print_format',
      'json',
      '-show_format',
      '-show_streams',
      path,
    ],
    { timeoutMs, onStdoutLine: (line) => (json += line + '\n') },
  )
  if (run.code !== 0) {
    throw new MediaError(
      'UnsupportedMedia',
      `this is not an audio file plyr can read (${lastLine(run.stderr)})`,
    )
  }
  const info = JSON.parse(json) as ProbeJson
  const container = info.format?.format_name ?? 'unknown'
  const streams = info.streams ?? []
  const audio = streams.find((s) => s.codec_type === 'audio')
  const video = streams.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic)
  const codec = audio?.codec_name ?? 'none'
  const format = audio && !video ? classify(container, codec) : undefined
  if (!format) {
    const found = video ? `${container} with video` : `${container} (audio codec: ${codec})`
    throw new MediaError(
      'UnsupportedMedia',
      `unsupported file: found ${found}; upload MP3, M4A/AAC, WAV, FLAC, AIFF, Ogg (Vorbis, Opus) or WebM`,
    )
  }
  const stated = Number(info.format?.duration)
  return {
    format,
    codec,
    duration: Number.isFinite(stated) && stated > 0 ? stated : undefined,
    playable: format === 'mp3' || (format === 'm4a' && codec === 'aac'),
    contentType: CONTENT_TYPES[format],
    tags: { ...audio?.tags, ...info.format?.tags },
    cover: streams.some((s) => s.codec_type === 'video' && s.disposition?.attached_pic),
  }
}

/** The file extension for a format, for downloads. */
export function extensionOf(format: AudioFormat): string {
  return format === 'aiff' ? 'aif' : format
}
