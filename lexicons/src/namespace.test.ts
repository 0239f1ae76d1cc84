import { describe, expect, it } from 'vitest'
import { InvalidNamespaceError, PlyrNamespace } from './namespace.js'

const track = (type: string, extra: Record<string, unknown> = {}) => ({
  $type: type,
  title: 'Northern Static',
  artist: 'Aurora Vale',
  fileType: 'mp3',
  createdAt: '2026-01-02T03:04:05.000Z',
  ...extra,
})

describe('PlyrNamespace', () => {
  it('names collections from the namespace, never hard-coded', () => {
    expect(new PlyrNamespace().collection('track')).toBe('fm.plyr.track')
    const dev = new PlyrNamespace('fm.plyr.dev')
    expect(dev.collection('actor.profile')).toBe('fm.plyr.dev.actor.profile')
    expect(dev.recordName('fm.plyr.dev.like')).toBe('like')
    expect(dev.recordName('fm.plyr.like')).toBeUndefined()
  })

  it('refuses a namespace that is not a dotted lowercase name', () => {
    expect(() => new PlyrNamespace('FM plyr')).toThrow(InvalidNamespaceError)
    expect(() => new PlyrNamespace('plyr')).toThrow(InvalidNamespaceError)
  })

  it('validates a namespaced record against the fm.plyr lexicon', () => {
    const dev = new PlyrNamespace('fm.plyr.dev')
    expect(dev.validateRecord('track', track('fm.plyr.dev.track'))).toEqual({ ok: true })
    const bad = dev.validateRecord('track', track('fm.plyr.dev.track', { title: '' }))
    expect(bad).toMatchObject({ ok: false, reason: expect.stringContaining('title') })
  })

  it('rejects a record whose $type is another collection or namespace', () => {
    const prod = new PlyrNamespace()
    expect(prod.validateRecord('track', track('fm.plyr.dev.track'))).toMatchObject({ ok: false })
    expect(prod.validateRecord('like', track('fm.plyr.track'))).toMatchObject({ ok: false })
    expect(prod.validateRecord('track', null)).toMatchObject({ ok: false })
  })

  it('accepts a record written by the original plyr.fm with every optional field', () => {
    const prod = new PlyrNamespace()
    const full = track('fm.plyr.track', {
      audioUrl: 'https://cdn.plyr.fm/audio/abc.mp3',
      imageUrl: 'https://cdn.plyr.fm/images/abc.jpg',
      album: 'Harbor Lights',
      duration: 215,
      description: 'Recorded live.',
      features: [{ did: 'did:plc:ewvi7nxzyoun6zhxrhs64oiz', handle: 'friend.bsky.social' }],
      supportGate: { type: 'any' },
      labels: { $type: 'com.atproto.label.defs#selfLabels', values: [{ val: 'nudity' }] },
    })
    expect(prod.validateRecord('track', full)).toEqual({ ok: true })
  })
})
