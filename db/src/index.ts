export { Database, type DatabaseConfig, databaseConfigFromEnv } from './open.js'
export type * from './schema.js'
