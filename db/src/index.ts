export { Database, type DatabaseConfig, databaseConfigFromEnv } from './open.js'
export type * from './schema.js'
export { recountTracks, type TrackCount, trackCountColumns } from './track-counts.js'
