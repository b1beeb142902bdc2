/**
 * Real (Node) implementations of the discovery dependencies. No `vscode` import here either,
 * so the tests can exercise `which` and `run` against the real machine too.
 */

import { spawn } from 'child_process';
import { promises as fs, constants as fsConstants } from 'fs';
import * as path from 'path';
import type { DiscoveryDeps, RunOptions, RunResult } from './discovery';

const MAX_OUTPUT = 64 * 1024;

export async function isExecutableFile(p: string, platform: NodeJS.Platform = process.platform): Promise<boolean> {
    try {
        const st = await fs.stat(p);
        if (!st.isFile()) {
            return false;
        }
        if (platform === 'win32') {
            return true;
        }
        await fs.access(p, fsConstants.X_OK);
        return true;
    } catch {
        return false;
    }
}

export async function isDirectory(p: string): Promise<boolean> {
    try {
        return (await fs.stat(p)).isDirectory();
    } catch {
        return false;
    }
}

/** A small `which`: search PATH (and PATHEXT on Windows) for an executable file. */
export async function which(
    command: string,
    env: NodeJS.ProcessEnv = process.env,
    platform: NodeJS.Platform = process.platform,
): Promise<string | undefined> {
    const pathVar = env.PATH ?? env.Path ?? '';
    const delimiter = platform === 'win32' ? ';' : ':';
    const dirs = pathVar.split(delimiter).filter((d) => d !== '');
    let exts = [''];
    if (platform === 'win32') {
        const pathext = (env.PATHEXT ?? '.COM;.EXE;.BAT;.CMD').split(';').filter((e) => e !== '');
        exts = path.extname(command) ? [''] : pathext;
    }
    for (const dir of dirs) {
        for (const ext of exts) {
            const candidate = path.join(dir, command + ext);
            if (await isExecutableFile(candidate, platform)) {
                return candidate;
            }
        }
    }
    return undefined;
}

/** Run a process without a shell; collect (bounded) output; never reject. */
export function run(command: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
    return new Promise((resolve) => {
        let stdout = '';
        let stderr = '';
        let settled = false;
        const finish = (r: RunResult): void => {
            if (!settled) {
                settled = true;
                clearTimeout(timer);
                resolve(r);
            }
        };
        let child: ReturnType<typeof spawn>;
        try {
            child = spawn(command, args, {
                cwd: options.cwd,
                env: options.env ?? process.env,
                stdio: ['ignore', 'pipe', 'pipe'],
                windowsHide: true,
                shell: false,
            });
        } catch (e) {
            resolve({ code: null, stdout: '', stderr: '', error: String(e) });
            return;
        }
        const timeoutMs = options.timeoutMs ?? 20000;
        const timer = setTimeout(() => {
            child.kill();
            finish({ code: null, stdout, stderr, error: `timed out after ${timeoutMs} ms / 超时` });
        }, timeoutMs);
        child.stdout?.setEncoding('utf8');
        child.stderr?.setEncoding('utf8');
        child.stdout?.on('data', (d: string) => {
            if (stdout.length < MAX_OUTPUT) {
                stdout += d;
            }
        });
        child.stderr?.on('data', (d: string) => {
            if (stderr.length < MAX_OUTPUT) {
                stderr += d;
            }
        });
        child.on('error', (e: NodeJS.ErrnoException) => {
            finish({ code: null, stdout, stderr, error: e.code ? `${e.code}: ${e.message}` : String(e) });
        });
        child.on('close', (code) => {
            finish({ code, stdout, stderr });
        });
    });
}

export function nodeDeps(log: (message: string) => void, env: NodeJS.ProcessEnv = process.env): DiscoveryDeps {
    return {
        isExecutableFile: (p) => isExecutableFile(p),
        isDirectory,
        which: (c) => which(c, env),
        run,
        log,
        platform: process.platform,
        env,
    };
}
