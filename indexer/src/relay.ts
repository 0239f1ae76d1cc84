import { xrpcGet } from '@plyr/core'
import { isValidDid } from '@atproto/syntax'

/** How long one call to the relay (or a PDS listed in its place) may take. */
const TIMEOUT_MS = 30_000

export class RelayError extends Error {
  override name = 'RelayError'
}

/** A page of repos holding the collection, and the cursor of the page after it. */
export type RepoPage = { dids: string[]; cursor?: string }

/**
 * The DIDs of every repo holding `collection`, a page at a time, from a relay's
 * com.atproto.sync.listReposByCollection, starting after `cursor` when given. A host that
 * does not serve that method (a PDS answers 400, 401, 404 or 501) is enumerated with
 * com.atproto.sync.listRepos instead, each repo probed for the collection; the cursors
 * handed out are then listRepos cursors, which only that host understands.
 */
export async function* listReposByCollection(
  fetch: typeof globalThis.fetch,
  service: string,
  collection: string,
  cursor?: string,
  signal?: AbortSignal,
): AsyncGenerator<RepoPage> {
  const get = (nsid: string, params: Record<string, string>) =>
    xrpcGet(fetch, service, nsid, params, TIMEOUT_MS, signal)
  const byCollection = 'com.atproto.sync.listReposByCollection'
  const first = await get(byCollection, { collection, limit: '2000', ...cursorParam(cursor) })
  if (cursor === undefined && [400, 401, 404, 501].includes(first.status)) {
    yield* listRepos(get, collection, signal)
    return
  }
  let page = await readPage(first, byCollection, service)
  for (;;) {
    yield page
    if (!page.cursor || page.dids.length === 0) return
    page = await readPage(
      await get(byCollection, { collection, limit: '2000', cursor: page.cursor }),
      byCollection,
      service,
    )
  }
}

/** Every repo of a PDS, each probed for the collection: pages of those holding it. */
async function* listRepos(
  get: (nsid: string, params: Record<string, string>) => Promise<Response>,
  collection: string,
  signal?: AbortSignal,
): AsyncGenerator<RepoPage> {
  let cursor: string | undefined
  do {
    const page = await readPage(
      await get('com.atproto.sync.listRepos', { limit: '1000', ...cursorParam(cursor) }),
      'com.atproto.sync.listRepos',
      'the host',
    )
    const holding: string[] = []
    for (const did of page.dids) {
      signal?.throwIfAborted()
      const res = await get('com.atproto.repo.listRecords', { repo: did, collection, limit: '1' })
      const body = res.ok ? ((await res.json()) as { records?: unknown[] }) : undefined
      if (body?.records?.length) holding.push(did)
    }
    cursor = page.dids.length > 0 ? page.cursor : undefined
    yield { dids: holding, cursor }
  } while (cursor)
}

/** Every page at once: the command line's `--network`. */
export async function listAllReposByCollection(
  fetch: typeof globalThis.fetch,
  service: string,
  collection: string,
): Promise<string[]> {
  const dids: string[] = []
  for await (const page of listReposByCollection(fetch, service, collection)) {
    dids.push(...page.dids)
  }
  return dids
}

function cursorParam(cursor: string | undefined): Record<string, string> {
  return cursor === undefined ? {} : { cursor }
}

async function readPage(res: Response, nsid: string, service: string): Promise<RepoPage> {
  const body = (await res.json().catch(() => undefined)) as
    { repos?: { did?: unknown }[]; cursor?: unknown } | undefined
  if (!res.ok || !body) throw new RelayError(`${nsid} on ${service} answered ${res.status}`)
  const dids = (body.repos ?? []).map((r) => r.did).filter((d): d is string => isValidDid(d))
  return { dids, cursor: typeof body.cursor === 'string' ? body.cursor : undefined }
}
