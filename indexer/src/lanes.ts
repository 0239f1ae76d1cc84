/**
 * A cheap, stable hash of a string (a DID or a uri) to a non-negative 31-bit integer: how
 * the indexer spreads a batch over its writing transactions. Stable across processes, so
 * a hash stored in the database means the same after a restart.
 */
export function hashKey(key: string): number {
  let h = 0
  for (let i = 0; i < key.length; i++) h = (Math.imul(h, 31) + key.charCodeAt(i)) | 0
  return h & 0x7fffffff
}

/** Groups items into `lanes` lists by the hash of their key, keeping their order. */
export function splitIntoLanes<T>(items: T[], lanes: number, key: (item: T) => string): T[][] {
  if (lanes === 1) return [items]
  const out: T[][] = Array.from({ length: lanes }, () => [])
  for (const item of items) out[hashKey(key(item)) % lanes]!.push(item)
  return out.filter((lane) => lane.length > 0)
}
