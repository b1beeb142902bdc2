/**
 * Server discovery: decide which command starts the xxgk-lint language server.
 *
 * This module must not import `vscode`: everything it needs from the outside world
 * (file checks, PATH look-ups, running a process, logging) comes in through
 * {@link DiscoveryDeps}, so the unit tests run under plain Node with fakes.
 *
 * Order (each step is logged, and every attempt is recorded for the error message):
 *   (a) `xxgkLint.server.path` — an explicit command + args; the executable must exist.
 *   (b) a Python environment that has xxgk-lint installed. Candidate interpreters, in order:
 *       `xxgkLint.python.interpreterPath`, the Python extension's active interpreter,
 *       `python3` / `python` on PATH (Windows: `python`, `py -3`). For each, we run
 *       `<python> -c "import xxgk_lint.lsp, xxgk_lint.linter"`; if that works we launch
 *       `<python> -m xxgk_lint.lsp`.
 *       If the import fails but an `xxgk-lint` script sits next to the interpreter
 *       (a venv's bin/ or Scripts/), we launch `<script> lsp`.
 *   (b') an `xxgk-lint` console script on PATH (pipx / uv tool installs) → `xxgk-lint lsp`.
 *   (c) the copy bundled in the .vsix (`bundled/libs`), run as `<python> -m xxgk_lint.lsp` with
 *       PYTHONPATH=bundled/libs, using the first candidate interpreter that can import it.
 * If nothing works the result lists every attempt and why it failed.
 */

import * as path from 'path';

/** One way to run a Python interpreter (a path, or a launcher plus arguments such as `py -3`). */
export interface PythonCandidate {
    command: string;
    args: string[];
    /** Where it came from, for the log: "xxgkLint.python.interpreterPath", "Python extension", "PATH". */
    origin: string;
}

export interface RunResult {
    /** Exit code; null when the process could not be started or was killed (timeout). */
    code: number | null;
    stdout: string;
    stderr: string;
    /** Spawn error (ENOENT, EACCES, timeout …), if any. */
    error?: string;
}

export interface RunOptions {
    cwd?: string;
    env?: NodeJS.ProcessEnv;
    timeoutMs?: number;
}

export interface DiscoveryDeps {
    /** true when `p` is an existing regular file we may execute (on Windows: exists). */
    isExecutableFile(p: string): Promise<boolean>;
    /** true when `p` is an existing directory. */
    isDirectory(p: string): Promise<boolean>;
    /** Resolve a bare command name on PATH (honouring PATHEXT on Windows); undefined if absent. */
    which(command: string): Promise<string | undefined>;
    /** Run a short-lived process and collect its output. Never rejects. */
    run(command: string, args: string[], options: RunOptions): Promise<RunResult>;
    /** Log one line to the "xxgk-lint" output channel. */
    log(message: string): void;
    platform: NodeJS.Platform;
    /** The environment the server will inherit (process.env in production). */
    env: NodeJS.ProcessEnv;
}

export interface DiscoveryInput {
    /** `xxgkLint.server.path` (command + args). Empty or undefined = not configured. */
    serverPath?: string[];
    /** `xxgkLint.python.interpreterPath`. Empty or undefined = not configured. */
    interpreterPath?: string;
    /**
     * The Python extension's active interpreter (execCommand: path, maybe followed by args),
     * or undefined when the extension is absent or has no selection. A function so that the
     * (possibly slow) extension API is only asked when discovery gets that far.
     */
    pythonExtensionInterpreter?: () => Promise<string[] | undefined>;
    /** Absolute path of `<extension>/bundled/libs`. */
    bundledLibsDir: string;
    /** Working directory for the checks and the server (the extension's folder: never the workspace). */
    cwd: string;
    /** Values for `${workspaceFolder}` / `${userHome}` / `~` expansion in configured paths. */
    variables?: { workspaceFolder?: string; userHome?: string };
    /** Per-check timeout; importing the package the first time can be slow (bytecode compilation). */
    checkTimeoutMs?: number;
}

export type DiscoverySource = 'configured' | 'environment' | 'path' | 'bundled';

export interface ServerCommand {
    command: string;
    args: string[];
    /** Extra environment (PYTHONPATH for the bundled copy), merged over the inherited one. */
    env?: Record<string, string>;
    cwd: string;
    source: DiscoverySource;
    /** Human-readable summary, e.g. "/venv/bin/python -m xxgk_lint.lsp (Python extension)". */
    description: string;
}

export interface Attempt {
    step: string;
    /** What was tried, e.g. a command line. */
    what: string;
    ok: boolean;
    /** Why it was rejected (only when !ok). */
    reason?: string;
}

export type DiscoveryResult =
    | { ok: true; server: ServerCommand; attempts: Attempt[] }
    | { ok: false; attempts: Attempt[] };

/**
 * Python snippet: import the two subpackages of the `xxgk_lint` namespace package, make sure
 * `python -m xxgk_lint.lsp` can run, and print the version (`xxgk_lint.linter.__version__`),
 * where `xxgk_lint.lsp` was found and the Python version (for the log).
 */
export const IMPORT_CHECK =
    'import sys, importlib.util, xxgk_lint.lsp, xxgk_lint.linter\n' +
    'if importlib.util.find_spec("xxgk_lint.lsp.__main__") is None:\n' +
    '    sys.exit("this xxgk_lint.lsp package has no __main__: not the xxgk-lint server")\n' +
    'v = getattr(xxgk_lint.linter, "__version__", "unknown")\n' +
    'print(v, getattr(xxgk_lint.lsp, "__file__", "?"), sys.version.split()[0])';

/** The import check as shown in the log and in the attempts listed by {@link notFoundMessage}. */
const IMPORT_CHECK_SHOWN = 'import xxgk_lint.lsp, xxgk_lint.linter';

/** Arguments (after the interpreter's own) that start the server. */
const SERVER_MODULE_ARGS = ['-m', 'xxgk_lint.lsp'];

const DEFAULT_CHECK_TIMEOUT_MS = 20000;

/** Quote a command line for the log (not for a shell). */
export function formatCommand(command: string, args: string[]): string {
    return [command, ...args].map((a) => (/[\s"']/.test(a) || a === '' ? JSON.stringify(a) : a)).join(' ');
}

/** Expand `~`, `${userHome}` and `${workspaceFolder}` in a configured path. */
export function expandVariables(value: string, variables: DiscoveryInput['variables'] = {}): string {
    let out = value;
    if (variables.userHome) {
        out = out.replace(/\$\{userHome\}/g, variables.userHome);
        if (out === '~' || out.startsWith('~/') || out.startsWith('~\\')) {
            out = variables.userHome + out.slice(1);
        }
    }
    if (variables.workspaceFolder) {
        out = out.replace(/\$\{workspaceFolder\}/g, variables.workspaceFolder);
    }
    return out;
}

function hasPathSeparator(p: string): boolean {
    return p.includes('/') || p.includes('\\');
}

function lastLine(text: string, max = 300): string {
    const lines = text.trim().split(/\r?\n/).filter((l) => l.trim() !== '');
    const line = lines.length ? lines[lines.length - 1] : '';
    return line.length > max ? line.slice(0, max) + '…' : line;
}

function describeFailure(r: RunResult): string {
    if (r.error) {
        return r.error;
    }
    const detail = lastLine(r.stderr) || lastLine(r.stdout);
    return `exit code ${r.code}${detail ? `: ${detail}` : ''}`;
}

/** Names of console scripts next to an interpreter (venv bin/ or Scripts/). */
function siblingScripts(python: string, platform: NodeJS.Platform): string[] {
    const p = platform === 'win32' ? path.win32 : path.posix;
    const dir = p.dirname(python);
    if (platform === 'win32') {
        // python.exe lives in the venv's Scripts\ (venv) or next to Scripts\ (base install).
        return [p.join(dir, 'xxgk-lint.exe'), p.join(dir, 'Scripts', 'xxgk-lint.exe')];
    }
    return [p.join(dir, 'xxgk-lint')];
}

export async function findServer(input: DiscoveryInput, deps: DiscoveryDeps): Promise<DiscoveryResult> {
    const attempts: Attempt[] = [];
    const timeoutMs = input.checkTimeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
    const cwd = input.cwd;
    const record = (a: Attempt): void => {
        attempts.push(a);
        deps.log(a.ok ? `  ✓ ${a.what}` : `  ✗ ${a.what} — ${a.reason}`);
    };

    /** Resolve a command: a path must be an executable file; a bare name is looked up on PATH. */
    const resolveExecutable = async (command: string): Promise<{ path?: string; reason?: string }> => {
        if (hasPathSeparator(command) || path.isAbsolute(command)) {
            return (await deps.isExecutableFile(command))
                ? { path: command }
                : { reason: 'file not found or not executable / 文件不存在或不可执行' };
        }
        const found = await deps.which(command);
        return found ? { path: found } : { reason: 'not found on PATH / PATH 中未找到' };
    };

    // ---- (a) explicit server command -------------------------------------------------
    const configured = (input.serverPath ?? []).filter((s) => typeof s === 'string' && s.trim() !== '');
    if (configured.length > 0) {
        deps.log('(a) xxgkLint.server.path is set / 已设置 xxgkLint.server.path');
        const [cmd, ...args] = configured.map((s) => expandVariables(s, input.variables));
        const resolved = await resolveExecutable(cmd);
        const what = `xxgkLint.server.path: ${formatCommand(cmd, args)}`;
        if (resolved.path) {
            record({ step: 'a', what, ok: true });
            return {
                ok: true,
                attempts,
                server: {
                    command: resolved.path,
                    args,
                    cwd,
                    source: 'configured',
                    description: `${formatCommand(resolved.path, args)} (xxgkLint.server.path)`,
                },
            };
        }
        record({ step: 'a', what, ok: false, reason: resolved.reason });
        deps.log('    falling back to automatic discovery / 改为自动查找');
    } else {
        deps.log('(a) xxgkLint.server.path is not set / 未设置 xxgkLint.server.path');
    }

    // ---- collect candidate interpreters ----------------------------------------------
    deps.log('(b) looking for xxgk-lint in a Python environment / 在 Python 环境中查找 xxgk-lint');
    const candidates: PythonCandidate[] = [];
    const configuredInterpreter = (input.interpreterPath ?? '').trim();
    if (configuredInterpreter) {
        candidates.push({
            command: expandVariables(configuredInterpreter, input.variables),
            args: [],
            origin: 'xxgkLint.python.interpreterPath',
        });
    }
    if (input.pythonExtensionInterpreter) {
        let exec: string[] | undefined;
        try {
            exec = await input.pythonExtensionInterpreter();
        } catch (e) {
            deps.log(`    Python extension API failed: ${String(e)}`);
        }
        if (exec && exec.length > 0 && exec[0]) {
            candidates.push({ command: exec[0], args: exec.slice(1), origin: 'Python extension' });
        } else {
            deps.log('    Python extension: no active interpreter (or extension not installed)');
        }
    }
    const pathNames: Array<[string, string[]]> =
        deps.platform === 'win32'
            ? [['python', []], ['py', ['-3']]]
            : [['python3', []], ['python', []]];
    for (const [name, args] of pathNames) {
        candidates.push({ command: name, args, origin: 'PATH' });
    }

    // Resolve each candidate once; remember the usable ones for the bundled step.
    const usable: Array<PythonCandidate & { resolved: string }> = [];
    const seen = new Set<string>();
    for (const c of candidates) {
        const label = `${formatCommand(c.command, c.args)} (${c.origin})`;
        const resolved = await resolveExecutable(c.command);
        if (!resolved.path) {
            record({ step: 'b', what: `interpreter ${label}`, ok: false, reason: resolved.reason });
            continue;
        }
        const key = `${resolved.path}\u0000${c.args.join('\u0000')}`;
        if (seen.has(key)) {
            deps.log(`    ${label}: same as an interpreter already tried`);
            continue;
        }
        seen.add(key);
        usable.push({ ...c, resolved: resolved.path });

        const check = await deps.run(resolved.path, [...c.args, '-c', IMPORT_CHECK], { cwd, env: deps.env, timeoutMs });
        const what = `${formatCommand(resolved.path, [...c.args, '-c', IMPORT_CHECK_SHOWN])} (${c.origin})`;
        if (check.code === 0 && !check.error) {
            record({ step: 'b', what, ok: true });
            const info = lastLine(check.stdout);
            if (info) {
                deps.log(`    xxgk-lint version, xxgk_lint.lsp location, Python version: ${info}`);
            }
            const args = [...c.args, ...SERVER_MODULE_ARGS];
            return {
                ok: true,
                attempts,
                server: {
                    command: resolved.path,
                    args,
                    cwd,
                    source: 'environment',
                    description: `${formatCommand(resolved.path, args)} (${c.origin})`,
                },
            };
        }
        record({ step: 'b', what, ok: false, reason: describeFailure(check) });

        // A console script next to the interpreter means xxgk-lint is installed in that
        // environment even though the import check failed (e.g. a shadowing folder).
        for (const script of siblingScripts(resolved.path, deps.platform)) {
            if (await deps.isExecutableFile(script)) {
                record({ step: 'b', what: `${script} (next to ${c.origin} interpreter)`, ok: true });
                return {
                    ok: true,
                    attempts,
                    server: {
                        command: script,
                        args: ['lsp'],
                        cwd,
                        source: 'environment',
                        description: `${formatCommand(script, ['lsp'])} (next to the ${c.origin} interpreter)`,
                    },
                };
            }
        }
    }

    // ---- (b') a console script on PATH (pipx, uv tool, a user install) ---------------
    const onPath = await deps.which(deps.platform === 'win32' ? 'xxgk-lint.exe' : 'xxgk-lint');
    if (onPath) {
        record({ step: 'b', what: `xxgk-lint on PATH: ${onPath}`, ok: true });
        return {
            ok: true,
            attempts,
            server: {
                command: onPath,
                args: ['lsp'],
                cwd,
                source: 'path',
                description: `${formatCommand(onPath, ['lsp'])} (PATH)`,
            },
        };
    }
    record({ step: 'b', what: 'xxgk-lint on PATH', ok: false, reason: 'not found on PATH / PATH 中未找到' });

    // ---- (c) the copy bundled in the .vsix ------------------------------------------
    deps.log(`(c) bundled copy / 扩展自带的副本: ${input.bundledLibsDir}`);
    if (!(await deps.isDirectory(input.bundledLibsDir))) {
        record({
            step: 'c',
            what: `bundled server ${input.bundledLibsDir}`,
            ok: false,
            reason: 'this .vsix was built without a bundled server / 此安装包未附带服务器',
        });
    } else if (usable.length === 0) {
        record({
            step: 'c',
            what: `bundled server ${input.bundledLibsDir}`,
            ok: false,
            reason: 'no Python interpreter found to run it / 没有可用的 Python 解释器',
        });
    } else {
        const existing = deps.env.PYTHONPATH;
        const delimiter = deps.platform === 'win32' ? ';' : ':';
        const pythonPath = existing ? `${input.bundledLibsDir}${delimiter}${existing}` : input.bundledLibsDir;
        const env: Record<string, string> = { PYTHONPATH: pythonPath };
        for (const c of usable) {
            const check = await deps.run(c.resolved, [...c.args, '-c', IMPORT_CHECK], {
                cwd,
                env: { ...deps.env, ...env },
                timeoutMs,
            });
            const what = `PYTHONPATH=${input.bundledLibsDir} ${formatCommand(c.resolved, [...c.args, '-c', IMPORT_CHECK_SHOWN])} (${c.origin})`;
            if (check.code === 0 && !check.error) {
                record({ step: 'c', what, ok: true });
                const args = [...c.args, ...SERVER_MODULE_ARGS];
                return {
                    ok: true,
                    attempts,
                    server: {
                        command: c.resolved,
                        args,
                        env,
                        cwd,
                        source: 'bundled',
                        description: `${formatCommand(c.resolved, args)} with PYTHONPATH=${input.bundledLibsDir} (bundled)`,
                    },
                };
            }
            record({ step: 'c', what, ok: false, reason: describeFailure(check) });
        }
    }

    deps.log('No xxgk-lint server found / 未找到 xxgk-lint 服务器');
    return { ok: false, attempts };
}

/** Bilingual message for the error notification. Lists what was tried, briefly. */
export function notFoundMessage(attempts: Attempt[], maxItems = 6): string {
    const tried = attempts.filter((a) => !a.ok).map((a) => a.what);
    const shown = tried.slice(0, maxItems).join('; ');
    const more = tried.length > maxItems ? `; … (+${tried.length - maxItems})` : '';
    return (
        '未找到 xxgk-lint 语言服务器。请从仓库安装（`pipx install git+<仓库地址>`，或在仓库目录中运行 `pip install .`），' +
        '或在设置 xxgkLint.server.path 中指定启动命令。' +
        ' / xxgk-lint language server not found. Install it from the repository (`pipx install git+<repository URL>`,' +
        ' or `pip install .` in a checkout), or set `xxgkLint.server.path`.' +
        (shown ? ` 已尝试 / Tried: ${shown}${more}` : '')
    );
}
