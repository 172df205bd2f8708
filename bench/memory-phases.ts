import fs from 'node:fs';

/** Resident memory of one phase of a bench, in MiB: its peak, and what was left when it ended. */
export interface PhaseMemory {
  readonly peakMiB: number;
  readonly endMiB: number;
}

const STATUS = '/proc/self/status';

/**
 * Peak resident memory of this process (its worker threads included: they share it) phase by phase.
 * On Linux the kernel's high-water mark (VmHWM) is reset at each phase's start (writing 5 to
 * /proc/self/clear_refs), so a phase's peak is its own and not an earlier phase's; elsewhere the
 * figure is the process's peak so far (`maxRSS`), which only says more than the phase used.
 */
export class MemoryPhases {
  readonly #resettable: boolean;

  constructor() {
    this.#resettable = resetPeak();
  }

  /** True when each phase's peak is its own (Linux), false when it is the process's peak so far. */
  get perPhase(): boolean {
    return this.#resettable;
  }

  /** Starts a phase: the peak counts from here. */
  start(): void {
    if (this.#resettable) resetPeak();
  }

  /** The peak since `start` and the memory resident now. */
  end(): PhaseMemory {
    const status = readStatus();
    const rss = process.memoryUsage().rss / 2 ** 20;
    const peak = this.#resettable && status ? kib(status, 'VmHWM') / 1024 : process.resourceUsage().maxRSS / 1024;
    return { peakMiB: Math.round(Math.max(peak, rss)), endMiB: Math.round(rss) };
  }

  /** Resident memory once the garbage collector ran (bench runs with --expose-gc) and freed pages went back. */
  async atRest(): Promise<number> {
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    await new Promise((resolve) => setTimeout(resolve, 200));
    gc?.();
    return Math.round(process.memoryUsage().rss / 2 ** 20);
  }
}

function resetPeak(): boolean {
  try {
    fs.writeFileSync('/proc/self/clear_refs', '5');
    return readStatus() !== null;
  } catch {
    return false;
  }
}

function readStatus(): string | null {
  try {
    return fs.readFileSync(STATUS, 'utf8');
  } catch {
    return null;
  }
}

function kib(status: string, field: string): number {
  return Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
}
