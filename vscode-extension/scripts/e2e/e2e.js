// End-to-end check of the extension in a real VS Code (code-server) driven by headless Chromium.
// Run through scripts/e2e/run.sh, which installs code-server, builds the .vsix and sets the env.
//
//   node e2e.js <scenario> <url> <screenshot.png>
//   scenario: notfound | fake | real
//
// notfound: no server anywhere → an error notification and the output channel explain what was tried.
// fake:     xxgkLint.server.path points at scripts/e2e/fake_server.py → its diagnostic shows up.
// crash:    xxgkLint.server.path exits at once → an error notification, stderr in the log.
// real:     the repository's own server (<venv>/bin/python -m xxgk_lint.lsp, pip-installed) on a corpus report:
//           squiggles, Problems (XG102/XG401/XG403 + Chinese messages), hover on 一、总体情 (line 11),
//           the XG102 quick fix → 一、总体情况 and the finding disappears; screenshots
//           <out>-problems.png, <out>-hover.png, <out>-quickfix.png.
'use strict';
const fs = require('fs');
const { chromium } = require(process.env.PLAYWRIGHT_CORE || 'playwright-core');

const [scenario, url, out] = process.argv.slice(2);
const REPORT = process.env.E2E_REPORT_NAME || '淮安市2024年政府信息公开工作年度报告.txt';
const OTHER = process.env.E2E_OTHER_NAME || 'draft.txt';
const FOLDER = process.env.E2E_FOLDER || '';
const log = (...a) => console.log(`[e2e ${scenario}]`, ...a);

async function runCommand(page, title) {
    await page.keyboard.press('F1');
    await page.waitForSelector('.quick-input-widget input', { timeout: 15000 });
    await page.keyboard.type(title);
    await page.waitForTimeout(700);
    await page.keyboard.press('Enter');
}

async function outputText(page) {
    await runCommand(page, 'xxgk-lint: 显示输出');
    const editor = page.locator('.panel .monaco-editor .view-lines').first();
    await editor.waitFor({ timeout: 15000 });
    await page.waitForTimeout(800);
    return visibleText(editor);
}

/**
 * The rendered text of a Monaco `.view-lines` element, top to bottom. Monaco recycles line
 * elements, so DOM order is not screen order: sort by position. It renders spaces as NBSP.
 */
async function visibleText(locator) {
    const text = await locator.evaluate((el) => {
        const lines = [...el.querySelectorAll('.view-line')];
        if (lines.length === 0) return el.innerText;
        return lines
            .map((l) => [l.getBoundingClientRect().top, l.innerText])
            .sort((a, b) => a[0] - b[0])
            .map((x) => x[1])
            .join('\n');
    });
    return text.replace(/\u00a0/g, ' ');
}

async function openFile(page, name) {
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).first().click();
    await page.waitForSelector('.monaco-editor .view-lines', { timeout: 15000 });
}

async function languageMode(page) {
    const item = page.locator('[id="status.editor.mode"]').first();
    await item.waitFor({ timeout: 15000 });
    return (await item.innerText()).trim();
}

/** Text of the Problems status bar item, e.g. "0 9 0" (errors, warnings, infos). */
async function problemCounter(page) {
    return (await page.locator('[id="status.problems"]').first().innerText().catch(() => '')).replace(/\s+/g, ' ').trim();
}

/** Sum of the numbers in the Problems status bar item. */
function counterTotal(counter) {
    return (counter.match(/\d+/g) || []).reduce((a, n) => a + Number(n), 0);
}

async function waitFor(fn, timeoutMs, stepMs = 250) {
    const end = Date.now() + timeoutMs;
    let last;
    while (Date.now() < end) {
        last = await fn();
        if (last) return last;
        await new Promise((r) => setTimeout(r, stepMs));
    }
    return last;
}

/** The editor's rendered lines (Monaco renders spaces as NBSP); with word wrap a long line spans several. */
function viewLines(page) {
    return page.locator('.part.editor .monaco-editor .view-lines .view-line');
}

/** The first rendered line whose whole text is exactly `text` (null if none is rendered). */
async function lineExactly(page, text) {
    const lines = viewLines(page);
    const n = await lines.count();
    for (let i = 0; i < n; i++) {
        const l = lines.nth(i);
        if ((await l.innerText()).replace(/\u00a0/g, ' ').trim() === text) return l;
    }
    return null;
}

async function problemsText(page) {
    await runCommand(page, 'Problems: Focus on Problems View');
    const panel = page.locator('.markers-panel').first();
    await panel.waitFor({ timeout: 15000 });
    await page.waitForTimeout(800);
    return (await panel.innerText()).replace(/\u00a0/g, ' ');
}

/** The real server on corpus report 001: what an author sees. */
async function realChecks(page, check, out) {
    const shot = (suffix) => out.replace(/\.png$/, `-${suffix}.png`);
    const t0 = Date.now();
    if (process.env.E2E_TRACE === '1') {
        // LSP tracing (xxgkLint.trace.server) is written at Trace level: raise the channel's level.
        await runCommand(page, 'Developer: Set Log Level');
        await page.waitForTimeout(800);
        await page.keyboard.type('xxgk-lint');
        await page.waitForTimeout(800);
        await page.keyboard.press('Enter');
        await page.waitForTimeout(800);
        await page.keyboard.type('Trace');
        await page.waitForTimeout(800);
        await page.keyboard.press('Enter');
        await page.waitForTimeout(500);
        log('E2E_TRACE=1: set the xxgk-lint output channel to log level Trace');
    }
    // 1. Findings arrive (status bar counter non-zero).
    const counter = await waitFor(async () => {
        const c = await problemCounter(page);
        return counterTotal(c) > 0 ? c : '';
    }, 60000);
    check(counterTotal(counter || '') > 0, `diagnostics published (problems counter: "${counter}", ${Date.now() - t0} ms after opening)`);
    const before = counterTotal(counter || '');

    // 2. Squiggles in the editor, one of them under the heading on line 11.
    const heading = await waitFor(() => lineExactly(page, '一、总体情'), 10000);
    check(heading !== null, 'line 11 "一、总体情" is rendered in the editor');
    const squiggles = page.locator('.part.editor .monaco-editor .view-overlays [class*="squiggly-"]');
    await waitFor(async () => (await squiggles.count()) > 0, 15000);
    const nSquiggles = await squiggles.count();
    const classes = await squiggles.evaluateAll((els) => els.map((e) => e.className.match(/squiggly-\w+/)[0]));
    check(nSquiggles > 0, `squiggles drawn in the editor (${nSquiggles} visible: ${[...new Set(classes)].join(', ')})`);
    if (heading) {
        const hb = await heading.boundingBox();
        const under = await squiggles.evaluateAll(
            (els, box) => els.filter((e) => {
                const r = e.getBoundingClientRect();
                return r.top < box.y + box.height && r.bottom > box.y;
            }).map((e) => e.className.match(/squiggly-\w+/)[0]),
            hb,
        );
        check(under.includes('squiggly-warning'), `a warning squiggle under line 11 (${under.join(', ') || 'none'})`);
    }

    // 3. Problems panel: rule codes and Chinese messages.
    const text = await problemsText(page);
    // One row per finding: "<message>\nxxgk-lint\n<code>\n[Ln l, Col c]" (the code is a link to the
    // rule). The list is virtualised: maximise the panel while reading it so that all rows render.
    await runCommand(page, 'View: Toggle Maximized Panel');
    await page.waitForTimeout(800);
    const rows = await page.locator('.markers-panel .monaco-list-row').evaluateAll((els) => els.map((e) => e.innerText.replace(/\u00a0/g, ' ')));
    const badge = await page.locator('.markers-panel .monaco-list-row', { hasText: REPORT }).first()
        .locator('.monaco-count-badge').first().innerText().catch(() => '?');
    await runCommand(page, 'View: Toggle Maximized Panel');
    await page.waitForTimeout(500);
    const row = (code, message, where) => rows.find((r) => {
        const parts = r.split('\n').map((x) => x.trim());
        return parts.includes('xxgk-lint') && parts.includes(code) && r.includes(message) && (!where || r.includes(where));
    });
    const expected = [
        ['XG102', '第一部分标题“总体情”与官方标题“总体情况”不符', '[Ln 11, Col 3]'],
        ['XG401', '日期“20211月1日”缺少“年”字,应为“2021年1月1日”', '[Ln 21, Col 55]'],
        ['XG401', '日期“202112月31日”缺少“年”字,应为“2021年12月31日”', '[Ln 21, Col 64]'],
        ['XG403', '落款日期“2021年1月19日”早于统计年度结束', '[Ln 628, Col 57]'],
    ];
    for (const [code, message, where] of expected) {
        check(Boolean(row(code, message, where)), `Problems row: ${code} (xxgk-lint) "${message}" ${where}`);
    }
    const findings = rows.filter((r) => r.split('\n').map((x) => x.trim()).includes('xxgk-lint'));
    check(Number(badge) === before, `Problems shows ${badge} findings for ${REPORT} (status bar: ${before}; ${findings.length} rows rendered, all from xxgk-lint: ${findings.length === rows.length - 1})`);
    // The rule code is a link (codeDescription.href): where does it point?
    const codeLink = await page.locator('.markers-panel .monaco-list-row', { hasText: 'XG102' }).first()
        .locator('a.monaco-link, .monaco-link', { hasText: 'XG102' }).first()
        .evaluate((a) => a.getAttribute('href') || a.getAttribute('title') || a.outerHTML).catch((e) => String(e));
    log(`XG102 code link: ${codeLink || '(none found)'}`);
    log('Problems panel text:\n' + text.split('\n').map((l) => '    | ' + l).join('\n'));
    await page.screenshot({ path: shot('problems') });

    // 4. Hover over the heading with the mouse.
    const line11 = await lineExactly(page, '一、总体情');
    const lb = await line11.locator('span span').last().boundingBox();
    // "一、总体情": 5 characters; aim at the 4th (体), inside the diagnostic range 11:3–11:6.
    const hx = lb.x + lb.width * 0.7, hy = lb.y + lb.height / 2;
    await page.mouse.move(hx - 40, hy + 60);
    await page.mouse.move(hx, hy, { steps: 5 });
    const hoverBox = page.locator('.monaco-hover:visible', { hasText: 'XG102' }).first();
    let hoverText = '';
    try {
        await hoverBox.waitFor({ timeout: 10000 });
        await page.waitForTimeout(600);
        hoverText = (await hoverBox.innerText()).replace(/\u00a0/g, ' ');
    } catch {
        /* reported below */
    }
    log('hover text:\n' + hoverText.split('\n').map((l) => '    | ' + l).join('\n'));
    check(/XG102/.test(hoverText) && /section-title/.test(hoverText), 'hover shows the rule code XG102 and its name section-title (server hover)');
    check(hoverText.includes('第一部分标题“总体情”与官方标题“总体情况”不符'), 'hover shows the finding in Chinese');
    check(hoverText.includes('各部分标题应使用官方格式的措辞'), 'hover shows the rule explanation in Chinese (各部分标题应使用官方格式的措辞…)');
    check(/修复.{0,2}改为官方标题“总体情况”/.test(hoverText), 'hover names the fix (修复:改为官方标题“总体情况”)');
    await page.screenshot({ path: shot('hover') });

    // 5. Quick fix, as an author would: cursor in the heading, Ctrl+. , pick the fix.
    await page.keyboard.press('Escape');
    await page.mouse.move(hx, hy + 300);
    await page.mouse.click(hx, hy);
    await page.waitForTimeout(300);
    await page.keyboard.press('Control+Period');
    const actions = page.locator('.action-widget').first();
    let actionTitles = [];
    try {
        await actions.waitFor({ timeout: 10000 });
        await page.waitForTimeout(500);
        actionTitles = (await actions.innerText()).split('\n').map((l) => l.trim()).filter(Boolean);
    } catch {
        /* reported below */
    }
    log('quick fix menu:', JSON.stringify(actionTitles));
    const fixTitle = '改为官方标题“总体情况”（XG102）';
    check(actionTitles.some((t) => t.includes(fixTitle)), `quick fix menu offers "${fixTitle}"`);
    check(actionTitles.some((t) => t.includes('在本行停用 XG102')), 'quick fix menu offers "在本行停用 XG102"');
    await page.screenshot({ path: shot('quickfix-menu') });
    if (actionTitles.some((t) => t.includes(fixTitle))) {
        await actions.locator('.monaco-list-row', { hasText: fixTitle }).first().click();
    } else {
        await page.keyboard.press('Escape');
    }
    const fixed = await waitFor(() => lineExactly(page, '一、总体情况'), 10000);
    check(fixed !== null, 'after the quick fix line 11 reads "一、总体情况"');
    const afterCounter = await waitFor(async () => {
        const c = await problemCounter(page);
        return counterTotal(c) === before - 1 ? c : '';
    }, 20000);
    check(Boolean(afterCounter), `one finding fewer (problems counter ${JSON.stringify(counter)} → ${JSON.stringify(afterCounter || await problemCounter(page))})`);
    const after = await problemsText(page);
    check(!after.includes('XG102') && !after.includes('与官方标题“总体情况”不符') && after.includes('XG401') && after.includes('XG403'),
        'Problems no longer lists XG102 (XG401 and XG403 are still there)');
    // Save with Ctrl+S in the editor (focus it by clicking the fixed heading).
    await (await lineExactly(page, '一、总体情况'))?.click();
    await page.keyboard.press('Control+s');
    const saved = await waitFor(() => {
        if (!FOLDER) return true;
        const lines = fs.readFileSync(`${FOLDER}/${REPORT}`, 'utf8').split(/\r?\n/);
        return lines[10] === '一、总体情况' ? lines[10] : '';
    }, 10000);
    check(Boolean(saved), `saved file has line 11 = "一、总体情况" (${saved})`);
    await page.waitForTimeout(1500);
    const afterSave = await problemsText(page);
    check(!afterSave.includes('XG102'), 'after saving, XG102 stays gone');
    await page.screenshot({ path: shot('quickfix') });

    // 6. The output channel (its full text is also in the log file; run.sh checks that).
    await outputText(page);
    await runCommand(page, 'View: Toggle Maximized Panel');
    await page.waitForTimeout(800);
    const outEditor = page.locator('.panel .monaco-editor').first();
    await outEditor.locator('.view-lines').click();
    await page.keyboard.press('Control+Home');
    await page.waitForTimeout(800);
    // Long lines wrap into several view lines: compare without whitespace.
    const outHead = (await visibleText(outEditor.locator('.view-lines'))).replace(/\s+/g, '');
    check(/✓\S*python-c"importxxgk_lint\.lsp,xxgk_lint\.linter"\(xxgkLint\.python\.interpreterPath\)/.test(outHead),
        'output channel (top): ✓ <venv>/bin/python -c "import xxgk_lint.lsp, xxgk_lint.linter" (xxgkLint.python.interpreterPath)');
    check(/启动服务器:\S*python-mxxgk_lint\.lsp\(xxgkLint\.python\.interpreterPath\)/.test(outHead),
        'output channel (top): Starting server … python -m xxgk_lint.lsp (xxgkLint.python.interpreterPath)');
    check(outHead.includes('Serverrunning'), 'output channel says the server is running');
    await page.screenshot({ path: shot('output') });
    await runCommand(page, 'View: Toggle Maximized Panel');
    log(`real checks took ${Date.now() - t0} ms`);
}

(async () => {
    const browser = await chromium.launch({
        executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
        headless: true,
        args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
            '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const failures = [];
    const check = (ok, what) => {
        log(`${ok ? 'PASS' : 'FAIL'}: ${what}`);
        if (!ok) failures.push(what);
    };
    try {
        await page.goto(url, { waitUntil: 'domcontentloaded' });
        await page.waitForSelector('.monaco-workbench', { timeout: 60000 });
        await page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: 60000 });

        // Opening a report activates the extension (onLanguage:plaintext) and switches its mode.
        await openFile(page, REPORT);
        let mode = '';
        for (let i = 0; i < 30 && !mode.includes('年度报告'); i++) {
            await page.waitForTimeout(500);
            mode = await languageMode(page);
        }
        check(mode.includes('政府信息公开年度报告'), `report file switched to gov-report (language status: "${mode}")`);

        // A plain-text file whose first lines name a report is switched too.
        await openFile(page, OTHER);
        let draftMode = '';
        for (let i = 0; i < 20 && !draftMode.includes('年度报告'); i++) {
            await page.waitForTimeout(500);
            draftMode = await languageMode(page);
        }
        check(draftMode.includes('政府信息公开年度报告'), `${OTHER} switched by its content (language status: "${draftMode}")`);
        await openFile(page, REPORT);

        if (scenario === 'notfound') {
            const toast = page.locator('.notification-toast', { hasText: '未找到 xxgk-lint 语言服务器' }).first();
            await toast.waitFor({ timeout: 60000 });
            const toastText = await toast.innerText();
            check(/pipx install git\+/.test(toastText) && /pip install \./.test(toastText) && /xxgkLint\.server\.path/.test(toastText),
                'notification explains the fix (install from the repository, or xxgkLint.server.path)');
            check(/显示输出 \/ Show Output/.test(toastText), 'notification has a Show Output button');
            await page.screenshot({ path: out.replace(/\.png$/, '-toast.png') });
            await toast.locator('a.monaco-button, .monaco-button', { hasText: 'Show Output' }).first().click();
            const editor = page.locator('.panel .monaco-editor .view-lines').first();
            await editor.waitFor({ timeout: 15000 });
            await page.waitForTimeout(800);
            const text = await visibleText(editor);
            check(text.includes('No xxgk-lint server found'), 'output channel says no server was found');
            check(text.includes('xxgkLint.python.interpreterPath') || text.includes('python3'), 'output channel lists the interpreters tried');
            const status = page.locator('.statusbar-item', { hasText: 'xxgk-lint' }).first();
            check(await status.isVisible(), 'status bar item is visible');
        } else if (scenario === 'crash') {
            const toast = page.locator('.notification-toast', { hasText: 'xxgk-lint 服务器启动失败' }).first();
            await toast.waitFor({ timeout: 60000 });
            check(true, 'a start failure shows an error notification');
            await page.screenshot({ path: out.replace(/\.png$/, '-toast.png') });
            const text = await outputText(page);
            check(/ImportError: boom/.test(text), 'the server\'s stderr is in the output channel');
            const status = page.locator('.statusbar-item', { hasText: 'xxgk-lint' }).first();
            check(await status.isVisible(), 'status bar item is visible');
        } else if (scenario === 'real') {
            await realChecks(page, check, out);
        } else {
            const problems = page.locator('[id="status.problems"]').first();
            // Wait for the diagnostic: the status bar problem counter becomes non-zero.
            let counter = '';
            for (let i = 0; i < 120; i++) {
                counter = (await problems.innerText().catch(() => '')).replace(/\s+/g, ' ');
                if (/[1-9]/.test(counter)) break;
                await page.waitForTimeout(500);
            }
            check(/[1-9]/.test(counter), `diagnostics published (problems counter: "${counter}")`);
            await runCommand(page, 'Problems: Focus on Problems View');
            const panel = page.locator('.markers-panel').first();
            await panel.waitFor({ timeout: 15000 });
            await page.waitForTimeout(1000);
            const text = await panel.innerText();
            if (scenario === 'fake') {
                check(text.includes('XG999') && text.includes('测试诊断'), 'fake diagnostic listed in Problems');
                check(text.includes('gov-report'), 'document sent with languageId gov-report');
            } else {
                check(/XG\d{3}/.test(text), 'an XG rule diagnostic listed in Problems');
            }
            const status = page.locator('.statusbar-item', { hasText: 'xxgk-lint' }).first();
            check(await status.isVisible(), 'status bar item is visible');
            await page.screenshot({ path: out.replace(/\.png$/, '-problems.png') });
            const outText = await outputText(page);
            check(outText.includes('Server running'), 'output channel says the server is running');
            if (scenario === 'fake') {
                await runCommand(page, 'xxgk-lint: 重启 xxgk-lint 服务器');
                let after = '';
                for (let i = 0; i < 30; i++) {
                    await page.waitForTimeout(500);
                    after = await visibleText(page.locator('.panel .monaco-editor .view-lines').first());
                    if (/Restarting the server[\s\S]*Server running/.test(after)) break;
                }
                check(/Restarting the server[\s\S]*Server running/.test(after), 'restart command restarts the server');

                // The user picks Plain Text for the report: it must stay Plain Text.
                await page.locator('.monaco-editor .view-lines').first().click();
                await runCommand(page, 'Change Language Mode');
                await page.waitForTimeout(700);
                await page.keyboard.type('Plain Text');
                await page.waitForTimeout(700);
                await page.keyboard.press('Enter');
                await page.waitForTimeout(2500);
                const chosen = await languageMode(page);
                check(chosen === 'Plain Text', `a language picked by the user is kept (language status: "${chosen}")`);
            }
        }
        await page.screenshot({ path: out });
    } catch (e) {
        failures.push(String(e));
        log('ERROR', e);
        await page.screenshot({ path: out.replace(/\.png$/, '-error.png') }).catch(() => {});
    } finally {
        await browser.close();
    }
    if (failures.length) {
        log(`${failures.length} check(s) failed`);
        process.exit(1);
    }
    log('all checks passed');
})();
