// End-to-end check of the extension in a real VS Code (code-server) driven by headless Chromium.
// Run through scripts/e2e/run.sh, which installs code-server, builds the .vsix and sets the env.
//
//   node e2e.js <scenario> <url> <screenshot.png>
//   scenario: notfound | fake | real
//
// notfound: no server anywhere → an error notification and the output channel explain what was tried.
// fake:     xxgkLint.server.path points at scripts/e2e/fake_server.py → its diagnostic shows up.
// real:     the repository's own server (python -m lsp) → some XG diagnostic shows up.
'use strict';
const fs = require('fs');
const { chromium } = require(process.env.PLAYWRIGHT_CORE || 'playwright-core');

const [scenario, url, out] = process.argv.slice(2);
const REPORT = process.env.E2E_REPORT_NAME || '淮安市2024年政府信息公开工作年度报告.txt';
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

/** Monaco renders spaces as NBSP. */
async function visibleText(locator) {
    return (await locator.innerText()).replace(/\u00a0/g, ' ');
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
        await openFile(page, 'draft.txt');
        let draftMode = '';
        for (let i = 0; i < 20 && !draftMode.includes('年度报告'); i++) {
            await page.waitForTimeout(500);
            draftMode = await languageMode(page);
        }
        check(draftMode.includes('政府信息公开年度报告'), `draft.txt switched by its content (language status: "${draftMode}")`);
        await openFile(page, REPORT);

        if (scenario === 'notfound') {
            const toast = page.locator('.notification-toast', { hasText: '未找到 xxgk-lint 语言服务器' }).first();
            await toast.waitFor({ timeout: 60000 });
            const toastText = await toast.innerText();
            check(/pip install xxgk-lint/.test(toastText) && /xxgkLint\.server\.path/.test(toastText), 'notification explains the fix');
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
