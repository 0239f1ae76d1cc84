import { keepConnectionsAlive } from '@plyr/core'
import { execFile } from 'node:child_process'
import { once } from 'node:events'
import { mkdir } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { promisify } from 'node:util'
import express from 'express'

const run = promisify(execFile)

/** A demo piece: a plucked pentatonic melody over a soft two-note pad, with echo. */
export type Piece = {
  /** The melody's root, Hz. */
  root: number
  /** Notes per second. */
  notesPerSecond: number
  /** How the melody walks the scale (a step through the five notes, and a drift per bar). */
  step: number
  drift: number
  seconds: number
}

/**
 * The expression of a piece for ffmpeg's aevalsrc. Note n plays scale degree
 * (n·step + ⌊n/8⌋·drift) mod 5 of the major pentatonic (0 2 4 7 9 semitones), an octave
 * up every other bar, as a decaying tone with two harmonics; under it, the root and its
 * fifth an octave down, swelling slowly.
 */
function expression(p: Piece): string {
  const n = `floor(t*${p.notesPerSecond})`
  const degree = `mod(${n}*${p.step}+floor(${n}/8)*${p.drift},5)`
  const semitones = `(2*${degree}+gte(${degree},3)+12*mod(floor(${n}/16),2))`
  const f = `${p.root}*pow(2,${semitones}/12)`
  const decay = `exp(-4*(t*${p.notesPerSecond}-${n})/${p.notesPerSecond})`
  const pluck = `0.45*(sin(2*PI*${f}*t)+0.3*sin(4*PI*${f}*t)+0.1*sin(6*PI*${f}*t))*${decay}`
  const pad = `0.12*(sin(2*PI*${p.root / 2}*t)+sin(2*PI*${(p.root * 3) / 4}*t))*(0.7+0.3*sin(2*PI*0.2*t))`
  return `${pluck}+${pad}`
}

/** Renders a piece to an MP3 file (mono, 96 kb/s) with ffmpeg. */
export async function renderPiece(piece: Piece, file: string): Promise<void> {
  const fadeOut = Math.max(0, piece.seconds - 2)
  await run('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `aevalsrc='${expression(piece)}':s=44100:d=${piece.seconds}`,
    '-af',
    `aecho=0.8:0.7:250|500:0.35|0.2,lowpass=f=5000,afade=t=in:d=0.3,afade=t=out:st=${fadeOut}:d=2`,
    '-ac',
    '1',
    '-c:a',
    'libmp3lame',
    '-b:a',
    '96k',
    file,
  ])
}

/** Renders a 512×512 diagonal gradient cover (JPEG) from two colours (`0xRRGGBB`). */
export async function renderCover(from: string, to: string, file: string): Promise<void> {
  await run('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `gradients=s=512x512:c0=${from}:c1=${to}:x0=0:y0=0:x1=512:y1=512:d=1`,
    '-frames:v',
    '1',
    file,
  ])
}

/**
 * A static host for the demo's audio and covers, as an artist's media host would be:
 * byte ranges (seeking), and CORS open so any page may read it.
 */
export class MediaHost implements AsyncDisposable {
  private constructor(
    private readonly server: Server,
    readonly dir: string,
    readonly url: string,
  ) {}

  static async start(dir: string, port = 0): Promise<MediaHost> {
    await mkdir(dir, { recursive: true })
    const app = express()
    app.disable('x-powered-by')
    app.use((_req, res, next) => {
      res.set('Access-Control-Allow-Origin', '*')
      next()
    })
    app.use(express.static(dir, { index: false }))
    const server = createServer(app)
    keepConnectionsAlive(server).listen(port, '127.0.0.1')
    await once(server, 'listening')
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    return new MediaHost(server, dir, url)
  }

  fileUrl(name: string): string {
    return `${this.url}/${encodeURIComponent(name)}`
  }

  path(name: string): string {
    return join(this.dir, name)
  }

  async destroy(): Promise<void> {
    this.server.closeAllConnections()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.destroy()
  }
}
