/* Unit tests of the server discovery, with a fake machine: no VS Code, no real Python. */

import { strict as assert } from 'assert';
import { describe, it } from 'node:test';
import {
    DiscoveryDeps,
    DiscoveryInput,
    expandVariables,
    findServer,
    notFoundMessage,
    RunOptions,
    RunResult,
} from '../discovery';

interface FakeMachine {
    /** Executable files. */
    files?: string[];
    /** Directories. */
    dirs?: string[];
    /** name → resolved path on PATH. */
    path?: Record<string, string>;
    /**
     * Interpreters that can `import xxgk_lint.lsp, xxgk_lint.linter`: path → true, or a function
     * of the env (for the bundled case, which depends on PYTHONPATH).
     */
    importOk?: Record<string, boolean | ((env: NodeJS.ProcessEnv) => boolean)>;
    platform?: NodeJS.Platform;
    env?: NodeJS.ProcessEnv;
}

interface Call {
    command: string;
    args: string[];
    options: RunOptions;
}

function fake(machine: FakeMachine): { deps: DiscoveryDeps; logs: string[]; calls: Call[] } {
    const logs: string[] = [];
    const calls: Call[] = [];
    const files = new Set(machine.files ?? []);
    const dirs = new Set(machine.dirs ?? []);
    const deps: DiscoveryDeps = {
        isExecutableFile: async (p) => files.has(p),
        isDirectory: async (p) => dirs.has(p),
        which: async (c) => machine.path?.[c],
        run: async (command, args, options): Promise<RunResult> => {
            calls.push({ command, args, options });
            if (!files.has(command)) {
                return { code: null, stdout: '', stderr: '', error: `ENOENT: spawn ${command}` };
            }
            const rule = machine.importOk?.[command];
            const ok = typeof rule === 'function' ? rule(options.env ?? {}) : rule === true;
            return ok
                ? { code: 0, stdout: '0.1.0 /x/xxgk_lint/lsp/__init__.py 3.11.7\n', stderr: '' }
                : {
                      code: 1,
                      stdout: '',
                      stderr: "Traceback (most recent call last):\nModuleNotFoundError: No module named 'xxgk_lint'\n",
                  };
        },
        log: (m) => logs.push(m),
        platform: machine.platform ?? 'linux',
        env: machine.env ?? { PATH: '/usr/bin' },
    };
    return { deps, logs, calls };
}

const BUNDLED = '/ext/bundled/libs';

function input(extra: Partial<DiscoveryInput> = {}): DiscoveryInput {
    return { bundledLibsDir: BUNDLED, cwd: '/ext', ...extra };
}

describe('findServer', () => {
    it('uses the configured server path first, with its arguments, without probing Python', async () => {
        const { deps, calls, logs } = fake({
            files: ['/opt/venv/bin/xxgk-lint', '/usr/bin/python3'],
            path: { python3: '/usr/bin/python3' },
            importOk: { '/usr/bin/python3': true },
        });
        const r = await findServer(input({ serverPath: ['/opt/venv/bin/xxgk-lint', 'lsp'] }), deps);
        assert.ok(r.ok);
        assert.equal(r.server.command, '/opt/venv/bin/xxgk-lint');
        assert.deepEqual(r.server.args, ['lsp']);
        assert.equal(r.server.source, 'configured');
        assert.equal(r.server.cwd, '/ext');
        assert.equal(r.server.env, undefined);
        assert.equal(calls.length, 0, 'no process should be run');
        assert.ok(logs.some((l) => l.includes('xxgkLint.server.path')));
    });

    it('resolves a bare configured command on PATH and expands ${workspaceFolder} and ~', async () => {
        const { deps } = fake({ files: ['/home/u/bin/xxgk-lint'], path: { 'xxgk-lint': '/usr/local/bin/xxgk-lint' } });
        const r1 = await findServer(input({ serverPath: ['xxgk-lint', 'lsp'] }), deps);
        assert.ok(r1.ok);
        assert.equal(r1.server.command, '/usr/local/bin/xxgk-lint');

        const r2 = await findServer(
            input({ serverPath: ['~/bin/xxgk-lint', 'lsp', '--root', '${workspaceFolder}'], variables: { userHome: '/home/u', workspaceFolder: '/ws' } }),
            deps,
        );
        assert.ok(r2.ok);
        assert.equal(r2.server.command, '/home/u/bin/xxgk-lint');
        assert.deepEqual(r2.server.args, ['lsp', '--root', '/ws']);
    });

    it('falls back when the configured server path is missing, and logs why', async () => {
        const { deps, logs } = fake({
            files: ['/usr/bin/python3'],
            path: { python3: '/usr/bin/python3' },
            importOk: { '/usr/bin/python3': true },
        });
        const r = await findServer(input({ serverPath: ['/nope/xxgk-lint', 'lsp'] }), deps);
        assert.ok(r.ok);
        assert.equal(r.server.source, 'environment');
        assert.equal(r.server.command, '/usr/bin/python3');
        assert.deepEqual(r.server.args, ['-m', 'xxgk_lint.lsp']);
        const failed = r.attempts.find((a) => a.step === 'a');
        assert.ok(failed && !failed.ok);
        assert.match(failed.what, /\/nope\/xxgk-lint/);
        assert.ok(logs.some((l) => l.includes('/nope/xxgk-lint') && l.includes('not found')), logs.join('\n'));
        assert.ok(logs.some((l) => l.includes('falling back')));
    });

    it('launches `<python> -m xxgk_lint.lsp` for a configured interpreter that has the package', async () => {
        const py = '/proj/.venv/bin/python';
        const { deps, calls, logs } = fake({
            files: [py, '/usr/bin/python3'],
            path: { python3: '/usr/bin/python3' },
            importOk: { [py]: true, '/usr/bin/python3': true },
        });
        const r = await findServer(input({ interpreterPath: py }), deps);
        assert.ok(r.ok);
        assert.equal(r.server.command, py);
        assert.deepEqual(r.server.args, ['-m', 'xxgk_lint.lsp']);
        assert.equal(r.server.source, 'environment');
        assert.match(r.server.description, /interpreterPath/);
        // The check ran in the extension folder (never the workspace) with
        // `-c "import sys, importlib.util, xxgk_lint.lsp, xxgk_lint.linter…"`.
        assert.equal(calls.length, 1);
        assert.equal(calls[0].options.cwd, '/ext');
        assert.equal(calls[0].args[0], '-c');
        assert.match(calls[0].args[1], /import sys, importlib.util, xxgk_lint\.lsp, xxgk_lint\.linter/);
        assert.match(calls[0].args[1], /find_spec\("xxgk_lint\.lsp\.__main__"\)/);
        // The log lines that scripts/e2e (the `real` scenario) looks for.
        assert.ok(logs.includes(`  ✓ ${py} -c "import xxgk_lint.lsp, xxgk_lint.linter" (xxgkLint.python.interpreterPath)`), logs.join('\n'));
        assert.equal(r.server.description, `${py} -m xxgk_lint.lsp (xxgkLint.python.interpreterPath)`);
        assert.ok(logs.some((l) => l.includes('xxgk_lint.lsp location') && l.includes('/x/xxgk_lint/lsp/__init__.py')));
    });

    it('prefers the Python extension interpreter over PATH, and skips one without the package', async () => {
        const extPy = '/conda/envs/r/bin/python';
        const { deps } = fake({
            files: [extPy, '/usr/bin/python3'],
            path: { python3: '/usr/bin/python3' },
            importOk: { [extPy]: true, '/usr/bin/python3': true },
        });
        const r = await findServer(input({ pythonExtensionInterpreter: async () => [extPy] }), deps);
        assert.ok(r.ok);
        assert.equal(r.server.command, extPy);
        assert.match(r.server.description, /Python extension/);

        const { deps: deps2 } = fake({
            files: [extPy, '/usr/bin/python3'],
            path: { python3: '/usr/bin/python3' },
            importOk: { [extPy]: false, '/usr/bin/python3': true },
        });
        const r2 = await findServer(input({ pythonExtensionInterpreter: async () => [extPy] }), deps2);
        assert.ok(r2.ok);
        assert.equal(r2.server.command, '/usr/bin/python3');
        assert.ok(r2.attempts.some((a) => !a.ok && a.what.includes(extPy) && /No module named/.test(a.reason ?? '')));
    });

    it('survives a Python extension API that throws', async () => {
        const { deps, logs } = fake({
            files: ['/usr/bin/python3'],
            path: { python3: '/usr/bin/python3' },
            importOk: { '/usr/bin/python3': true },
        });
        const r = await findServer(
            input({
                pythonExtensionInterpreter: async () => {
                    throw new Error('boom');
                },
            }),
            deps,
        );
        assert.ok(r.ok);
        assert.equal(r.server.command, '/usr/bin/python3');
        assert.ok(logs.some((l) => l.includes('boom')));
    });

    it('uses a sibling xxgk-lint script when the import check fails but the script is there', async () => {
        const py = '/venv/bin/python';
        const { deps } = fake({ files: [py, '/venv/bin/xxgk-lint'], importOk: { [py]: false } });
        const r = await findServer(input({ interpreterPath: py }), deps);
        assert.ok(r.ok);
        assert.equal(r.server.command, '/venv/bin/xxgk-lint');
        assert.deepEqual(r.server.args, ['lsp']);
    });

    it('finds an xxgk-lint console script on PATH (pipx) when no interpreter has the package', async () => {
        const { deps } = fake({
            files: ['/usr/bin/python3', '/home/u/.local/bin/xxgk-lint'],
            path: { python3: '/usr/bin/python3', 'xxgk-lint': '/home/u/.local/bin/xxgk-lint' },
            importOk: { '/usr/bin/python3': false },
        });
        const r = await findServer(input(), deps);
        assert.ok(r.ok);
        assert.equal(r.server.source, 'path');
        assert.equal(r.server.command, '/home/u/.local/bin/xxgk-lint');
        assert.deepEqual(r.server.args, ['lsp']);
    });

    it('falls back to the bundled copy with PYTHONPATH when no environment has xxgk-lint', async () => {
        const { deps, calls } = fake({
            files: ['/usr/bin/python3'],
            dirs: [BUNDLED],
            path: { python3: '/usr/bin/python3' },
            importOk: { '/usr/bin/python3': (env) => (env.PYTHONPATH ?? '').split(':')[0] === BUNDLED },
            env: { PATH: '/usr/bin', PYTHONPATH: '/user/site' },
        });
        const r = await findServer(input(), deps);
        assert.ok(r.ok, JSON.stringify(r.attempts));
        assert.equal(r.server.source, 'bundled');
        assert.equal(r.server.command, '/usr/bin/python3');
        assert.deepEqual(r.server.args, ['-m', 'xxgk_lint.lsp']);
        assert.deepEqual(r.server.env, { PYTHONPATH: `${BUNDLED}:/user/site` });
        // The bundled check itself ran with the bundled PYTHONPATH.
        const last = calls[calls.length - 1];
        assert.equal(last.options.env?.PYTHONPATH, `${BUNDLED}:/user/site`);
    });

    it('uses ; as the PYTHONPATH separator and `py -3` on Windows', async () => {
        const py = 'C:\\Windows\\py.exe';
        const lib = 'C:\\ext\\bundled\\libs';
        const { deps } = fake({
            platform: 'win32',
            files: [py],
            dirs: [lib],
            path: { py },
            importOk: { [py]: (env) => (env.PYTHONPATH ?? '').startsWith(lib) },
            env: { Path: 'C:\\Windows', PYTHONPATH: 'D:\\x' },
        });
        const r = await findServer({ bundledLibsDir: lib, cwd: 'C:\\ext' }, deps);
        assert.ok(r.ok, JSON.stringify(r.attempts));
        assert.equal(r.server.command, py);
        assert.deepEqual(r.server.args, ['-3', '-m', 'xxgk_lint.lsp']);
        assert.deepEqual(r.server.env, { PYTHONPATH: `${lib};D:\\x` });
    });

    it('reports failure listing everything tried when nothing works', async () => {
        const { deps, logs } = fake({ files: [], dirs: [] });
        const r = await findServer(
            input({ serverPath: ['/opt/missing/xxgk-lint', 'lsp'], interpreterPath: '/missing/python' }),
            deps,
        );
        assert.equal(r.ok, false);
        const tried = r.attempts.map((a) => a.what).join('\n');
        for (const expected of ['/opt/missing/xxgk-lint', '/missing/python', 'python3', 'python (PATH)', 'xxgk-lint on PATH', BUNDLED]) {
            assert.ok(tried.includes(expected), `attempts should mention ${expected}:\n${tried}`);
        }
        assert.ok(r.attempts.every((a) => !a.ok));
        assert.ok(logs.some((l) => l.includes('No xxgk-lint server found')));

        const message = notFoundMessage(r.attempts, 20);
        assert.match(message, /pipx install git\+<仓库地址>/);
        assert.match(message, /pip install \./);
        assert.doesNotMatch(message, /pip install xxgk-lint/);
        assert.match(message, /xxgkLint\.server\.path/);
        assert.match(message, /未找到 xxgk-lint 语言服务器/);
        assert.match(message, /\/opt\/missing\/xxgk-lint/);
        assert.match(message, /bundled server/);
    });

    it('reports a bundled copy that no interpreter can run', async () => {
        const { deps } = fake({
            files: ['/usr/bin/python3'],
            dirs: [BUNDLED],
            path: { python3: '/usr/bin/python3' },
            importOk: { '/usr/bin/python3': false },
        });
        const r = await findServer(input(), deps);
        assert.equal(r.ok, false);
        const bundled = r.attempts.filter((a) => a.step === 'c');
        assert.equal(bundled.length, 1);
        assert.match(bundled[0].what, /PYTHONPATH=\/ext\/bundled\/libs/);
        assert.match(bundled[0].reason ?? '', /No module named/);
    });

    it('tries each distinct interpreter only once', async () => {
        const { deps, calls } = fake({
            files: ['/usr/bin/python3'],
            path: { python3: '/usr/bin/python3', python: '/usr/bin/python3' },
            importOk: { '/usr/bin/python3': false },
        });
        const r = await findServer(input({ interpreterPath: '/usr/bin/python3' }), deps);
        assert.equal(r.ok, false);
        assert.equal(calls.length, 1);
    });
});

describe('expandVariables', () => {
    it('expands ~ only at the start', () => {
        assert.equal(expandVariables('~/x', { userHome: '/h' }), '/h/x');
        assert.equal(expandVariables('/a/~/x', { userHome: '/h' }), '/a/~/x');
        assert.equal(expandVariables('${userHome}/y', { userHome: '/h' }), '/h/y');
        assert.equal(expandVariables('${workspaceFolder}/.venv/bin/python', { workspaceFolder: '/ws' }), '/ws/.venv/bin/python');
        assert.equal(expandVariables('${workspaceFolder}/x', {}), '${workspaceFolder}/x');
    });
});
