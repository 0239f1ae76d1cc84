import { describe, expect, it } from 'vitest'
import { ConfigError } from '@plyr/core'
import { appViewConfigFromEnv } from '../src/config.js'

describe('AppView configuration', () => {
  const publicUrl = (PUBLIC_URL: string) => appViewConfigFromEnv({ PUBLIC_URL }).publicUrl

  it('takes PUBLIC_URL as an origin', () => {
    expect(publicUrl('https://plyr.fm')).toBe('https://plyr.fm')
    expect(publicUrl('https://plyr.fm/')).toBe('https://plyr.fm')
    expect(publicUrl('http://127.0.0.1:3000')).toBe('http://127.0.0.1:3000')
    expect(appViewConfigFromEnv({}).publicUrl).toBeUndefined()
  })

  it('refuses a PUBLIC_URL with a path, query, fragment or user, or not http(s)', () => {
    for (const bad of [
      'https://plyr.fm/app',
      'https://plyr.fm/app/',
      'https://plyr.fm/?x=1',
      'https://plyr.fm/#top',
      'https://user:pw@plyr.fm',
      'ftp://plyr.fm',
      'plyr.fm',
    ]) {
      expect(() => publicUrl(bad), bad).toThrow(ConfigError)
    }
  })
})
