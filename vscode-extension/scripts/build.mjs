// Bundle src/extension.ts (and vscode-languageclient) into out/extension.js with esbuild.
// Usage: node scripts/build.mjs [--minify] [--watch]
import * as esbuild from 'esbuild';

const minify = process.argv.includes('--minify');
const watch = process.argv.includes('--watch');

const options = {
    entryPoints: ['src/extension.ts'],
    bundle: true,
    outfile: 'out/extension.js',
    external: ['vscode'],
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    minify,
    sourcemap: minify ? false : 'linked',
    logLevel: 'info',
};

if (watch) {
    const ctx = await esbuild.context(options);
    await ctx.watch();
} else {
    await esbuild.build(options);
}
