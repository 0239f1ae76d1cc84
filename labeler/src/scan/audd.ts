import { readFile } from 'node:fs/promises'

export type AuddConfig = { token: string; url: string; timeoutMs: number }

/** What AuDD recognised: its `result` fields plyr keeps as evidence. */
export type AuddMatch = { artist: string; title: string; isrc?: string; offsetSeconds?: number }

export class AuddError extends Error {
  override name = 'AuddError'
}

/** AuDD's `timecode` ("01:23" or "1:02:03") in seconds. */
function seconds(timecode: unknown): number | undefined {
  if (typeof timecode !== 'string' || !/^\d+(:\d{1,2}){1,2}$/.test(timecode)) return undefined
  return timecode.split(':').reduce((total, part) => total * 60 + Number(part), 0)
}

/**
 * Asks AuDD (https://docs.audd.io: POST with `api_token` and `file`) whether it knows the
 * recording. `{status: "success", result: null}` is no match; `{status: "error", error:
 * {error_code, error_message}}` is an error (the scan is retried).
 */
export async function recogniseWithAudd(
  cfg: AuddConfig,
  path: string,
): Promise<AuddMatch | undefined> {
  const form = new FormData()
  form.set('api_token', cfg.token)
  form.set('return', 'apple_music,spotify')
  form.set('file', new Blob([await readFile(path)]), 'audio')
  const res = await fetch(cfg.url, {
    method: 'POST',
    body: form,
    redirect: 'error',
    signal: AbortSignal.timeout(cfg.timeoutMs),
  })
  if (!res.ok) throw new AuddError(`AuDD answered ${res.status}`)
  const body = (await res.json()) as {
    status?: string
    error?: { error_code?: number; error_message?: string }
    result?: Record<string, unknown> | null
  }
  if (body.status !== 'success') {
    throw new AuddError(
      `AuDD error ${body.error?.error_code ?? '?'}: ${body.error?.error_message ?? 'unknown'}`,
    )
  }
  const r = body.result
  if (!r || typeof r.title !== 'string' || typeof r.artist !== 'string') return undefined
  const apple = r.apple_music as { isrc?: unknown } | undefined
  const spotify = r.spotify as { external_ids?: { isrc?: unknown } } | undefined
  const isrc = apple?.isrc ?? spotify?.external_ids?.isrc
  return {
    artist: r.artist,
    title: r.title,
    isrc: typeof isrc === 'string' ? isrc : undefined,
    offsetSeconds: seconds(r.timecode),
  }
}
