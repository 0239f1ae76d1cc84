/**
 * A URL from a record written elsewhere, with whether plyr trusts it: only http(s) URLs
 * whose origin is in the allowlist are. Nothing here fetches the URL.
 */
export function mediaUrl(
  value: string | undefined,
  trusted: ReadonlySet<string>,
): { url: string | null; trusted: boolean } {
  if (value === undefined) return { url: null, trusted: false }
  let origin: string
  try {
    const parsed = new URL(value)
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
      return { url: value, trusted: false }
    }
    origin = parsed.origin
  } catch {
    return { url: value, trusted: false }
  }
  return { url: value, trusted: trusted.has(origin) }
}
