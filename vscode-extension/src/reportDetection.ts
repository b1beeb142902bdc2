/**
 * Pure helpers for deciding whether a document is a 政府信息公开工作年度报告
 * (no `vscode` import, unit-tested).
 */

/** How many leading lines the content heuristic looks at. */
export const HEAD_LINES = 5;

/**
 * True when the first {@link HEAD_LINES} non-empty lines mention both 政府信息公开 and 年度报告
 * (anywhere in those lines, not necessarily the same line: titles are often broken in two,
 * e.g. "XX市人民政府办公室" / "2023年政府信息公开工作年度报告"). Markdown heading marks, BOMs and
 * full-width spaces do not matter.
 */
export function looksLikeReport(text: string): boolean {
    const head = text
        .replace(/^\uFEFF/, '')
        .split(/\r?\n/)
        .filter((l) => l.trim() !== '')
        .slice(0, HEAD_LINES)
        .join('')
        .replace(/[\s\u3000]+/g, '');
    return head.includes('政府信息公开') && head.includes('年度报告');
}

/** Language ids the client serves (the document selector). */
export const SERVED_LANGUAGES = ['plaintext', 'markdown', 'gov-report'] as const;

export const REPORT_LANGUAGE = 'gov-report';
