export { type AppViewConfig, appViewConfigFromEnv } from './config.js'
export type { AppContext } from './context.js'
export { AppViewServer } from './server.js'
export { PlyrService, type ServiceConfig, serviceConfigFromEnv } from './service.js'
