/** Grace after a faulted component answers again: requests already on their way may still fail. */
const GRACE_MS = 3_000;

interface Window {
  kind: string;
  from: number;
  to: number;
}

/** When faults were under way, so a failure can be told apart from one no fault explains. */
export class FaultLog {
  private readonly windows: Window[] = [];

  get count(): number {
    return this.windows.length;
  }

  open(kind: string): Window {
    const window = { kind, from: Date.now(), to: Number.POSITIVE_INFINITY };
    this.windows.push(window);
    return window;
  }

  close(window: Window): void {
    window.to = Date.now() + GRACE_MS;
  }

  /** Whether a request that ran from `start` to `end` overlapped a fault window. */
  covers(start: number, end: number): boolean {
    return this.windows.some((w) => start <= w.to && end >= w.from);
  }
}
