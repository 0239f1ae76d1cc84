import { isValidDid } from '@atproto/syntax'
import { BackfillError } from './backfill.js'
import { xrpcGet } from '@plyr/core'

/** How long one call to the relay (or a PDS probed in its place) may take. */
const TIMEOUT_MS = 30_000

/**
 * The DIDs of every repo holding `collection`, from a relay's
 * com.atproto.sync.listReposByCollection. A host that does not serve it (a PDS answers
 * 401 or 501) is enumerated with com.atproto.sync.listRepos instead, each repo probed
 * for the collection.
 */
export async function listReposWithCollection(
  fetch: typeof globalThis.fetch,
  service: string,
  collection: string,
): Promise<string[]> {
  const byCollection = await page(fetch, service, 'com.atproto.sync.listReposByCollection', {
    collection,
    limit: '2000',
  })
  if (byCollection !== 'unsupported') {
    return collect(byCollection, (cursor) =>
      page(fetch, service, 'com.atproto.sync.listReposByCollection', {
        collection,
        limit: '2000',
        cursor,
      }),
    )
  }
  const all = await collect(
    await page(fetch, service, 'com.atproto.sync.listRepos', { limit: '1000' }),
    (cursor) => page(fetch, service, 'com.atproto.sync.listRepos', { limit: '1000', cursor }),
  )
  const holding: string[] = []
  for (const did of all) {
    const res = await xrpcGet(
      fetch,
      service,
      'com.atproto.repo.listRecords',
      { repo: did, collection, limit: '1' },
      TIMEOUT_MS,
    )
    const body = res.ok ? ((await res.json()) as { records?: unknown[] }) : undefined
    if (body?.records?.length) holding.push(did)
  }
  return holding
}

type Page = { dids: string[]; cursor?: string }

async function collect(
  first: Page | 'unsupported',
  next: (cursor: string) => Promise<Page | 'unsupported'>,
) {
  const dids: string[] = []
  let current = first
  while (current !== 'unsupported') {
    dids.push(...current.dids)
    if (!current.cursor || current.dids.length === 0) break
    current = await next(current.cursor)
  }
  return dids
}

async function page(
  fetch: typeof globalThis.fetch,
  service: string,
  nsid: string,
  params: Record<string, string>,
): Promise<Page | 'unsupported'> {
  const res = await xrpcGet(fetch, service, nsid, params, TIMEOUT_MS)
  const body = (await res.json().catch(() => undefined)) as
    { repos?: { did?: unknown }[]; cursor?: unknown } | undefined
  const firstPage = params.cursor === undefined
  if (firstPage && nsid.endsWith('ByCollection') && [400, 401, 404, 501].includes(res.status)) {
    return 'unsupported'
  }
  if (!res.ok || !body) throw new BackfillError(`${nsid} on ${service} answered ${res.status}`)
  const dids = (body.repos ?? []).map((r) => r.did).filter((d): d is string => isValidDid(d))
  return { dids, cursor: typeof body.cursor === 'string' ? body.cursor : undefined }
}
