import type { AppViewConfig } from './config.js'

/** The AppView's own identity: its DID and where it is reached. */
export type ServiceIdentity = { did: string; url: string }

/** The service id PDSes name in `atproto-proxy: <did>#plyr_appview`. */
export const SERVICE_ID = 'plyr_appview'

/** PUBLIC_URL (or localhost and the port) and APPVIEW_DID (or the did:web of that URL). */
export function serviceIdentity(cfg: AppViewConfig, port: number): ServiceIdentity {
  const url = cfg.publicUrl ?? `http://localhost:${port}`
  // did:web percent-encodes the port's colon
  return { url, did: cfg.did ?? `did:web:${new URL(url).host.replace(':', '%3A')}` }
}
