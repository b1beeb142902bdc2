import { strict as assert } from 'assert';
import { describe, it } from 'node:test';
import { looksLikeReport } from '../reportDetection';

describe('looksLikeReport', () => {
    it('accepts a title on one line', () => {
        assert.ok(looksLikeReport('北京市朝阳区人民政府2023年政府信息公开工作年度报告\n\n本报告根据……'));
    });
    it('accepts a title broken over lines, with blank lines, a BOM, Markdown marks and full-width spaces', () => {
        assert.ok(looksLikeReport('\uFEFF# 某市人民政府办公室\n\n\n2024年度政府信息公开\u3000工作年度报告\n'));
        assert.ok(looksLikeReport('某县\n\n政府信息\n公开工作年度报告'), 'keywords split across lines');
    });
    it('rejects text that mentions only one keyword or mentions them too late', () => {
        assert.equal(looksLikeReport('政府信息公开指南\n第一条'), false);
        assert.equal(looksLikeReport('2023年度工作年度报告'), false);
        assert.equal(looksLikeReport('一\n二\n三\n四\n五\n政府信息公开工作年度报告'), false);
        assert.equal(looksLikeReport(''), false);
    });
});
