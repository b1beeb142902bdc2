/**
 * Route the server's stderr lines to the right level of the log output channel. Python's
 * logging writes "LEVEL:logger:message" (or a custom format containing the level name);
 * a traceback is an error from its first line to the exception line that ends it.
 */

export type Level = 'error' | 'warn' | 'info' | 'debug' | 'trace';

export class StderrClassifier {
    private inTraceback = false;

    level(line: string): Level {
        if (/^Traceback \(most recent call last\):/.test(line)) {
            this.inTraceback = true;
            return 'error';
        }
        if (this.inTraceback) {
            // Indented lines (File "…", code, ^^^^) and "During handling…" belong to the traceback;
            // the first unindented line is the exception itself and ends it.
            if (!/^\s/.test(line) && !/^(During handling|The above exception)/.test(line) && line.trim() !== '') {
                this.inTraceback = false;
            }
            return 'error';
        }
        if (/\b(CRITICAL|FATAL|ERROR)\b/.test(line)) {
            return 'error';
        }
        if (/\bWARN(ING)?\b/.test(line)) {
            return 'warn';
        }
        if (/\bDEBUG\b/.test(line)) {
            return 'debug';
        }
        return 'info';
    }
}
