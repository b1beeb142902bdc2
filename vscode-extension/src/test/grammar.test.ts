/*
 * The gov-report TextMate grammar, tokenized with the same engine VS Code uses
 * (vscode-textmate + Oniguruma), so a regex that Oniguruma rejects fails here and not in
 * a user's editor.
 */

import { strict as assert } from 'assert';
import { readFileSync } from 'fs';
import * as path from 'path';
import { before, describe, it } from 'node:test';
import * as oniguruma from 'vscode-oniguruma';
import * as vsctm from 'vscode-textmate';

const root = path.resolve(__dirname, '..', '..');
let grammar: vsctm.IGrammar;

before(async () => {
    const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer);
    const registry = new vsctm.Registry({
        onigLib: Promise.resolve({
            createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
            createOnigString: (s: string) => new oniguruma.OnigString(s),
        }),
        loadGrammar: async (scopeName: string) => {
            if (scopeName !== 'text.gov-report') {
                return null;
            }
            const file = path.join(root, 'syntaxes', 'gov-report.tmLanguage.json');
            return vsctm.parseRawGrammar(readFileSync(file, 'utf8'), file);
        },
    });
    const g = await registry.loadGrammar('text.gov-report');
    assert.ok(g, 'grammar loads');
    grammar = g;
});

/** Tokenize one line; return [text, scopes] pairs. */
function tokens(line: string): Array<[string, string[]]> {
    const r = grammar.tokenizeLine(line, vsctm.INITIAL);
    return r.tokens.map((t) => [line.slice(t.startIndex, t.endIndex), t.scopes]);
}

function scopesOf(line: string, text: string): string[] {
    const found = tokens(line).find(([t]) => t === text);
    assert.ok(found, `token "${text}" in ${JSON.stringify(tokens(line))}`);
    return found[1];
}

function hasScope(line: string, text: string, prefix: string): boolean {
    return scopesOf(line, text).some((s) => s.startsWith(prefix));
}

describe('gov-report grammar', () => {
    it('highlights section headings, indented or after a Markdown #', () => {
        assert.ok(hasScope('一、总体情况', '总体情况', 'markup.heading.1'));
        assert.ok(hasScope('   一、总体情况', '一、', 'markup.heading.1'));
        assert.ok(hasScope('\u3000\u3000六、其他需要报告的事项', '其他需要报告的事项', 'markup.heading.1'));
        assert.ok(hasScope('## 三、收到和处理政府信息公开申请情况', '三、', 'markup.heading.1'));
    });

    it('highlights subsection headings in both bracket widths, up to the first 。', () => {
        assert.ok(hasScope('（一）主动公开情况。2024 年，市政府网站', '（一）', 'markup.heading.2'));
        assert.ok(hasScope('（一）主动公开情况。2024 年，市政府网站', '主动公开情况。', 'markup.heading.2'));
        assert.ok(hasScope('(二)依申请公开情况', '(二)', 'markup.heading.2'));
        const rest = tokens('（一）主动公开情况。2024 年，市政府网站').find(([t]) => t.includes('市政府网站'));
        assert.ok(rest && !rest[1].some((s) => s.startsWith('markup.heading')), 'body text is not a heading');
    });

    it('highlights table pipes and numbers', () => {
        const line = '| 行政许可 | 3 | 0 | 1,200 |';
        assert.ok(hasScope(line, '|', 'keyword.operator.table'));
        assert.ok(hasScope(line, '3', 'constant.numeric'));
        assert.ok(hasScope(line, '1,200', 'constant.numeric'));
        assert.ok(hasScope('本年新收政府信息公开申请数量 ｜ 12', '｜', 'keyword.operator.table'));
        assert.ok(hasScope('|---|:---:|', '|---|:---:|', 'punctuation.separator.table'));
    });

    it('highlights dates, metadata keys, book titles, page numbers and suppression comments', () => {
        assert.ok(hasScope('自 2024 年 1 月 1 日至 2024 年 12 月 31 日', '2024 年 1 月 1 日', 'constant.other.date'));
        assert.ok(hasScope('发布日期：2025年1月20日', '发布日期', 'variable.other.metadata-key'));
        assert.ok(hasScope('根据《中华人民共和国政府信息公开条例》规定', '《中华人民共和国政府信息公开条例》', 'string.quoted'));
        assert.ok(hasScope('                                          -1-', '                                          -1-', 'comment.line.page-number'));
        assert.ok(tokens('<!-- xxgk-lint: disable=XG101 -->').some(([, s]) => s.some((x) => x.startsWith('comment.block'))));
    });

    it('colours numbers right after Chinese text but not digits inside e-mail addresses or words', () => {
        assert.ok(hasScope('共受理申请3119件', '3119', 'constant.numeric'));
        assert.ok(hasScope('合格率均为100%。', '100%', 'constant.numeric'));
        assert.ok(hasScope('答复2024年度申请', '2024年度', 'constant.other.date'));
        const t = tokens('电子邮箱：hazwgkc163@163.com');
        assert.ok(!t.some(([, s]) => s.some((x) => x.startsWith('constant.numeric'))), JSON.stringify(t));
        const w = tokens('see RFC2119 and utf8');
        assert.ok(!w.some(([, s]) => s.some((x) => x.startsWith('constant.numeric'))), JSON.stringify(w));
    });
});
