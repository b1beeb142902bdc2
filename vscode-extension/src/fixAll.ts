/**
 * The "fix all" command (no `vscode` import, unit-tested). The server advertises the command
 * `xxgk-lint.fixAll` (workspace/executeCommand → it sends workspace/applyEdit with every safe
 * fix of the document, as `xxgk-lint check --fix` applies them). vscode-languageclient
 * registers a VS Code command of that id for it; the extension contributes its title and, in
 * the client middleware, supplies the document when the command is run from the palette.
 */

export const FIX_ALL_COMMAND = 'xxgk-lint.fixAll';

/** The code action kind of the server's fix-all (for `editor.codeActionsOnSave`). */
export const FIX_ALL_KIND = 'source.fixAll.xxgk-lint';

export interface DocumentRef {
    uri: string;
    version?: number;
}

/** A `vscode.Uri` (what a menu passes to a command) without importing vscode. */
function isUriLike(value: unknown): value is { scheme: string; toString(): string } {
    return typeof value === 'object' && value !== null && typeof (value as { scheme?: unknown }).scheme === 'string';
}

/**
 * The arguments to send to the server: the document given to the command (a URI string, a
 * `{ uri, version }` object or a `vscode.Uri`, as an editor menu passes it), else the active
 * editor's document; undefined when there is neither.
 */
export function fixAllArguments(args: readonly unknown[], active: DocumentRef | undefined): [DocumentRef] | undefined {
    const first = args[0];
    if (typeof first === 'string' && first !== '') {
        return [{ uri: first }];
    }
    if (isUriLike(first)) {
        return [{ uri: first.toString() }];
    }
    if (typeof first === 'object' && first !== null && typeof (first as DocumentRef).uri === 'string') {
        const ref = first as DocumentRef;
        return [typeof ref.version === 'number' ? { uri: ref.uri, version: ref.version } : { uri: ref.uri }];
    }
    return active ? [{ uri: active.uri, version: active.version }] : undefined;
}
