/**
 * What to do when the server's connection closes. Pure (no vscode), unit-tested.
 *  - A server that never got to "running" (crashed during start: bad install, import error)
 *    is not restarted: restarting would only repeat the same traceback five times.
 *  - A server that was running is restarted, unless it crashed `maxCrashes` times within
 *    `windowMs` (like vscode-languageclient's default: 5 times in 3 minutes).
 */

export type CloseDecision = 'restart' | 'neverStarted' | 'tooManyCrashes';

export class RestartPolicy {
    private crashes: number[] = [];
    private running = false;

    constructor(
        private readonly maxCrashes = 5,
        private readonly windowMs = 3 * 60 * 1000,
        private readonly now: () => number = Date.now,
    ) {}

    /** Call when the client reaches the Running state. */
    markRunning(): void {
        this.running = true;
    }

    onClosed(): CloseDecision {
        if (!this.running) {
            return 'neverStarted';
        }
        const t = this.now();
        this.crashes = this.crashes.filter((c) => t - c < this.windowMs);
        this.crashes.push(t);
        if (this.crashes.length >= this.maxCrashes) {
            return 'tooManyCrashes';
        }
        // The next start has to reach Running again to earn another restart.
        this.running = false;
        return 'restart';
    }
}
