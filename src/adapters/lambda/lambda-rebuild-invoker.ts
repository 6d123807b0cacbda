import { InvokeCommand, type InvokeCommandOutput } from '@aws-sdk/client-lambda';

/** What the rebuild function is invoked with (src/lambda/rebuild-handler.ts). */
export interface RebuildEvent {
  projection: string;
  /** The job to work on; absent: the function starts (or resumes) one itself. */
  jobId?: string;
  /** The job revision the previous worker handed over with. */
  handover?: number;
  /** With no `jobId`: give up a job that is not done and start again. */
  restart?: boolean;
}

export interface LambdaClientLike {
  send(command: InvokeCommand): Promise<InvokeCommandOutput>;
}

/**
 * Invokes the rebuild function asynchronously (InvocationType Event): Lambda queues the event and
 * answers 202 at once, so neither API Gateway's 29 s nor a laptop waits for a rebuild. Lambda retries
 * a failed asynchronous invocation twice; the job record makes a retry resume, not repeat.
 */
export class LambdaRebuildInvoker {
  constructor(
    private readonly client: LambdaClientLike,
    /** The function's name or ARN. */
    private readonly functionName: string,
  ) {}

  async invoke(event: RebuildEvent): Promise<void> {
    const out = await this.client.send(
      new InvokeCommand({ FunctionName: this.functionName, InvocationType: 'Event', Payload: new TextEncoder().encode(JSON.stringify(event)) }),
    );
    if (out.StatusCode !== 202) throw new Error(`Lambda did not queue the rebuild of ${event.projection} on ${this.functionName} (status ${String(out.StatusCode)})`);
  }
}
