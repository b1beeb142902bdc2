/**
 * xxgk-lint VS Code client: finds the Python language server (see discovery.ts), starts it over
 * stdio with vscode-languageclient, keeps it configured, and explains in the "xxgk-lint" output
 * channel why it did or did not find it.
 */

import * as os from 'os';
import * as path from 'path';
import * as readline from 'readline';
import * as vscode from 'vscode';
import {
    CloseAction,
    ErrorAction,
    LanguageClient,
    LanguageClientOptions,
    RevealOutputChannelOn,
    ServerOptions,
    State,
    TransportKind,
} from 'vscode-languageclient/node';
import { DiscoveryResult, findServer, notFoundMessage, ServerCommand } from './discovery';
import { FIX_ALL_COMMAND, fixAllArguments } from './fixAll';
import { LanguageModeSwitcher } from './languageMode';
import { nodeDeps } from './nodeDeps';
import { activeInterpreter, onInterpreterChanged } from './pythonExtension';
import { SERVED_LANGUAGES } from './reportDetection';
import { RestartPolicy } from './restartPolicy';
import { StderrClassifier } from './stderr';

const CLIENT_ID = 'xxgkLint';
const CLIENT_NAME = 'xxgk-lint';
const SECTION = 'xxgkLint';
/** Settings that change which server is started: a change restarts it. */
const SERVER_SETTINGS = ['xxgkLint.server.path', 'xxgkLint.python.interpreterPath'];
const SHOW_OUTPUT = '显示输出 / Show Output';
const OPEN_SETTINGS = '打开设置 / Open Settings';

type Status = 'starting' | 'running' | 'stopped' | 'notFound' | 'failed';

let output: vscode.LogOutputChannel;
let statusItem: vscode.StatusBarItem;
let client: LanguageClient | undefined;
let clientDisposables: vscode.Disposable[] = [];
let currentServer: ServerCommand | undefined;
let extensionPath = '';
/** Serialises start/stop/restart so that overlapping triggers cannot start two servers. */
let queue: Promise<void> = Promise.resolve();
let restartTimer: NodeJS.Timeout | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
    extensionPath = context.extensionPath;
    output = vscode.window.createOutputChannel(CLIENT_NAME, { log: true });
    const version = (context.extension.packageJSON as { version?: string }).version ?? '?';
    output.info(`xxgk-lint extension ${version} activating (VS Code ${vscode.version}, ${process.platform})`);

    statusItem = vscode.window.createStatusBarItem('xxgkLint.status', vscode.StatusBarAlignment.Right, 100);
    statusItem.name = 'xxgk-lint';
    statusItem.command = 'xxgkLint.showOutput';
    setStatus('starting');

    context.subscriptions.push(
        output,
        statusItem,
        vscode.commands.registerCommand('xxgkLint.restartServer', () => enqueue(restart)),
        vscode.commands.registerCommand('xxgkLint.showOutput', () => output.show(true)),
        vscode.window.onDidChangeActiveTextEditor(() => updateStatusVisibility()),
        vscode.workspace.onDidChangeConfiguration((e) => {
            if (SERVER_SETTINGS.some((s) => e.affectsConfiguration(s))) {
                output.info('Server settings changed; restarting / 服务器设置已更改，正在重启');
                scheduleRestart();
            }
        }),
        vscode.workspace.onDidGrantWorkspaceTrust(() => {
            output.info('Workspace trusted; re-reading workspace server settings / 工作区已受信任');
            scheduleRestart();
        }),
        new LanguageModeSwitcher((m) => output.info(m)).register(),
        { dispose: () => void stopClient() },
    );

    await enqueue(start);

    // Follow the Python extension's interpreter selection, unless the user pinned a command.
    if (currentServer?.source !== 'configured') {
        const sub = await onInterpreterChanged(() => {
            output.info('Python interpreter changed; restarting / Python 解释器已更改，正在重启');
            scheduleRestart();
        }, (m) => output.info(m));
        if (sub) {
            context.subscriptions.push(sub);
        }
    }
}

export async function deactivate(): Promise<void> {
    clearTimeout(restartTimer);
    await stopClient();
}

function enqueue(task: () => Promise<void>): Promise<void> {
    queue = queue.then(task, task).catch((e) => output.error(`Unexpected error: ${String(e)}`));
    return queue;
}

function scheduleRestart(): void {
    clearTimeout(restartTimer);
    restartTimer = setTimeout(() => void enqueue(restart), 500);
}

async function restart(): Promise<void> {
    output.info('Restarting the server / 正在重启服务器');
    await stopClient();
    await start();
}

/**
 * Read a setting that decides what program we execute. In an untrusted (Restricted Mode)
 * workspace, a value from the workspace's own settings could run arbitrary code, so only the
 * user-level value counts there.
 */
function executionSetting<T>(config: vscode.WorkspaceConfiguration, key: string, fallback: T): T {
    if (vscode.workspace.isTrusted) {
        return config.get<T>(key, fallback);
    }
    const info = config.inspect<T>(key);
    if (info && (info.workspaceValue !== undefined || info.workspaceFolderValue !== undefined)) {
        output.warn(
            `Restricted Mode: ignoring the workspace value of xxgkLint.${key} (trust the workspace to use it) / ` +
                `受限模式：忽略工作区设置 xxgkLint.${key}`,
        );
    }
    return info?.globalValue ?? info?.defaultValue ?? fallback;
}

/** The whole `xxgkLint` settings object as plain JSON (what the server gets at start). */
function settingsObject(): Record<string, unknown> {
    const config = vscode.workspace.getConfiguration(SECTION);
    return JSON.parse(JSON.stringify(config)) as Record<string, unknown>;
}

async function discover(): Promise<DiscoveryResult> {
    const config = vscode.workspace.getConfiguration(SECTION);
    const serverPath = executionSetting<string[]>(config, 'server.path', []);
    const interpreterPath = executionSetting<string>(config, 'python.interpreterPath', '');
    const folder = vscode.workspace.workspaceFolders?.[0];
    const log = (m: string): void => output.info(m);
    const started = Date.now();
    output.info('Looking for the xxgk-lint language server / 正在查找 xxgk-lint 语言服务器');
    const result = await findServer(
        {
            serverPath: Array.isArray(serverPath) ? serverPath : [],
            interpreterPath: typeof interpreterPath === 'string' ? interpreterPath : '',
            pythonExtensionInterpreter: vscode.workspace.isTrusted
                ? () => activeInterpreter(folder?.uri, log)
                : async () => {
                      log('    Restricted Mode: not asking the Python extension (its interpreter may come from the workspace)');
                      return undefined;
                  },
            bundledLibsDir: path.join(extensionPath, 'bundled', 'libs'),
            // Never the workspace folder: `python -m xxgk_lint.lsp` would import a folder named
            // `xxgk_lint` from it.
            cwd: extensionPath,
            variables: { workspaceFolder: folder?.uri.fsPath, userHome: os.homedir() },
        },
        nodeDeps(log),
    );
    output.info(`Discovery took ${Date.now() - started} ms`);
    return result;
}

async function start(): Promise<void> {
    setStatus('starting');
    const result = await discover();
    if (!result.ok) {
        currentServer = undefined;
        setStatus('notFound');
        const message = notFoundMessage(result.attempts);
        output.error(message);
        void vscode.window.showErrorMessage(message, SHOW_OUTPUT, OPEN_SETTINGS).then((choice) => {
            if (choice === SHOW_OUTPUT) {
                output.show(true);
            } else if (choice === OPEN_SETTINGS) {
                void vscode.commands.executeCommand('workbench.action.openSettings', 'xxgkLint');
            }
        });
        return;
    }

    const server = result.server;
    currentServer = server;
    output.info(`Starting server / 启动服务器: ${server.description}`);

    const serverOptions: ServerOptions = {
        command: server.command,
        args: server.args,
        transport: TransportKind.stdio,
        options: {
            cwd: server.cwd,
            // Merged over process.env by vscode-languageclient.
            env: { PYTHONIOENCODING: 'utf-8', ...(server.env ?? {}) },
        },
    };

    const watcher = vscode.workspace.createFileSystemWatcher('**/{pyproject.toml,xxgk-lint.toml}');
    clientDisposables.push(watcher);

    const documentSelector = SERVED_LANGUAGES.flatMap((language) => [
        { scheme: 'file', language },
        { scheme: 'untitled', language },
    ]);

    const policy = new RestartPolicy();
    const clientOptions: LanguageClientOptions = {
        documentSelector,
        outputChannel: output,
        revealOutputChannelOn: RevealOutputChannelOn.Never,
        initializationOptions: { settings: settingsObject() },
        synchronize: {
            configurationSection: SECTION,
            fileEvents: watcher,
        },
        stdioOptions: {
            stdout: (input, channel) => {
                readline.createInterface({ input, crlfDelay: Infinity, terminal: false }).on('line', (l) => channel.info(l));
            },
            // Python logs everything to stderr; only real errors should be marked as such.
            stderr: (input, channel) => {
                const classifier = new StderrClassifier();
                readline
                    .createInterface({ input, crlfDelay: Infinity, terminal: false })
                    .on('line', (l) => channel[classifier.level(l)](`[server] ${l}`));
            },
        },
        errorHandler: {
            error: (_error, _message, count) => ({
                action: count !== undefined && count <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown,
            }),
            closed: () => {
                switch (policy.onClosed()) {
                    case 'restart':
                        output.warn('The server stopped unexpectedly; restarting / 服务器意外退出，正在重启');
                        return { action: CloseAction.Restart, handled: true };
                    case 'neverStarted':
                        // start() rejects and we show one notification there.
                        return { action: CloseAction.DoNotRestart, handled: true };
                    case 'tooManyCrashes':
                        return {
                            action: CloseAction.DoNotRestart,
                            message:
                                'xxgk-lint 服务器在 3 分钟内崩溃了 5 次，已停止重启；修复后请运行“重启 xxgk-lint 服务器”。' +
                                ' / The xxgk-lint server crashed 5 times in 3 minutes and will not be restarted; run "Restart Server" after fixing it.',
                        };
                }
            },
        },
        middleware: {
            // vscode-languageclient registers the server's commands as VS Code commands; run from
            // the command palette, `xxgk-lint.fixAll` gets no arguments: fix the active editor.
            executeCommand: async (command, args, next) => {
                if (command !== FIX_ALL_COMMAND) {
                    return next(command, args);
                }
                const editor = vscode.window.activeTextEditor;
                const active = editor ? { uri: editor.document.uri.toString(), version: editor.document.version } : undefined;
                const fixArgs = fixAllArguments(args, active);
                if (!fixArgs) {
                    void vscode.window.showInformationMessage('xxgk-lint：请先打开一份报告，再运行“修复所有可自动修复的问题”。');
                    return undefined;
                }
                return next(command, fixArgs);
            },
        },
        initializationFailedHandler: (error) => {
            output.error(`Server initialization failed / 服务器初始化失败: ${String(error)}`);
            return false;
        },
    };

    const lc = new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
    client = lc;
    clientDisposables.push(
        lc.onDidChangeState((e) => {
            if (client !== lc) {
                return;
            }
            if (e.newState === State.Running) {
                policy.markRunning();
                setStatus('running');
            } else if (e.newState === State.Starting) {
                setStatus('starting');
            } else {
                setStatus('stopped');
            }
        }),
    );
    try {
        await lc.start();
        const info = lc.initializeResult?.serverInfo;
        output.info(`Server running / 服务器已运行${info ? `: ${info.name} ${info.version ?? ''}` : ''}`);
        setStatus('running');
    } catch (e) {
        setStatus('failed');
        const message =
            `xxgk-lint 服务器启动失败，详情见输出面板。/ The xxgk-lint server failed to start; see the output channel. ` +
            `(${server.description})`;
        output.error(`${message} ${String(e)}`);
        void vscode.window.showErrorMessage(message, SHOW_OUTPUT).then((choice) => {
            if (choice === SHOW_OUTPUT) {
                output.show(true);
            }
        });
    }
}

async function stopClient(): Promise<void> {
    const lc = client;
    client = undefined;
    if (lc) {
        try {
            await lc.stop(5000);
        } catch (e) {
            output.warn(`Stopping the server: ${String(e)}`);
        }
        try {
            await lc.dispose();
        } catch {
            /* already disposed */
        }
    }
    for (const d of clientDisposables) {
        d.dispose();
    }
    clientDisposables = [];
    setStatus('stopped');
}

function setStatus(status: Status): void {
    try {
        renderStatus(status);
    } catch {
        /* the status item is already disposed (shutdown) */
    }
}

function renderStatus(status: Status): void {
    if (!statusItem) {
        return;
    }
    const server = currentServer ? `\n${currentServer.description}` : '';
    switch (status) {
        case 'starting':
            statusItem.text = '$(sync~spin) xxgk-lint';
            statusItem.tooltip = `xxgk-lint: 正在启动 / starting${server}`;
            statusItem.backgroundColor = undefined;
            break;
        case 'running':
            statusItem.text = '$(check) xxgk-lint';
            statusItem.tooltip = `xxgk-lint: 运行中 / running${server}`;
            statusItem.backgroundColor = undefined;
            break;
        case 'stopped':
            statusItem.text = '$(circle-slash) xxgk-lint';
            statusItem.tooltip = 'xxgk-lint: 已停止 / stopped';
            statusItem.backgroundColor = undefined;
            break;
        case 'notFound':
            statusItem.text = '$(error) xxgk-lint';
            statusItem.tooltip = 'xxgk-lint: 未找到服务器 / server not found — click for details';
            statusItem.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
            break;
        case 'failed':
            statusItem.text = '$(error) xxgk-lint';
            statusItem.tooltip = `xxgk-lint: 启动失败 / failed to start — click for details${server}`;
            statusItem.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
            break;
    }
    updateStatusVisibility();
}

/** Show the status item while a served document is active, and always when something is wrong. */
function updateStatusVisibility(): void {
    if (!statusItem) {
        return;
    }
    const lang = vscode.window.activeTextEditor?.document.languageId;
    const relevant = lang !== undefined && (SERVED_LANGUAGES as readonly string[]).includes(lang);
    const problem = statusItem.text.startsWith('$(error)');
    if (relevant || problem) {
        statusItem.show();
    } else {
        statusItem.hide();
    }
}
