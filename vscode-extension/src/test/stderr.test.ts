import { strict as assert } from 'assert';
import { describe, it } from 'node:test';
import { StderrClassifier } from '../stderr';

describe('StderrClassifier', () => {
    it('maps Python logging levels', () => {
        const c = new StderrClassifier();
        assert.equal(c.level('INFO:pygls.server:Starting IO server'), 'info');
        assert.equal(c.level('WARNING:xxgk-lint.lsp:slow lint: 120 ms'), 'warn');
        assert.equal(c.level('2026-01-01 10:00:00 ERROR xxgk-lint.lsp: boom'), 'error');
        assert.equal(c.level('DEBUG:xxgk-lint.lsp:linting file:///a.txt'), 'debug');
        assert.equal(c.level('xxgk-lint server ready'), 'info');
    });
    it('keeps a whole traceback at error level, then returns to normal', () => {
        const c = new StderrClassifier();
        const lines = [
            'Traceback (most recent call last):',
            '  File "/x/xxgk_lint/lsp/__main__.py", line 3, in <module>',
            '    main()',
            '    ^^^^^^',
            'ModuleNotFoundError: No module named \'pygls\'',
        ];
        for (const l of lines) {
            assert.equal(c.level(l), 'error', l);
        }
        assert.equal(c.level('next line'), 'info');
    });
});
