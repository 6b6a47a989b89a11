import type { ConnectionChanged, ConnectionTopic, EventBus } from './bus.js';

// A subscriber's stream over the bus. Thousands of chat clients each hold one open for as long
// as an end user takes to connect, so it is built from a few plain objects: one callback on the
// bus, a queue, and the caller's generator, rather than layers of async iterators.

/** A change arriving on the bus, or `null`: the state may have changed unseen, read it again. */
export type Nudged<Change> = Change | null;

/**
 * What the bus and the status watch push, read by one consumer. Ends at once when closed, even
 * while the consumer waits: that is how a subscriber who leaves releases a quiet stream.
 */
class Inbox<Change> implements AsyncIterableIterator<Nudged<Change>> {
  private queue: Nudged<Change>[] = [];
  private waiting: ((step: IteratorResult<Nudged<Change>>) => void) | null = null;
  private closed = false;

  constructor(private readonly onClose: () => void) {}

  push(change: Nudged<Change>): void {
    if (this.closed) return;
    // Nudges that pile up say the same thing: read the state again, once.
    if (change === null && this.queue.at(-1) === null) return;
    if (this.waiting) {
      const wake = this.waiting;
      this.waiting = null;
      wake({ done: false, value: change });
    } else {
      this.queue.push(change);
    }
  }

  next(): Promise<IteratorResult<Nudged<Change>>> {
    if (this.queue.length > 0) return Promise.resolve({ done: false, value: this.queue.shift()! });
    if (this.closed) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue = [];
    this.onClose();
    this.waiting?.({ done: true, value: undefined });
    this.waiting = null;
  }

  async return(): Promise<IteratorResult<Nudged<Change>>> {
    this.close();
    return { done: true, value: undefined };
  }

  [Symbol.asyncIterator]() {
    return this;
  }
}

const DONE: IteratorResult<never> = { done: true, value: undefined };

/**
 * The stream handed to GraphQL (or to a waiting tool): `follow`'s generator, started once the bus
 * has the listener live, and the inbox it reads, closed whenever the stream ends: by `follow`
 * finishing or failing, or by the consumer leaving. Leaving answers a pending `next()` at once,
 * whatever `follow` is waiting for (a quiet bus, a bus that has not settled, a slow read).
 */
class BusStream<Change, Out> implements AsyncIterableIterator<Out> {
  private settled: Promise<void> | null;
  private left = false;
  /** The pending `next()`'s resolver; leaving answers it instead of the generator. */
  private waiting: ((step: IteratorResult<Out>) => void) | null = null;

  constructor(
    bus: EventBus,
    private readonly inbox: Inbox<Change>,
    private readonly generator: AsyncIterator<Out>,
  ) {
    this.settled = bus.settled();
    // Read by the first next(); until then a failure is not unhandled.
    this.settled.catch(() => {});
  }

  private async step(): Promise<IteratorResult<Out>> {
    try {
      if (this.settled) {
        await this.settled;
        this.settled = null;
      }
      const step = await this.generator.next();
      if (step.done) this.inbox.close();
      return step;
    } catch (error) {
      this.inbox.close();
      throw error;
    }
  }

  next(): Promise<IteratorResult<Out>> {
    if (this.left) return Promise.resolve(DONE);
    return new Promise((resolve, reject) => {
      this.waiting = resolve;
      this.step().then(
        (step) => {
          if (this.waiting !== resolve) return; // left meanwhile, and answered
          this.waiting = null;
          resolve(step);
        },
        (error: unknown) => {
          if (this.waiting !== resolve) return;
          this.waiting = null;
          reject(error);
        },
      );
    });
  }

  async return(): Promise<IteratorResult<Out>> {
    this.left = true;
    this.inbox.close();
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.(DONE);
    // The generator ends once its current step does (the closed inbox ends its loop).
    void Promise.resolve(this.generator.return?.(undefined)).catch(() => {});
    return DONE;
  }

  async throw(error?: unknown): Promise<IteratorResult<Out>> {
    await this.return();
    throw error;
  }

  [Symbol.asyncIterator]() {
    return this;
  }
}

/**
 * Runs `follow` over the changes of one id's topic, as one stream for a GraphQL subscription.
 * The bus listener is attached before `follow` starts and `follow` starts once the bus has it
 * live, so state read first in `follow` misses nothing. `nudges` (optional) registers a
 * callback that puts a `null` into the stream, telling `follow` to re-read the state; the
 * function it returns is called when the stream ends.
 */
export function followBus<Out>(
  bus: EventBus,
  topic: ConnectionTopic,
  id: string,
  follow: (changes: AsyncIterable<Nudged<ConnectionChanged>>) => AsyncIterable<Out>,
  nudges?: (nudge: () => void) => () => void,
): AsyncIterableIterator<Out> {
  let unregister: (() => void) | undefined;
  let unlisten: (() => void) | undefined;
  const inbox = new Inbox<ConnectionChanged>(() => {
    unlisten?.();
    unregister?.();
  });
  unlisten = bus.listen(topic, id, (change) => inbox.push(change));
  unregister = nudges?.(() => inbox.push(null));
  return new BusStream(bus, inbox, follow(inbox)[Symbol.asyncIterator]());
}
