/** The client's routes: a path pattern, the page's element, and its lazily loaded module. */
export type Route = { tag: string; params: Record<string, string> }

type Definition = { pattern: RegExp; names: string[]; tag: string; load: () => Promise<unknown> }

const DEFINITIONS: Definition[] = [
  { pattern: /^\/$/, names: [], tag: 'plyr-home-page', load: () => import('./pages/home.js') },
  {
    pattern: /^\/track\/([^/]+)\/([^/]+)$/,
    names: ['did', 'rkey'],
    tag: 'plyr-track-page',
    load: () => import('./pages/track.js'),
  },
  {
    pattern: /^\/artist\/([^/]+)$/,
    names: ['actor'],
    tag: 'plyr-artist-page',
    load: () => import('./pages/artist.js'),
  },
  {
    pattern: /^\/(album|playlist)\/([^/]+)\/([^/]+)$/,
    names: ['kind', 'did', 'rkey'],
    tag: 'plyr-list-page',
    load: () => import('./pages/list.js'),
  },
  {
    pattern: /^\/tag\/([^/]+)$/,
    names: ['tag'],
    tag: 'plyr-tag-page',
    load: () => import('./pages/tag.js'),
  },
  {
    pattern: /^\/search$/,
    names: [],
    tag: 'plyr-search-page',
    load: () => import('./pages/search.js'),
  },
]

const NOT_FOUND: Definition = {
  pattern: /$^/,
  names: [],
  tag: 'plyr-not-found-page',
  load: () => import('./pages/not-found.js'),
}

/** The route of a location, its page's module loaded. */
export async function resolve(location: URL): Promise<Route> {
  for (const def of DEFINITIONS) {
    const match = def.pattern.exec(location.pathname)
    if (!match) continue
    const params: Record<string, string> = {}
    try {
      def.names.forEach((name, i) => (params[name] = decodeURIComponent(match[i + 1]!)))
    } catch {
      break
    }
    for (const [k, v] of location.searchParams) params[`?${k}`] = v
    await def.load()
    return { tag: def.tag, params }
  }
  await NOT_FOUND.load()
  return { tag: NOT_FOUND.tag, params: {} }
}
