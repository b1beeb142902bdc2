/**
 * Defensive access to the Python extension (ms-python.python). It may be absent, disabled,
 * fail to activate, or expose an older API: every path returns undefined instead of throwing.
 */

import * as vscode from 'vscode';

const PYTHON_EXTENSION_ID = 'ms-python.python';

/* The slices of the API we use, typed loosely on purpose (it changes between releases). */
interface EnvironmentPath {
    id?: string;
    path?: string;
}
interface ResolvedEnvironment {
    executable?: { uri?: vscode.Uri };
}
interface PythonApi {
    ready?: Promise<void>;
    environments?: {
        getActiveEnvironmentPath?(resource?: vscode.Uri | vscode.WorkspaceFolder): EnvironmentPath | undefined;
        resolveEnvironment?(env: EnvironmentPath | string): Promise<ResolvedEnvironment | undefined>;
        onDidChangeActiveEnvironmentPath?: vscode.Event<unknown>;
    };
    settings?: {
        getExecutionDetails?(resource?: vscode.Uri): { execCommand?: string[] };
        onDidChangeExecutionDetails?: vscode.Event<unknown>;
    };
}

export function isPythonExtensionInstalled(): boolean {
    return vscode.extensions.getExtension(PYTHON_EXTENSION_ID) !== undefined;
}

async function getApi(log: (m: string) => void): Promise<PythonApi | undefined> {
    const ext = vscode.extensions.getExtension<PythonApi>(PYTHON_EXTENSION_ID);
    if (!ext) {
        log(`    Python extension (${PYTHON_EXTENSION_ID}) is not installed / 未安装 Python 扩展`);
        return undefined;
    }
    try {
        const api = ext.isActive ? ext.exports : await ext.activate();
        if (api && api.ready) {
            // Do not wait forever for the Python extension's environment discovery.
            await Promise.race([api.ready, new Promise((r) => setTimeout(r, 10000))]);
        }
        return api ?? undefined;
    } catch (e) {
        log(`    Python extension failed to activate: ${String(e)}`);
        return undefined;
    }
}

/**
 * The execCommand of the Python extension's active interpreter for `resource`
 * (usually `[pythonPath]`), or undefined.
 */
export async function activeInterpreter(
    resource: vscode.Uri | undefined,
    log: (m: string) => void,
): Promise<string[] | undefined> {
    const api = await getApi(log);
    if (!api) {
        return undefined;
    }
    try {
        const envs = api.environments;
        if (envs?.getActiveEnvironmentPath) {
            const envPath = envs.getActiveEnvironmentPath(resource);
            if (envPath) {
                if (envs.resolveEnvironment) {
                    const resolved = await envs.resolveEnvironment(envPath);
                    const exe = resolved?.executable?.uri?.fsPath;
                    if (exe) {
                        log(`    Python extension active interpreter: ${exe}`);
                        return [exe];
                    }
                }
                if (envPath.path) {
                    log(`    Python extension active environment path: ${envPath.path}`);
                    return [envPath.path];
                }
            }
        }
        const exec = api.settings?.getExecutionDetails?.(resource)?.execCommand;
        if (Array.isArray(exec) && exec.length > 0 && typeof exec[0] === 'string') {
            log(`    Python extension execCommand: ${exec.join(' ')}`);
            return exec;
        }
    } catch (e) {
        log(`    Python extension API error: ${String(e)}`);
    }
    return undefined;
}

/** Subscribe to interpreter changes, if the API offers an event. */
export async function onInterpreterChanged(
    listener: () => void,
    log: (m: string) => void,
): Promise<vscode.Disposable | undefined> {
    if (!isPythonExtensionInstalled()) {
        return undefined;
    }
    const api = await getApi(log);
    try {
        const event = api?.environments?.onDidChangeActiveEnvironmentPath ?? api?.settings?.onDidChangeExecutionDetails;
        return event ? event(() => listener()) : undefined;
    } catch {
        return undefined;
    }
}
