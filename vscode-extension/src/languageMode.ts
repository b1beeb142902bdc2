/**
 * Switch report files to the `gov-report` language id:
 *  - files matching `xxgkLint.reportGlobs` (plain text or Markdown), and
 *  - plain-text documents whose first lines mention both 政府信息公开 and 年度报告.
 * Controlled by `xxgkLint.setLanguageMode`. If the user picks another language for a document we
 * switched, we leave it alone for the rest of the session.
 */

import * as vscode from 'vscode';
import { HEAD_LINES, looksLikeReport, REPORT_LANGUAGE } from './reportDetection';

const SWITCHABLE = new Set(['plaintext', 'markdown']);
/** Lines scanned to find HEAD_LINES non-empty ones. */
const SCAN_LINES = 40;

/** Is a text editor tab showing `uri` open? */
function hasTab(uri: vscode.Uri): boolean {
    const key = uri.toString();
    for (const group of vscode.window.tabGroups.all) {
        for (const tab of group.tabs) {
            const input = tab.input;
            if (input instanceof vscode.TabInputText && input.uri.toString() === key) {
                return true;
            }
            if (input instanceof vscode.TabInputTextDiff && (input.modified.toString() === key || input.original.toString() === key)) {
                return true;
            }
        }
    }
    return false;
}

export class LanguageModeSwitcher implements vscode.Disposable {
    /** Documents we switched and that are open as gov-report. */
    private readonly switched = new Set<string>();
    /** Documents the user moved away from gov-report: never switched again this session. */
    private readonly userChosen = new Set<string>();
    private readonly pending = new Map<string, NodeJS.Timeout>();
    private readonly disposables: vscode.Disposable[] = [];

    constructor(private readonly log: (m: string) => void) {}

    register(): this {
        this.disposables.push(
            vscode.workspace.onDidOpenTextDocument((doc) => void this.consider(doc)),
            // A language change is reported as "close (old language)" + "open (new language)"
            // while the editor tab stays open; a real close happens after its last tab is gone.
            vscode.workspace.onDidCloseTextDocument((doc) => {
                const key = doc.uri.toString();
                if (doc.languageId === REPORT_LANGUAGE && this.switched.delete(key) && hasTab(doc.uri)) {
                    this.userChosen.add(key);
                }
            }),
            vscode.workspace.onDidChangeTextDocument((e) => this.onChange(e)),
            vscode.workspace.onDidChangeConfiguration((e) => {
                if (e.affectsConfiguration('xxgkLint.reportGlobs') || e.affectsConfiguration('xxgkLint.setLanguageMode')) {
                    this.considerAll();
                }
            }),
        );
        this.considerAll();
        return this;
    }

    considerAll(): void {
        for (const doc of vscode.workspace.textDocuments) {
            void this.consider(doc);
        }
    }

    /** Pasting a report into an untitled (or empty) plain-text editor: re-check, debounced. */
    private onChange(e: vscode.TextDocumentChangeEvent): void {
        const doc = e.document;
        if (doc.languageId !== 'plaintext' || e.contentChanges.length === 0) {
            return;
        }
        const key = doc.uri.toString();
        if (this.switched.has(key) || this.userChosen.has(key)) {
            return;
        }
        // Only changes near the top can change the verdict.
        if (!e.contentChanges.some((c) => c.range.start.line < SCAN_LINES)) {
            return;
        }
        clearTimeout(this.pending.get(key));
        this.pending.set(
            key,
            setTimeout(() => {
                this.pending.delete(key);
                void this.consider(doc);
            }, 400),
        );
    }

    private head(doc: vscode.TextDocument): string {
        const lines: string[] = [];
        for (let i = 0; i < Math.min(doc.lineCount, SCAN_LINES) && lines.length < HEAD_LINES; i++) {
            const t = doc.lineAt(i).text;
            if (t.trim() !== '') {
                lines.push(t);
            }
        }
        return lines.join('\n');
    }

    private async consider(doc: vscode.TextDocument): Promise<void> {
        if (doc.isClosed || !SWITCHABLE.has(doc.languageId)) {
            return;
        }
        if (doc.uri.scheme !== 'file' && doc.uri.scheme !== 'untitled') {
            return;
        }
        const key = doc.uri.toString();
        if (this.userChosen.has(key)) {
            this.log(`Language mode of ${doc.uri.fsPath || key} is ${doc.languageId} by the user's choice; leaving it`);
            return;
        }
        const config = vscode.workspace.getConfiguration('xxgkLint', doc.uri);
        if (!config.get<boolean>('setLanguageMode', true)) {
            return;
        }
        let reason: string | undefined;
        const globs = config.get<string[]>('reportGlobs', []) ?? [];
        for (const pattern of globs) {
            if (typeof pattern === 'string' && pattern && vscode.languages.match({ pattern }, doc) > 0) {
                reason = `matches xxgkLint.reportGlobs "${pattern}"`;
                break;
            }
        }
        if (!reason && doc.languageId === 'plaintext' && looksLikeReport(this.head(doc))) {
            reason = 'first lines mention 政府信息公开 and 年度报告';
        }
        if (!reason) {
            return;
        }
        try {
            const switchedDoc = await vscode.languages.setTextDocumentLanguage(doc, REPORT_LANGUAGE);
            this.switched.add(switchedDoc.uri.toString());
            this.log(`Language mode of ${doc.uri.fsPath || key} set to ${REPORT_LANGUAGE} (${reason})`);
        } catch (e) {
            this.log(`Could not set the language mode of ${key}: ${String(e)}`);
        }
    }

    dispose(): void {
        for (const t of this.pending.values()) {
            clearTimeout(t);
        }
        this.pending.clear();
        for (const d of this.disposables) {
            d.dispose();
        }
    }
}
