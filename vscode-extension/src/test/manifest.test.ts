/* package.json contributions, and the fix-all command's arguments. */

import { strict as assert } from 'assert';
import { existsSync, readFileSync } from 'fs';
import * as path from 'path';
import { describe, it } from 'node:test';
import { FIX_ALL_COMMAND, FIX_ALL_KIND, fixAllArguments } from '../fixAll';
import { SERVED_LANGUAGES } from '../reportDetection';

const root = path.resolve(__dirname, '..', '..');
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    contributes: {
        configurationDefaults: Record<string, Record<string, unknown>>;
        commands: { command: string; title: string; category?: string }[];
        menus?: { commandPalette?: { command: string; when?: string }[] };
    };
};

describe('package.json', () => {
    it('turns off the Unicode highlighting of full-width and invisible characters in reports', () => {
        // reports are full of U+3000 / U+2002 spaces and full-width punctuation: boxed otherwise
        for (const language of SERVED_LANGUAGES) {
            const defaults = manifest.contributes.configurationDefaults[`[${language}]`];
            assert.ok(defaults, `configurationDefaults for [${language}]`);
            assert.equal(defaults['editor.unicodeHighlight.invisibleCharacters'], false, language);
            assert.equal(defaults['editor.unicodeHighlight.ambiguousCharacters'], false, language);
        }
    });

    it('contributes the fix-all command, in the palette for report languages', () => {
        const cmd = manifest.contributes.commands.find((c) => c.command === FIX_ALL_COMMAND);
        assert.ok(cmd, FIX_ALL_COMMAND);
        assert.equal(cmd.category, 'xxgk-lint');
        assert.equal(cmd.title, '修复所有可自动修复的问题 (Fix all auto-fixable problems)');
        const entry = manifest.contributes.menus?.commandPalette?.find((m) => m.command === FIX_ALL_COMMAND);
        assert.ok(entry?.when);
        for (const language of SERVED_LANGUAGES) {
            assert.ok(entry.when.includes(`editorLangId == ${language}`), language);
        }
    });

    it('uses the command id and code action kind the server advertises', { skip: !existsSync(path.join(root, '..', 'lsp', 'server.py')) }, () => {
        const server = readFileSync(path.join(root, '..', 'lsp', 'server.py'), 'utf8');
        assert.ok(server.includes(`FIX_ALL_COMMAND = "${FIX_ALL_COMMAND}"`));
        assert.equal(FIX_ALL_KIND, 'source.fixAll.xxgk-lint');
        assert.ok(server.includes('FIX_ALL_KIND = f"{types.CodeActionKind.SourceFixAll.value}.xxgk-lint"'));
    });
});

describe('fixAllArguments', () => {
    const active = { uri: 'file:///r/%E6%8A%A5%E5%91%8A.txt', version: 7 };
    it('fixes the active editor when run from the palette (no arguments)', () => {
        assert.deepEqual(fixAllArguments([], active), [{ uri: active.uri, version: 7 }]);
        assert.equal(fixAllArguments([], undefined), undefined);
    });
    it('keeps a document given to the command', () => {
        assert.deepEqual(fixAllArguments(['file:///a.txt'], active), [{ uri: 'file:///a.txt' }]);
        assert.deepEqual(fixAllArguments([{ uri: 'file:///a.txt', version: 3 }], active), [{ uri: 'file:///a.txt', version: 3 }]);
        const uri = { scheme: 'file', toString: () => 'file:///b.md' }; // a vscode.Uri from a menu
        assert.deepEqual(fixAllArguments([uri], undefined), [{ uri: 'file:///b.md' }]);
    });
    it('ignores arguments it does not understand', () => {
        assert.deepEqual(fixAllArguments([42], active), [{ uri: active.uri, version: 7 }]);
        assert.deepEqual(fixAllArguments([''], undefined), undefined);
    });
});
