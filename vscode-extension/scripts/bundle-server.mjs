// Install the xxgk-lint Python package (and its dependencies) into bundled/libs, so that the
// .vsix can run the server with any Python 3 as `python -m xxgk_lint.lsp` and PYTHONPATH=bundled/libs
// (the wheel installs the namespace package xxgk_lint: xxgk_lint/lsp, xxgk_lint/linter, …).
//
// Usage: node scripts/bundle-server.mjs [PATH_TO_REPO_ROOT]   (npm run bundle-server uses "..")
// Env:   PYTHON=/path/to/python3  (default: python3, or python on Windows)
//
// Caveat: compiled dependencies are installed for THIS machine's Python version and platform.
// A .vsix with a bundled server is therefore platform-specific; build it on (or for) the
// platform and Python version your users have, or rely on a pip-installed server instead.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const extensionDir = path.resolve(here, '..');
const repoRoot = path.resolve(extensionDir, process.argv[2] ?? '..');
const python = process.env.PYTHON ?? (process.platform === 'win32' ? 'python' : 'python3');
const bundled = path.join(extensionDir, 'bundled');
const libs = path.join(bundled, 'libs');

function run(cmd, args, opts = {}) {
    console.log(`$ ${[cmd, ...args].join(' ')}`);
    const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
    if (r.error) {
        console.error(`bundle-server: cannot run ${cmd}: ${r.error.message}`);
        process.exit(2);
    }
    return r.status ?? 1;
}

if (!existsSync(path.join(repoRoot, 'pyproject.toml')) && !existsSync(path.join(repoRoot, 'setup.py'))) {
    console.error(`bundle-server: ${repoRoot} has no pyproject.toml — pass the repository root as the argument`);
    process.exit(2);
}

rmSync(libs, { recursive: true, force: true });
mkdirSync(libs, { recursive: true });

const status = run(python, [
    '-m', 'pip', 'install',
    '--target', libs,
    '--no-compile',          // no version-specific __pycache__ in the .vsix
    '--disable-pip-version-check',
    '--no-warn-script-location',
    '--upgrade',
    repoRoot,
]);
if (status !== 0) {
    console.error(`bundle-server: pip failed with exit code ${status}`);
    process.exit(status);
}

// Console scripts in bin/ carry this machine's interpreter path in their shebang: useless in a .vsix.
rmSync(path.join(libs, 'bin'), { recursive: true, force: true });

// Check that the bundle imports, from a neutral folder, with nothing else on the path.
const probe = spawnSync(
    python,
    ['-c', [
        'import sys, importlib.util, xxgk_lint.lsp, xxgk_lint.linter',
        'assert importlib.util.find_spec("xxgk_lint.lsp.__main__"), "xxgk_lint/lsp/__main__.py is missing: python -m xxgk_lint.lsp cannot run"',
        'print(sys.version.split()[0], sys.platform, xxgk_lint.lsp.__file__, xxgk_lint.linter.__version__)',
    ].join('\n')],
    { cwd: tmpdir(), env: { ...process.env, PYTHONPATH: libs }, encoding: 'utf8' },
);
if (probe.status !== 0) {
    console.error('bundle-server: the bundle does not import:\n' + (probe.stderr || probe.stdout));
    process.exit(1);
}
const [pyVersion, platform] = probe.stdout.trim().split(' ');
writeFileSync(
    path.join(bundled, 'info.json'),
    JSON.stringify({ python: pyVersion, platform, builtFrom: path.basename(repoRoot), date: new Date().toISOString() }, null, 2) + '\n',
);
console.log(`bundle-server: OK — bundled/libs built with Python ${pyVersion} (${platform})`);
