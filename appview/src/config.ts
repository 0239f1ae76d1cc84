import {
  checkDid,
  checkOrigin,
  envInt,
  envList,
  envPort,
  type SharedConfig,
  sharedConfigFromEnv,
} from '@plyr/core'

export type AppViewConfig = SharedConfig & {
  port: number
  /** Where clients and PDSes reach this AppView; unset means `http://localhost:<port>`. */
  publicUrl?: string
  /** The AppView's DID; unset means the did:web of the public URL's host. */
  did?: string
  /** Labelers whose labels the AppView applies (ACCEPTED_LABELERS). */
  acceptedLabelers: string[]
  /** How long a page of the public feed is served to anonymous readers before it is rebuilt. */
  feedCacheMs: number
}

/** The AppView's settings from the environment (docs/configuration.md lists them). */
export function appViewConfigFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  shared: SharedConfig = sharedConfigFromEnv(env),
): AppViewConfig {
  return {
    ...shared,
    port: envPort(env, 'PORT', 3000),
    // the AppView's DID document, links and OAuth client metadata live at its root
    publicUrl: env.PUBLIC_URL ? checkOrigin('PUBLIC_URL', env.PUBLIC_URL) : undefined,
    did: env.APPVIEW_DID ? checkDid('APPVIEW_DID', env.APPVIEW_DID) : undefined,
    acceptedLabelers: envList(env, 'ACCEPTED_LABELERS').map((did) =>
      checkDid('ACCEPTED_LABELERS', did),
    ),
    feedCacheMs: envInt(env, 'FEED_CACHE_MS', 1000, 0),
  }
}
