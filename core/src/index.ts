export { forEachConcurrent } from './concurrency.js'
export {
  checkDid,
  checkOrigin,
  checkUrl,
  ConfigError,
  envBool,
  envInt,
  envList,
  envOrigins,
  envPort,
  envString,
  envUrl,
} from './config.js'
export {
  asyncRoute,
  DatabaseUnavailableError,
  plainErrorHandler,
  sendError,
  xrpcErrorParser,
} from './http-errors.js'
export { HealthServer, type HealthServerOptions, type ProcessPart } from './health-server.js'
export {
  type ActorIdentity,
  type ActorLookup,
  createActorLookup,
  createIdentity,
  type Identity,
  type IdentityConfig,
  pdsEndpoint,
} from './identity.js'
export { KEEP_ALIVE_MS, keepConnectionsAlive } from './keep-alive.js'
export { stopOnSignals } from './lifecycle.js'
export { type SharedConfig, sharedConfigFromEnv } from './shared-config.js'
export { normalizeTag } from './tags.js'
export { xrpcGet } from './xrpc.js'
