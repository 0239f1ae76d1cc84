/**
 * A GET of the XRPC query `nsid` on `service` (a PDS, a relay, a handle resolver): no
 * redirect followed (a service answers for its own host), given up after `timeoutMs` or
 * when `signal` aborts (a stopping service).
 */
export function xrpcGet(
  fetch: typeof globalThis.fetch,
  service: string,
  nsid: string,
  params: Record<string, string>,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<Response> {
  const url = new URL(`/xrpc/${nsid}`, service)
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v)
  return fetch(url, {
    redirect: 'error',
    signal: signal
      ? AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)])
      : AbortSignal.timeout(timeoutMs),
  })
}
