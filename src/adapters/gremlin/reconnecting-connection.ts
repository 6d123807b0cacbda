import gremlin from 'gremlin';

const { DriverRemoteConnection } = gremlin.driver;

/** Makes the headers of one WebSocket handshake (e.g. a SigV4 signature for Neptune IAM). */
export type HandshakeHeaders = () => Record<string, string> | Promise<Record<string, string>>;

/** One connection being opened, then open: the requests that arrive meanwhile share it. */
type Attempt = {
  /** Set once the handshake succeeded. */
  connection: gremlin.RemoteConnection | undefined;
  ready: Promise<gremlin.RemoteConnection>;
};

/**
 * A Gremlin connection that makes its handshake headers anew for every WebSocket it opens, for
 * servers that check a short-lived signature at the handshake only: Neptune with IAM refuses SigV4
 * signatures older than 5 minutes. A `DriverRemoteConnection` whose WebSocket drops reopens it, on
 * the next request, with the headers it was built with, which Neptune then refuses with a 403 for as
 * long as the process lives.
 *
 * So no request goes out on a connection that has closed: it goes on a new `DriverRemoteConnection`
 * with freshly made headers, one handshake shared by every request that arrives while it runs. Why
 * no request is ever retried: a request that failed on an open connection may have run on the server,
 * and not every traversal is safe to run twice (the social graph's generation switch answers the
 * generation it replaced); one that failed at the handshake never left, but the handshake was already
 * the one attempt with fresh headers. Either way the error reaches the caller (the projection runner
 * retries with backoff; reads answer 503), and the next request makes one more attempt: one handshake
 * per request at most, never a loop.
 *
 * Not handled: a handshake the server never answers holds its attempt, and every request that joins
 * it, until the operating system gives up on the socket (the driver sets no handshake deadline;
 * callers still get their request timeout).
 */
export class ReconnectingConnection implements gremlin.RemoteConnection {
  private attempt: Attempt | undefined;
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly headers: HandshakeHeaders,
  ) {}

  get isOpen(): boolean {
    return this.attempt?.connection?.isOpen ?? false;
  }

  async open(): Promise<void> {
    await this.connection();
  }

  async submit(bytecode: unknown): Promise<unknown> {
    const connection = await this.connection();
    return connection.submit(bytecode);
  }

  /** Closes the current connection; later requests fail instead of opening another. */
  async close(): Promise<void> {
    this.closed = true;
    const last = this.attempt;
    this.attempt = undefined;
    if (last) await last.ready.then((connection) => connection.close(), () => undefined);
  }

  private connection(): Promise<gremlin.RemoteConnection> {
    if (this.closed) return Promise.reject(new Error(`the Gremlin connection to ${this.url} is closed`));
    const current = this.attempt;
    if (current && (current.connection === undefined || current.connection.isOpen)) return current.ready;
    // None yet, or it has closed since: the driver would reopen it with the old, perhaps expired, headers.
    const next = this.connect();
    this.attempt = next;
    return next.ready;
  }

  private connect(): Attempt {
    const attempt: Attempt = { connection: undefined, ready: this.handshake() };
    void attempt.ready.then(
      (connection) => {
        attempt.connection = connection;
      },
      // Forgotten before its waiters hear of the failure, so the next request starts afresh.
      () => {
        if (this.attempt === attempt) this.attempt = undefined;
      },
    );
    return attempt;
  }

  private async handshake(): Promise<gremlin.RemoteConnection> {
    let headers: Record<string, string>;
    try {
      headers = await this.headers();
    } catch (error) {
      throw new Error(`could not make the handshake headers for ${this.url}: ${reason(error)}`, { cause: error });
    }
    // A copy: the driver adds its User-Agent to the object it is given.
    const connection = new DriverRemoteConnection(this.url, { headers: { ...headers } });
    try {
      await connection.open();
    } catch (error) {
      throw new Error(`could not open a Gremlin connection to ${this.url} with fresh handshake headers: ${reason(error)}`, { cause: error });
    }
    return connection;
  }
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
