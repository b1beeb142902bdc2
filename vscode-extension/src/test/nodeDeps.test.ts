/* The real Node implementations of the discovery dependencies, against temporary files. */

import { strict as assert } from 'assert';
import { mkdtempSync, writeFileSync, chmodSync, mkdirSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { after, before, describe, it } from 'node:test';
import { IMPORT_CHECK } from '../discovery';
import { isDirectory, isExecutableFile, run, which } from '../nodeDeps';

const posix = process.platform !== 'win32';

describe('nodeDeps', () => {
    let dir = '';
    before(() => {
        dir = mkdtempSync(path.join(tmpdir(), 'xxgk-lint-test-'));
        mkdirSync(path.join(dir, 'bin'));
        writeFileSync(path.join(dir, 'bin', 'tool'), '#!/bin/sh\necho "$@"\n');
        chmodSync(path.join(dir, 'bin', 'tool'), 0o755);
        writeFileSync(path.join(dir, 'bin', 'plain'), 'not executable');
        chmodSync(path.join(dir, 'bin', 'plain'), 0o644);
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('isExecutableFile and isDirectory', { skip: !posix }, async () => {
        assert.equal(await isExecutableFile(path.join(dir, 'bin', 'tool')), true);
        assert.equal(await isExecutableFile(path.join(dir, 'bin', 'plain')), false);
        assert.equal(await isExecutableFile(path.join(dir, 'bin')), false);
        assert.equal(await isExecutableFile(path.join(dir, 'missing')), false);
        assert.equal(await isDirectory(path.join(dir, 'bin')), true);
        assert.equal(await isDirectory(path.join(dir, 'bin', 'tool')), false);
    });

    it('which searches PATH in order and ignores non-executables', { skip: !posix }, async () => {
        const env = { PATH: `/nonexistent:${path.join(dir, 'bin')}` };
        assert.equal(await which('tool', env, 'linux'), path.join(dir, 'bin', 'tool'));
        assert.equal(await which('plain', env, 'linux'), undefined);
        assert.equal(await which('absent', env, 'linux'), undefined);
    });

    it('run collects output and exit codes and never rejects', { skip: !posix }, async () => {
        const ok = await run(path.join(dir, 'bin', 'tool'), ['a b', 'c'], {});
        assert.equal(ok.code, 0);
        assert.equal(ok.stdout.trim(), 'a b c');
        const missing = await run(path.join(dir, 'nope'), [], {});
        assert.equal(missing.code, null);
        assert.match(missing.error ?? '', /ENOENT/);
        const slow = await run('/bin/sh', ['-c', 'exec sleep 5'], { timeoutMs: 200 });
        assert.equal(slow.code, null);
        assert.match(slow.error ?? '', /timed out/);
    });

    it('the import check accepts xxgk_lint with lsp/__main__.py and rejects one without', async (t) => {
        const python = await which('python3');
        if (!python) {
            t.skip('no python3 on PATH');
            return;
        }
        const good = path.join(dir, 'good');
        const bad = path.join(dir, 'bad');
        for (const [root, withMain] of [[good, true], [bad, false]] as const) {
            // xxgk_lint is a namespace package (no xxgk_lint/__init__.py), as the wheel installs it.
            const ns = path.join(root, 'xxgk_lint');
            mkdirSync(path.join(ns, 'lsp'), { recursive: true });
            mkdirSync(path.join(ns, 'linter'), { recursive: true });
            writeFileSync(path.join(ns, 'lsp', '__init__.py'), '');
            writeFileSync(path.join(ns, 'linter', '__init__.py'), '__version__ = "9.8.7"\n');
            if (withMain) {
                writeFileSync(path.join(ns, 'lsp', '__main__.py'), 'print("server")\n');
            }
        }
        const env = (p: string) => ({ ...process.env, PYTHONPATH: p });
        // -S: only PYTHONPATH decides what is importable, whatever this machine's python3
        // has installed in its site-packages.
        const ok = await run(python, ['-S', '-c', IMPORT_CHECK], { cwd: dir, env: env(good) });
        assert.equal(ok.code, 0, ok.stderr);
        assert.match(ok.stdout, /^9\.8\.7 .*xxgk_lint[\\/]lsp[\\/]__init__\.py /);
        const noMain = await run(python, ['-S', '-c', IMPORT_CHECK], { cwd: dir, env: env(bad) });
        assert.notEqual(noMain.code, 0);
        assert.match(noMain.stderr, /no __main__/);
        const missing = await run(python, ['-S', '-c', IMPORT_CHECK], { cwd: dir, env: env(path.join(dir, 'nothing')) });
        assert.notEqual(missing.code, 0);
        assert.match(missing.stderr, /No module named/);
    });
});
