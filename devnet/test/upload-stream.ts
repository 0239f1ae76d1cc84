/** Helpers for tests that follow an upload while it streams. */

const CHUNK = 64 * 1024

/** A server-sent event, and whether the upload had answered when it arrived. */
export type FollowedEvent = { event: string; data: Record<string, unknown>; uploadDone: boolean }

/** A body sent `CHUNK` bytes at a time, `pauseMs` apart (a slow connection). */
export function slowBody(bytes: Uint8Array, pauseMs: number): ReadableStream<Uint8Array> {
  let at = 0
  return new ReadableStream({
    async pull(controller) {
      if (at >= bytes.length) return controller.close()
      if (at > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs))
      controller.enqueue(bytes.slice(at, at + CHUNK))
      at += CHUNK
    },
  })
}

/**
 * Reads `GET <appUrl>/uploads/<id>/events` as the events arrive, until the stream ends,
 * noting for each whether `uploadDone()` was true then. Throws unless the answer is 200.
 */
export async function followEvents(
  appUrl: string,
  token: string,
  id: string,
  uploadDone: () => boolean,
): Promise<FollowedEvent[]> {
  const res = await fetch(`${appUrl}/uploads/${id}/events`, {
    headers: { authorization: `Bearer ${token}` },
  })
  if (res.status !== 200) throw new Error(`events: ${res.status} ${await res.text()}`)
  const events: FollowedEvent[] = []
  const decoder = new TextDecoder()
  let buffered = ''
  for await (const chunk of res.body! as unknown as AsyncIterable<Uint8Array>) {
    buffered += decoder.decode(chunk, { stream: true })
    let end: number
    while ((end = buffered.indexOf('\n\n')) >= 0) {
      const block = buffered.slice(0, end)
      buffered = buffered.slice(end + 2)
      events.push({
        event: /^event: (.*)$/m.exec(block)![1]!,
        data: JSON.parse(/^data: (.*)$/m.exec(block)![1]!) as Record<string, unknown>,
        uploadDone: uploadDone(),
      })
    }
  }
  return events
}

/** The `received` events that came before the upload answered, short of `size`: the body arriving. */
export function receivedWhileStreaming(events: FollowedEvent[], size: number): number[] {
  return events
    .filter((e) => e.event === 'received' && !e.uploadDone && (e.data.bytes as number) < size)
    .map((e) => e.data.bytes as number)
}
