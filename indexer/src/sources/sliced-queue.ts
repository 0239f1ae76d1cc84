/**
 * Items handled a slice at a time, each slice in its own turn of the event loop, so that
 * a burst of them never holds up other I/O for long: libuv reads up to 2 MB from a socket
 * in one go, thousands of Jetstream messages, and handling them all at once would leave
 * the database waiting for the reply to its last statement all that while. Handled in
 * slices, they are parsed and checked while the database works on the batch before them.
 * A reply that arrives during a slice still waits for its end: ten Jetstream messages,
 * a few hundred microseconds, keep that short against each of a batch's statements.
 */
export class SlicedQueue<T> {
  private items: T[] = []
  private head = 0
  private scheduled = false

  constructor(
    private readonly handle: (item: T) => void,
    private readonly sliceSize = 10,
  ) {}

  get length(): number {
    return this.items.length - this.head
  }

  push(item: T): void {
    this.items.push(item)
    if (!this.scheduled) {
      this.scheduled = true
      setImmediate(this.runSlice)
    }
  }

  /** Handles every item now. */
  flush(): void {
    this.handleUpTo(this.items.length)
  }

  private readonly runSlice = () => {
    this.scheduled = false
    this.handleUpTo(this.head + this.sliceSize)
    if (this.length > 0) {
      this.scheduled = true
      setImmediate(this.runSlice)
    }
  }

  private handleUpTo(end: number): void {
    while (this.head < end && this.head < this.items.length) {
      const item = this.items[this.head]!
      this.head++
      this.handle(item)
    }
    if (this.head === this.items.length) {
      this.items = []
      this.head = 0
    }
  }
}
