import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import { serviceConfigFromEnv } from '@plyr/appview'

const root = join(import.meta.dirname, '../..')

type Service = {
  command?: string[]
  environment?: Record<string, string>
  depends_on?: Record<string, { condition: string }>
}

describe('docker-compose.yml', () => {
  it('runs the media worker apart, on MinIO, with settings the services accept', async () => {
    const compose = parse(await readFile(join(root, 'docker-compose.yml'), 'utf8'), {
      merge: true,
    }) as { services: Record<string, Service> }
    const { appview, media, s3 } = compose.services
    const scripts = (
      JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as {
        scripts: Record<string, string>
      }
    ).scripts
    expect(s3).toBeDefined()
    expect(media!.command).toEqual(['npm', 'run', 'start:media'])
    expect(scripts['start:media']).toBeDefined()
    expect(appview!.environment!.RUN_MEDIA_WORKER).toBe('false')
    expect(media!.depends_on!['s3-bucket']!.condition).toBe('service_completed_successfully')
    for (const service of [appview!, media!]) {
      const env: Record<string, string> = {
        ...service.environment!,
        SESSION_SECRET: 'x'.repeat(32),
      }
      expect(env.S3_ENDPOINT).toBe('http://s3:9000')
      // the compose file's values are ones the services take
      const cfg = serviceConfigFromEnv(
        Object.fromEntries(
          Object.entries(env).map(([k, v]) => [k, v.replace(/^\$\{\w+:-(.*)\}$/, '$1')]),
        ),
      )
      expect(cfg.appview.media.s3).toMatchObject({
        bucket: 'plyr-media',
        endpoint: 'http://s3:9000',
        forcePathStyle: true,
      })
    }
    // every setting the compose file uses is documented
    const documented = await readFile(join(root, 'docs/configuration.md'), 'utf8')
    const names = new Set(
      Object.values(compose.services).flatMap((s) => Object.keys(s.environment ?? {})),
    )
    for (const name of names) {
      if (name.startsWith('MINIO_') || name.startsWith('POSTGRES_')) continue
      expect(documented, name).toContain(`\`${name}\``)
    }
  })
})
