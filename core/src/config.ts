/**
 * Reading settings from the environment, the same way in every service: each reader
 * names its variable, and a value it cannot take is a ConfigError naming the variable and
 * what it got, raised at start-up rather than found out later. Every variable is listed in
 * docs/configuration.md.
 */
export class ConfigError extends Error {
  override name = 'ConfigError'
}

type Env = NodeJS.ProcessEnv

/** The variable's value, or undefined when it is unset or empty. */
function raw(env: Env, name: string): string | undefined {
  const value = env[name]
  return value === undefined || value === '' ? undefined : value
}

export function envString(env: Env, name: string, fallback: string): string {
  return raw(env, name) ?? fallback
}

export function envBool(env: Env, name: string, fallback: boolean): boolean {
  const value = raw(env, name)
  if (value === undefined) return fallback
  if (['1', 'true', 'yes'].includes(value.toLowerCase())) return true
  if (['0', 'false', 'no'].includes(value.toLowerCase())) return false
  throw new ConfigError(`${name} must be true or false, got "${value}"`)
}

/** A whole number of at least `min` (1 by default): seconds, a count, a size. */
export function envInt(env: Env, name: string, fallback: number, min = 1): number {
  const value = raw(env, name)
  if (value === undefined) return fallback
  const n = Number(value)
  if (!Number.isSafeInteger(n) || n < min) {
    throw new ConfigError(`${name} must be a whole number of at least ${min}, got "${value}"`)
  }
  return n
}

/** A TCP port; 0 picks a free one. */
export function envPort(env: Env, name: string, fallback: number): number {
  const value = raw(env, name)
  const port = value === undefined ? fallback : Number(value)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`${name} must be a port number, got "${value}"`)
  }
  return port
}

/** A comma-separated list, blanks dropped. */
export function envList(env: Env, name: string, fallback = ''): string[] {
  return (raw(env, name) ?? fallback)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
}

/** A URL with one of `protocols` (e.g. `['https:']`), as given. */
export function checkUrl(name: string, value: string, protocols: string[]): string {
  let parsed: URL
  try {
    parsed = new URL(value)
  } catch {
    throw new ConfigError(`${name} is not a URL: "${value}"`)
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(`${name} must use ${protocols.join(' or ')}, got "${value}"`)
  }
  return value
}

export function envUrl(env: Env, name: string, fallback: string, protocols: string[]): string {
  return checkUrl(name, raw(env, name) ?? fallback, protocols)
}

/**
 * An http(s) origin (`https://plyr.fm`, a trailing `/` allowed): a path, query, fragment or
 * credentials are refused rather than silently dropped.
 */
export function checkOrigin(name: string, value: string): string {
  const url = new URL(checkUrl(name, value, ['http:', 'https:']))
  if (url.pathname !== '/' || url.search || url.hash || url.username || url.password) {
    throw new ConfigError(
      `${name} must be an origin like https://plyr.fm, with no path, query or user, got "${value}"`,
    )
  }
  return url.origin
}

/** A comma-separated list of origins, each checked. */
export function envOrigins(env: Env, name: string): string[] {
  return envList(env, name).map((value) => checkOrigin(name, value))
}

/** A DID (`did:<method>:<id>`), by its syntax. */
export function checkDid(name: string, value: string): string {
  if (!/^did:[a-z]+:[a-zA-Z0-9._:%-]+$/.test(value)) {
    throw new ConfigError(`${name} must be a DID, got "${value}"`)
  }
  return value
}
