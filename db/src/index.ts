export { Database, type DatabaseConfig } from './open.js'
export type * from './schema.js'
