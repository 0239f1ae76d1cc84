/** The AppView's XRPC read methods, called from the page's own origin. */

export type ProfileBasic = { did: string; handle: string; displayName?: string; avatar?: string }
export type Label = { val: string; src: string }

export type TrackView = {
  uri: string
  cid: string
  artist: ProfileBasic
  title: string
  album?: string
  duration?: number
  description?: string
  audioUrl?: string
  imageUrl?: string
  peaksUrl?: string
  loudnessGain?: number
  createdAt?: string
  tags?: string[]
  likeCount: number
  commentCount: number
  playCount: number
  labels?: Label[]
}

export type ListView = {
  uri: string
  creator: ProfileBasic
  name?: string
  listType?: string
  itemCount: number
  createdAt: string
}

export type ProfileView = ProfileBasic & {
  bio?: string
  trackCount: number
  albumCount: number
  playlistCount: number
  likeCount: number
  labels?: Label[]
}

export type CommentView = {
  uri: string
  author: ProfileBasic
  text: string
  timestampMs: number
  createdAt: string
}

export type TagView = { name: string; trackCount: number }

export type TrackPage = { tracks: TrackView[]; cursor?: string }

/** An XRPC error answer, or a failure to reach the AppView at all (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    message: string,
  ) {
    super(message)
  }
}

type Params = Record<string, string | number | undefined>

export async function xrpc<T>(nsid: string, params: Params = {}, signal?: AbortSignal): Promise<T> {
  const query = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) if (v !== undefined) query.set(k, String(v))
  let res: Response
  try {
    res = await fetch(`/xrpc/${nsid}?${query}`, { signal })
  } catch (err) {
    if (signal?.aborted) throw err
    throw new ApiError(0, 'NetworkError', 'plyr could not be reached')
  }
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>
  if (!res.ok) {
    throw new ApiError(
      res.status,
      typeof body.error === 'string' ? body.error : 'Error',
      typeof body.message === 'string' ? body.message : `request failed (${res.status})`,
    )
  }
  return body as T
}

/** The record collection names of this AppView's namespace, from the page it served. */
export function collection(name: 'track' | 'list'): string {
  const ns = document.querySelector('meta[name="plyr-namespace"]')?.getAttribute('content')
  return `${ns || 'fm.plyr'}.${name}`
}

export function atUri(did: string, name: 'track' | 'list', rkey: string): string {
  return `at://${did}/${collection(name)}/${rkey}`
}

/** `<did>/<rkey>` of an at:// URI, as the page paths use it. */
export function recordPath(uri: string): string {
  const [did, , rkey] = uri.slice('at://'.length).split('/')
  return `${encodeURIComponent(did!).replaceAll('%3A', ':')}/${encodeURIComponent(rkey!)}`
}
