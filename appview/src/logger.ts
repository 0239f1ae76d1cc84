import { pino } from 'pino'

/** The root logger; subsystems take children (`logger.child({ subsystem })`). */
export const logger = pino({ name: 'plyr', level: process.env.LOG_LEVEL || 'info' })
