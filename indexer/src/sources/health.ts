/** What an event source reports about itself, for logs and /health. */
export type SourceHealth = {
  source: string
  url: string
  state: 'connecting' | 'connected' | 'unreachable' | 'stopped'
  lastEventAt: string | null
  lastError: string | null
  reconnects: number
}
