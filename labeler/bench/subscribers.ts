// The live subscribers of `npm run bench:labeler`, on a worker thread of their own: their
// sockets' reading and frame parsing stays off the labeler's event loop, as it would be
// on the subscribers' own machines. The n-th live frame on a socket is the n-th label
// made; each arrival is stamped on the shared clock (timeOrigin + now), and the times of
// a label are posted once every socket has it.
import { parentPort, workerData } from 'node:worker_threads'
import WebSocket from 'ws'

const { url, subscribers } = workerData as { url: string; subscribers: number }
const arrivals: number[][] = []
const sockets: WebSocket[] = []

await Promise.all(
  Array.from({ length: subscribers }, async () => {
    const ws = new WebSocket(url)
    sockets.push(ws)
    let n = 0
    ws.on('message', () => {
      const at = performance.timeOrigin + performance.now()
      const times = (arrivals[n] ??= [])
      times.push(at)
      if (times.length === subscribers) parentPort!.postMessage({ label: n, times })
      n++
    })
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))
  }),
)
parentPort!.postMessage({ ready: true })
parentPort!.on('message', () => {
  for (const ws of sockets) ws.terminate()
  parentPort!.close()
})
