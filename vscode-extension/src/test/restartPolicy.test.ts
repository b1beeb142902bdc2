import { strict as assert } from 'assert';
import { describe, it } from 'node:test';
import { RestartPolicy } from '../restartPolicy';

describe('RestartPolicy', () => {
    it('does not restart a server that never started', () => {
        const p = new RestartPolicy();
        assert.equal(p.onClosed(), 'neverStarted');
    });
    it('restarts a crashed server until it crashes 5 times within 3 minutes', () => {
        let now = 0;
        const p = new RestartPolicy(5, 180000, () => now);
        for (let i = 0; i < 4; i++) {
            p.markRunning();
            assert.equal(p.onClosed(), 'restart');
            now += 1000;
        }
        p.markRunning();
        assert.equal(p.onClosed(), 'tooManyCrashes');
    });
    it('forgets crashes older than the window', () => {
        let now = 0;
        const p = new RestartPolicy(3, 1000, () => now);
        for (let i = 0; i < 10; i++) {
            p.markRunning();
            assert.equal(p.onClosed(), 'restart', `crash ${i}`);
            now += 600;
        }
    });
    it('a restart that fails to start is not restarted again', () => {
        const p = new RestartPolicy();
        p.markRunning();
        assert.equal(p.onClosed(), 'restart');
        assert.equal(p.onClosed(), 'neverStarted');
    });
});
