"""Linting many reports: file discovery with excludes, a result cache, parallel workers, fixes.

The parent process looks each file up in the cache by size and modification time (keyed by
rule set and configuration): a warm run over an unchanged folder never imports the parser.
The other files are read, hashed, looked up by content and, when not known, linted — in
worker processes (`--jobs`, default all cores; see workers.py) — and come back in input
order, so the output is the same as a serial run. Fixes are written atomically (temp
file + rename) in the file's own encoding, BOM and line endings.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from ..reporting.writing import write_report
from ..support.errors import ConfigError, RuleError
from ..support.record import Record, factory

CACHE_DIR_NAME = ".xxgk-lint-cache"
CACHE_FORMAT = 7  # 7: a document's findings carry their "origin" (it was in the message); 6: the flag is "not a report"
SKIP_DIRS = {".git", ".hg", ".svn", "node_modules", CACHE_DIR_NAME, "__pycache__", ".venv", "venv"}
REPORT_SUFFIXES = (".txt", ".md", ".pdf", ".docx", ".html", ".htm")
_SEVERITIES = ("error", "warning", "info")


class Options(Record):
    select: list[str] = factory(list)
    ignore: list[str] = factory(list)
    config: str | None = None
    isolated: bool = False
    fail_level: str | None = None
    fix: bool = False
    unsafe_fixes: bool = False
    diff: bool = False
    use_cache: bool = True
    stdin_filename: str | None = None
    # the output needs only the findings' JSON: workers send that text, not pickled objects
    findings_as_json: bool = False


class FileResult(Record):
    path: str
    diags: list = factory(list)
    text: str | None = None  # decoded text (for code frames), None on error
    error: str | None = None  # a file that could not be read, or whose lint crashed (exit 2)
    internal: list[str] = factory(list)  # rules that raised: first line the summary, then the traceback
    fixed: int = 0
    diff: str = ""
    skipped: bool = False  # found in a folder and not a report at all
    not_report: bool = False  # does not look like a report (skipped when found in a folder walk)
    notes: list[str] = factory(list)  # one-line remarks for stderr that change no exit code
    cached: bool = False
    fail_level: str = "error"
    _data: bytes | None = None  # the file's bytes, decoded only when a code frame needs the text
    _seen: tuple = ("", 0)  # (content hash, when it was read): what the cache records
    # from the cache: (severity, JSON after the path) per finding, made into Diagnostics only
    # when something needs them (JSON output needs only the text)
    _cached: list | None = None


# -- discovery --------------------------------------------------------------------------------


def _gitignore(folder: str) -> list[str] | None:
    """The lines of `folder`/.gitignore, if there is one (a regular file of at most 1 MB:
    a pipe or a device under that name is not read). A symbolic link is not followed, as git
    (2.32 and later) does not: it may point out of the tree, at a file of somebody else's."""
    from ..reading.files import ReadError, read_bytes

    name = os.path.join(folder, ".gitignore")
    if os.path.islink(name):
        return None
    try:
        return read_bytes(name, 1024 * 1024).decode("utf-8", "replace").splitlines()
    except ReadError:
        return None


# Folders a walk could not read: (the name standing for each in the file list) -> the message.
# collect() lists each as a file of its own, so that it comes back from run() as an error
# result (one line on stderr, exit 2) while the other files are still checked. The name is
# a sibling of the folder that does not exist (so the configuration is found from the
# parent, and the cache never knows it); _read gives its message.
_UNREADABLE: dict[str, str] = {}


def _unreadable(folder: str, exc: OSError) -> str:
    """Register the folder a walk could not read; the name that stands for it in the list."""
    from ..reading.files import printable

    why = "没有权限" if isinstance(exc, PermissionError) else (exc.strerror or type(exc).__name__)
    message = f"{printable(folder)}：无法读取目录（{why}），其中的文件未检查"
    name, k = f"{folder}.(unreadable)", 1
    while name in _UNREADABLE or os.path.lexists(name):
        k += 1
        name = f"{folder}.(unreadable-{k})"
    _UNREADABLE[name] = message
    return name


def collect(paths: list[str], excludes_for) -> list[tuple[str, bool]]:
    """(path, named explicitly) for every report under `paths`, sorted within each folder.
    `excludes_for(folder)` gives (root, patterns, respect_gitignore) of the configuration that
    governs it. Patterns have gitignore semantics; .gitignore files met on the way are
    respected, each for the folder it is in and below (as git and Ruff do). A file named
    explicitly is always checked (and is an error when it cannot be read). In a walk, what
    is not a regular file (a pipe, a device, a socket, a link to one) is skipped with one
    line on stderr, and a folder that cannot be read is listed as an error (see _UNREADABLE).
    A walk never leaves the folder: links to folders are not followed (os.walk), a link to a
    file outside it is skipped with one line (so that `--fix` cannot write there; a dangling
    one is an error, as a missing file), and a link to a file the walk finds anyway is left
    out (checked, and fixed, once)."""
    import stat

    from ..reading.files import file_kind, inside, link_out_of_tree, not_regular
    from ..support.pathmatch import matches

    out: list[tuple[str, bool]] = []
    for p in paths:
        if p == "-":
            out.append((p, True))
            continue
        path = Path(p)
        try:
            is_dir = stat.S_ISDIR(os.stat(p).st_mode)
        except (FileNotFoundError, ValueError):
            raise FileNotFoundError(p) from None
        except OSError:
            is_dir = False  # (no permission to look): the read says why
        if not is_dir:
            out.append((p, True))
            continue
        root, patterns, use_gitignore = excludes_for(path.resolve())
        real_root = os.path.realpath(p)
        found = []
        links: list[tuple[str, str]] = []  # (link, its resolved target) inside the folder
        ignores: dict[str, list] = {}  # folder -> [(base folder, .gitignore lines)] in force there

        def ignored(full: str, folder: str, is_dir: bool) -> bool:
            if patterns and matches(patterns, _rel(full, root), is_dir):
                return True
            return any(matches(lines, _rel(full, Path(base)), is_dir) for base, lines in ignores.get(folder, ()))

        def walk_error(exc: OSError) -> None:
            folder = exc.filename if isinstance(exc.filename, str) else str(path)
            found.append(_unreadable(folder, exc))

        for folder, dirs, files in os.walk(path, onerror=walk_error):
            inherited = ignores.get(folder, [])
            if use_gitignore:
                lines = _gitignore(folder)
                if lines:
                    inherited = [*inherited, (folder, lines)]
            ignores[folder] = inherited
            keep = []
            for d in sorted(dirs):
                if d in SKIP_DIRS or d.startswith("."):
                    continue
                full = os.path.join(folder, d)
                if ignored(full, folder, True):
                    continue
                ignores[full] = inherited
                keep.append(d)
            dirs[:] = keep
            for f in sorted(files):  # (sorted: the messages below in a stable order)
                if not f.endswith(REPORT_SUFFIXES):
                    continue
                full = os.path.join(folder, f)
                if ignored(full, folder, False):
                    continue
                exists = True
                try:
                    kind = file_kind(os.stat(full).st_mode)  # (a link: what it points to)
                except OSError:
                    kind, exists = "", False  # a dangling link, …: the read says why
                if kind:
                    print(f"xxgk-lint: {not_regular(full, kind, skipped=True)}", file=sys.stderr)
                    continue
                if exists and os.path.islink(full):
                    target = os.path.realpath(full)
                    if not inside(target, real_root):
                        print(f"xxgk-lint: {link_out_of_tree(full, target)}", file=sys.stderr)
                        continue
                    links.append((full, target))
                    continue
                found.append(full)
        if links:  # (a link to a report the walk checks anyway: checked once, by its own name)
            real = {os.path.realpath(f) for f in found}
            found.extend(f for f, target in links if target not in real)
        out.extend((f, False) for f in sorted(found))
    return out


def _rel(path: str, root: Path) -> str:
    try:
        return os.path.relpath(os.path.abspath(path), root).replace(os.sep, "/")
    except ValueError:
        return path.replace(os.sep, "/")


# -- configuration per file -----------------------------------------------------------------


def config_for(path: str, opts: Options):
    from ..checking.config import Config, discover, load

    if opts.isolated:
        cfg = Config()
    elif opts.config:
        cfg = load(Path(opts.config))
    else:
        cfg = discover(Path(path).resolve() if path != "-" else Path.cwd())
    if opts.select:
        cfg.select = list(opts.select)
    if opts.ignore:
        cfg.ignore = cfg.ignore + list(opts.ignore)
    if opts.fail_level:
        cfg.fail_level = opts.fail_level
    return cfg


# -- the rule set's fingerprint and the cache --------------------------------------------------


def ruleset_fingerprint(extra_dirs: tuple[str, ...] = ()) -> str:
    """Changes whenever a rule, template, the grammar or the program changes (stat only, so a
    warm run reads no rule file; the cache file stores it and compares it in full)."""
    from ..support.diskcache import data_files, fingerprint
    from ..support.resources import grammar_dir, rules_dir

    return fingerprint("results", data_files((grammar_dir(), rules_dir(), *map(Path, extra_dirs))))


class Cache:
    """One file per (rule set, configuration) under .xxgk-lint-cache/ at the project root.

    Like git's index, a file whose size and modification time are those recorded is not read
    again; any other file is read and hashed, and its content hash decides. The mtime is
    recorded only once the file is a few seconds older than the moment it was read (a change
    within the same timestamp tick could not be seen otherwise).

    The file is one line of JSON — {"key": …, "files": {path: [content hash, size, mtime,
    not a report, start, end]}} — and then the findings, one per line as "severity<TAB>its JSON
    after the path", each file's at bytes start:end. JSON output copies those texts, other
    outputs parse them, and only for the files asked about: a warm run over a thousand
    reports decodes a small index, not megabytes of findings.

    Safe in a repository someone else made: .xxgk-lint-cache/ must be a real directory (a
    symbolic link or a file there: no cache this run, one warning), its files are read and
    written without following links (diskcache.Folder), and pruning removes only files the
    folder's signed MANIFEST lists — files this cache wrote itself, never others by their names.
    """

    RACY_NS = 3_000_000_000
    _warned = False  # the warning about an unusable folder: once per run (process)

    def __init__(self, root: Path, key: str):
        import zlib

        from ..support.diskcache import Folder, UnsafeFolder

        self.key = key
        self.path = root / CACHE_DIR_NAME / f"v{CACHE_FORMAT}-{zlib.crc32(key.encode()):08x}.cache"
        self.entries: dict[str, list] = {}  # path -> [hash, size, mtime, not a report, findings or (start, end)]
        self.blob = b""
        self.dirty = False
        self.usable = True  # False: the folder is a link or not a directory: never read or written
        self._cwd: str | None = None
        try:
            with Folder(self.path.parent, real=True) as folder:
                data = folder.read(self.path.name, touch=True)  # in use: not pruned as stale (see _prune)
            if data is None:
                return
            head, _, self.blob = data.partition(b"\n")
            stored = json.loads(head)
            if isinstance(stored, dict) and stored.get("key") == key and isinstance(stored.get("files"), dict):
                self.entries = {p: [*e[:4], (e[4], e[5])] for p, e in stored["files"].items()}
        except UnsafeFolder:
            self._unusable()
        except (OSError, ValueError, TypeError, IndexError):
            self.entries = {}

    def _unusable(self) -> None:
        self.usable, self.entries, self.blob = False, {}, b""
        if not Cache._warned:
            Cache._warned = True
            folder = str(self.path.parent)
            folder = folder if folder.isprintable() else repr(folder)
            print(f"xxgk-lint: 警告：{folder} 是符号链接或不是目录，本次不使用结果缓存", file=sys.stderr)

    def _key(self, path: str) -> str:
        """The entry key: the absolute path (joined with the working folder found once)."""
        if os.path.isabs(path):
            return os.path.normpath(path)
        if self._cwd is None:
            self._cwd = os.getcwd()
        return os.path.normpath(os.path.join(self._cwd, path))

    def _entry(self, key: str):
        """The entry under `key`, its payload read from the file on first use."""
        e = self.entries.get(key)
        if e is not None and isinstance(e[4], tuple):
            try:
                start, end = e[4]
                if not (isinstance(start, int) and isinstance(end, int) and 0 <= start <= end <= len(self.blob)):
                    raise ValueError("entry out of the file")
                e[4] = self._decode(self.blob[start:end].decode("utf-8"))
            except (TypeError, ValueError):  # a damaged cache file: read the report again
                del self.entries[key]
                self.dirty = True
                return None
        return e

    @staticmethod
    def _decode(text: str) -> list:
        """An entry's findings: one `severity<TAB>JSON tail` line each."""
        findings = []
        for line in text.split("\n"):
            if line:
                severity, tail = line.split("\t", 1)
                if severity not in _SEVERITIES or not (tail.startswith('"line": ') and tail.endswith("}")):
                    raise ValueError(line)
                findings.append([severity, tail])
        return findings

    def get_by_stat(self, path: str, st: os.stat_result):
        key = self._key(path)
        e = self.entries.get(key)
        if e and e[2] and e[1] == st.st_size and e[2] == st.st_mtime_ns:
            return self._entry(key)
        return None

    def get(self, path: str, digest: str):
        key = self._key(path)
        e = self.entries.get(key)
        if e and e[0] == digest:
            return self._entry(key)
        return None

    def put(self, path: str, digest: str, st: os.stat_result | None, read_at_ns: int, findings: list, not_report: bool) -> None:
        """`findings`: [severity, JSON after the path] of each."""
        size = mtime = 0
        if st is not None and st.st_mtime_ns < read_at_ns - self.RACY_NS:
            size, mtime = st.st_size, st.st_mtime_ns
        if not self.usable:
            return
        self.entries[self._key(path)] = [digest, size, mtime, not_report, findings]
        self.dirty = True

    def save(self) -> None:
        if not self.dirty or not self.usable:
            return
        from ..reporting.output import json_safe
        files, chunks, at = {}, [], 0
        for p, (digest, size, mtime, skipped, findings) in self.entries.items():
            if isinstance(findings, tuple):
                chunk = self.blob[findings[0] : findings[1]]
            else:
                chunk = json_safe("".join(f"{sev}\t{tail}\n" for sev, tail in findings)).encode("utf-8")
            files[p] = [digest, size, mtime, skipped, at, at + len(chunk)]
            chunks.append(chunk)
            at += len(chunk)
        # (json_safe: a file name's undecodable bytes, lone surrogates, as \udcXX escapes)
        head = json_safe(json.dumps({"key": self.key, "files": files}, ensure_ascii=False, separators=(",", ":"))).encode("utf-8")
        from ..support.diskcache import Folder, UnsafeFolder

        try:
            # (not atomic_write: no tempfile import, no fsync; see Folder.write)
            with Folder(self.path.parent, real=True, create=True) as folder:
                folder.create(".gitignore", b"*\n")  # O_EXCL: whatever is there (even a link) stays
                folder.write(self.path.name, head + b"\n" + b"".join(chunks))
                self._prune(folder)
        except UnsafeFolder:
            self._unusable()
        except (OSError, ValueError):
            pass  # a read-only project: no cache, no failure

    def _prune(self, folder) -> None:
        """Drop cache files of other formats, and of rule sets or configurations unused for a
        month (each upgrade or configuration makes a file of its own) — of the files this cache
        wrote, as its MANIFEST (signed with the user's key, see diskcache.secret) records them;
        without the key nothing is removed. Any other file in the folder is left alone."""
        from ..support.diskcache import MANIFEST, plain_name, secret

        secret_key = secret()
        if secret_key is None:
            return
        month_ago = time.time_ns() - 30 * 86400 * 10**9
        keep = []
        for name in folder.read_record(secret_key, MANIFEST, "results"):
            if not plain_name(name) or name == self.path.name or name == MANIFEST:
                continue
            mtime = folder.mtime_ns(name)
            if mtime is None:
                continue  # gone, or no longer a regular file: not ours to remove
            if not name.startswith(f"v{CACHE_FORMAT}-") or mtime < month_ago:
                if folder.remove(name):
                    continue
            keep.append(name)
        keep.append(self.path.name)
        folder.write_record(secret_key, MANIFEST, "results", keep)


# -- linting one file (in a worker or in the parent) -------------------------------------------

_linters: dict = {}


def _linter(cfg):
    from ..checking.engine import Linter

    key = cfg.key()
    if key not in _linters:
        _linters[key] = Linter(cfg)
    return _linters[key]


def _read(path: str) -> tuple[bytes | None, str]:
    """(the file's bytes, "") or (None, a message saying why it cannot be read): only a
    regular file, at most the size cap (see reading/files.py), so nothing can hang here."""
    message = _UNREADABLE.get(path)
    if message is not None:  # a folder the walk could not read (see collect)
        return None, message
    from ..reading.files import ReadError, is_document, read_bytes

    try:
        if is_document(path):
            from ..reading.documents import MAX_DOCUMENT_BYTES

            return read_bytes(path, MAX_DOCUMENT_BYTES), ""  # PDFs with images are larger
        return read_bytes(path), ""
    except ReadError as err:
        return None, str(err)


def _convert(data: bytes, name: str):
    """The document's report text (PDF, Word, web page), or None for a text file (which does
    not import the document readers)."""
    from ..reading.files import OLE_MAGIC, is_document, may_be_document

    if not may_be_document(data, name):
        return None
    from ..reading.documents import read_document, sniff

    if is_document(name) or data.startswith((b"%PDF-", OLE_MAGIC)) or sniff(data, name) is not None:
        return read_document(name, data)
    return None


def _place_in_original(diags: list, conv) -> list:
    """Findings in a document carry where they are in the original (Diagnostic.origin: a PDF
    page, line and character box, a Word paragraph or table cell, an HTML source line): their
    line and column are those of the report text it was read into."""
    from ..support.record import replace

    def where(span):
        origin = conv.place(span)
        return origin if origin is not None and origin.to_dict() else None

    out = []
    for d in diags:
        related = tuple(replace(r, origin=where(r.span)) for r in d.related)
        out.append(replace(d, origin=where(d.span), related=related))
    return out


def lint_one(path: str, explicit: bool, data: bytes | None, opts: Options, cfg) -> FileResult:
    """Decode, lint and (optionally) fix one report (read here when `data` is None)."""
    from ..reading.files import ReadError, decode, printable

    name = opts.stdin_filename or "-" if path == "-" else path
    res = FileResult(path=name, fail_level=cfg.fail_level)
    if data is None:
        data, error = _read(path)
        if error:
            res.error = error
            return res
    try:
        conv = _convert(data, name) if path != "-" or opts.stdin_filename else None
        if conv is not None:
            text, encoding = conv.text, None
        else:
            text, encoding = decode(data, name)
    except ReadError as exc:
        res.error = str(exc)
        return res
    linter = _linter(cfg)
    doc, diags = linter.lint_text(text, name)
    if conv is not None:
        diags = _place_in_original(diags, conv)
        res.text = text
        if opts.fix or opts.diff:
            res.notes.append(f"{printable(name)}：{conv.format.upper()} 文件不能自动修复，只做了检查（可用 xxgk-lint convert 转成 Markdown 后修改）")
            res.diags = diags
            res.not_report = not doc.looks_like_report
            return res
    res.internal = list(linter.errors)
    linter.errors.clear()
    res.not_report = not doc.looks_like_report
    if not explicit and res.not_report:
        res.skipped = True
        res.diags = diags  # kept for the cache: the same file named explicitly shows them
        return res
    if (opts.fix or opts.diff) and any(d.fix for d in diags):
        from ..reporting.fixes import fix_text

        def fixes_of(t: str):
            return [d.fix for d in linter.lint_text(t, name)[1] if d.fix]

        applied: list[int] = []
        new_text = fix_text(doc.source.text, fixes_of, unsafe=opts.unsafe_fixes, applied=applied)
        if new_text != doc.source.text:
            if opts.diff:
                import difflib

                res.diff = "".join(
                    difflib.unified_diff(
                        doc.source.text.splitlines(keepends=True),
                        new_text.splitlines(keepends=True),
                        fromfile=f"a/{name}",
                        tofile=f"b/{name}",
                    )
                )
            else:
                remaining = linter.lint_text(new_text, name)[1]
                # (findings are capped per rule: the fixes applied are the truer count)
                res.fixed = max(0, len(diags) - len(remaining), sum(applied))
                if path != "-":
                    from ..reporting.writing import WriteError, restore_exactly

                    # Written only if nothing is lost (see reporting/writing.py): the file
                    # unchanged since it was read, writable, its links, owner, mode and
                    # exact bytes kept. Otherwise it is left alone and named (exit 2).
                    try:
                        new_file = restore_exactly(doc.source, text, new_text, name)
                        write_report(Path(path), new_file, encoding, original=data)
                    except WriteError as exc:
                        res.error = str(exc)
                    except OSError as exc:
                        res.error = f"{printable(name)}：无法写入修复（{exc.strerror or exc}），文件未改动"
                    if res.error:
                        res.fixed = 0
                        res.diags = diags
                        res.text = text
                        return res
                else:
                    sys.stdout.write(doc.source.restore(new_text))
                doc_text, diags = new_text, remaining
                text = doc_text
    res.diags = diags
    res.text = text
    return res


# -- the batch ---------------------------------------------------------------------------------


def run(files: list[tuple[str, bool]], opts: Options, jobs: int, progress=None) -> list[FileResult]:
    """Lint `files` and return one result per file, in input order."""
    results: list[FileResult | None] = [None] * len(files)
    misses: list[tuple[int, tuple, Cache | None, os.stat_result | None]] = []  # not known by stat
    caches: dict[tuple, Cache] = {}
    fingerprints: dict[tuple, str] = {}
    done = 0
    use_cache = opts.use_cache and not (opts.fix or opts.diff)
    configs: dict[str, object] = {}  # folder -> its configuration (found once per folder)
    cache_of: dict[int, Cache] = {}  # id(configuration) -> its cache

    def finished(i: int, res: FileResult, cache: Cache | None, st) -> None:
        nonlocal done
        _store(results, i, res, cache, st)
        done += 1
        if progress:
            progress(done, len(files))

    for i, (path, explicit) in enumerate(files):
        folder = os.path.dirname(path) if path != "-" else "-"
        cfg = configs.get(folder)
        if cfg is None:
            cfg = configs[folder] = config_for(path, opts)
        cache = None
        st = None
        if use_cache and path != "-":
            cache = cache_of.get(id(cfg))
            if cache is None:
                ck = cfg.key()
                if ck not in fingerprints:
                    fingerprints[ck] = ruleset_fingerprint(tuple(str(d) for d in cfg.rule_dirs)) + "\n" + repr(ck)
                root = cfg.root if cfg.path else Path.cwd()
                cache = caches.get((str(root), fingerprints[ck]))
                if cache is None:
                    cache = caches[(str(root), fingerprints[ck])] = Cache(root, fingerprints[ck])
                cache_of[id(cfg)] = cache  # (configs live as long as this loop: ids stay theirs)
            try:
                st = os.stat(path)
            except OSError:
                st = None
            hit = cache.get_by_stat(path, st) if st is not None else None
            if hit is not None:
                results[i] = _cached_result(path, cfg, hit, explicit)
                done += 1
                if progress:
                    progress(done, len(files))
                continue
        data = None
        if path == "-":  # (at most the size cap, as a file: see reading/files.read_stdin)
            from ..reading.files import ReadError, read_stdin

            try:
                data = read_stdin()
            except ReadError as exc:
                finished(i, FileResult(path=opts.stdin_filename or "-", error=str(exc)), None, None)
                continue
        misses.append((i, (path, explicit, data, opts, cfg, cache), cache, st))
    if misses:
        from . import workers

        def lost(args, why: str) -> FileResult:
            return FileResult(path=args[0], error=f"{args[0]}: 检查时{why}")

        if jobs > 1 and len(misses) >= 8 and workers.FORKS:
            # Forked workers read, hash, look up and lint: the parent only collects.
            items = [m[1] for m in misses]
            for (i, args, cache, st), res in zip(misses, workers.map_ordered(_remote_check, items, jobs, lost)):
                if res.text is None and res.error is None and args[2] is not None:
                    res._data = args[2]  # standard input, read here
                finished(i, res, cache, st)
        elif jobs > 1 and len(misses) >= 8:
            # Workers that are not forks get everything by pickle: the parent reads, hashes
            # and looks up (a cache is not sent to them), they lint.
            todo = []
            for i, (path, explicit, data, opts_, cfg, cache), _cache, st in misses:
                res, data, seen = _prepare(path, data, cfg, cache, explicit)
                if res is not None:
                    res._seen = seen
                    finished(i, res, cache, st)
                else:
                    todo.append((i, (path, explicit, data, opts_, cfg, None), cache, st, seen))
            items = [t[1] for t in todo]
            for (i, args, cache, st, seen), res in zip(todo, workers.map_ordered(_remote_check, items, jobs, lost)):
                res._seen = seen
                if res.text is None and res.error is None:
                    res._data = args[2]
                finished(i, res, cache, st)
        else:
            for i, args, cache, st in misses:
                finished(i, _check(args), cache, st)
    for cache in caches.values():
        cache.save()
    return [r for r in results if r is not None]


def _prepare(path: str, data: bytes | None, cfg, cache: Cache | None, explicit: bool):
    """Read the file (unless `data` is given), hash it and look its content up in the cache.
    Returns (a result if done: unreadable or known, the bytes, (hash, when it was read))."""
    read_at = time.time_ns()
    if data is None:
        data, error = _read(path)
        if error:
            return FileResult(path=path, error=error), None, ("", read_at)
    digest = ""
    if cache is not None:
        import hashlib

        digest = hashlib.sha256(data).hexdigest()
        hit = cache.get(path, digest)
        if hit is not None:  # touched, not changed: the cache gets the new mtime (see _store)
            res = _cached_result(path, cfg, hit, explicit)
            res._data = data
            return res, data, (digest, read_at)
    return None, data, (digest, read_at)


def _check(args) -> FileResult:
    """One file's whole job: read, look up, lint on a miss (here or in a worker). A crash of
    the program on this file is reported as its error (exit 2), with the traceback kept for
    --debug: never a traceback on the screen, never the exit code of findings."""
    path, explicit, data, opts, cfg, cache = args
    try:
        res, data, seen = _prepare(path, data, cfg, cache, explicit)
        if res is None:
            res = lint_one(path, explicit, data, opts, cfg)
    except (ConfigError, RuleError):
        raise  # the user's configuration: one message for the whole run
    except Exception as exc:  # noqa: BLE001 - a bug of ours must not lose the other files
        import traceback

        from ..reading.files import printable

        name = opts.stdin_filename or "-" if path == "-" else path
        res = FileResult(path=name, error=f"{printable(name)}：内部错误：{type(exc).__name__}: {exc}")
        res.internal = [f"{printable(name)}：内部错误\n{traceback.format_exc()}"]
        seen = ("", 0)
    res._seen = seen
    return res


def _remote_check(args) -> FileResult:
    """_check in a worker process: the text goes back only when a fix changed it (the parent
    decodes the file again only for a code frame); for JSON output the findings go back as
    their JSON text (made here, in parallel, and cheaper to send than objects)."""
    res = _check(args)
    if not res.fixed:
        res.text = None
    res._data = None
    if args[3].findings_as_json and res.diags:
        res._cached = [[d.severity, d.json_tail()] for d in res.diags]
        res.diags = []
    return res


def _store(results, i, res: FileResult, cache: Cache | None, st) -> None:
    results[i] = res
    if cache is not None and res.error is None and not res.internal:
        digest, read_at = res._seen
        findings = res._cached if res._cached is not None else [[d.severity, d.json_tail()] for d in res.diags]
        if findings:
            from ..checking.engine import STOPPED_NOTE_START

            if any(STOPPED_NOTE_START in tail for _, tail in findings):
                return  # a rule stopped by its time budget: depends on the machine, not kept
        cache.put(res.path, digest, st, read_at, findings, res.not_report)


def _cached_result(path: str, cfg, entry: list, explicit: bool) -> FileResult:
    """A result from the cache. The cache records whether the file looks like a report, not
    whether it was skipped: skipping depends on how the file was found (a folder walk or by
    name), which a later run may do differently."""
    r = FileResult(path=path, fail_level=cfg.fail_level, cached=True, skipped=entry[3] and not explicit, not_report=entry[3])
    r._cached = entry[4]
    return r


def findings_of(res: FileResult) -> list:
    """The result's findings as Diagnostics (a cached result's are parsed on first use)."""
    if res._cached is not None:
        from ..model.diagnostic import Diagnostic, json_head

        head = json_head(res.path)
        res.diags = [Diagnostic.from_json(head + tail) for _, tail in res._cached]
        res._cached = None
    return res.diags


def json_of(res: FileResult) -> list[str]:
    """The result's findings as JSON texts (output.format_json's items)."""
    if res._cached is not None:
        from ..model.diagnostic import json_head

        head = json_head(res.path)
        return [head + tail for _, tail in res._cached]
    return [d.to_json() for d in res.diags]


def severities_of(res: FileResult) -> list[str]:
    if res._cached is not None:
        return [sev for sev, _ in res._cached]
    return [d.severity for d in res.diags]


def text_of(res: FileResult) -> str | None:
    """The decoded text of a result (decoded, or read, only when a code frame needs it)."""
    from ..reading.files import ReadError, is_document, read_bytes

    if res.text is None and res.path != "-" and is_document(res.path):
        try:
            res.text = _convert(res._data or _read(res.path)[0] or b"", res.path).text
        except (ReadError, AttributeError):
            return None
        return res.text
    if res.text is None and res._data is None and res.path != "-":
        try:  # (only a regular file, at most the size cap: it may have changed since the lint)
            res._data = read_bytes(res.path)
        except ReadError:
            return None
    if res.text is None and res._data is not None:
        from ..reading.files import ReadError, decode

        try:
            res.text = decode(res._data, res.path)[0]
        except ReadError:
            return None
    return res.text


# -- the audit of a collection: one report's job ----------------------------------------------


def audit_one(args):
    """`xxgk-lint audit`'s job for one file (in a worker, on a Ray node or here): read,
    lint as `check` does (documents placed in their originals) and keep the report's facts
    (linter/audit/facts.py) — the Document itself never leaves this function. A file that
    cannot be read, or a crash, is the facts' `error` (exit 2), never a traceback."""
    from ..audit.facts import ReportFacts, extract
    from ..reading.files import ReadError, decode

    import hashlib

    path, cfg = args
    try:
        read_at = time.time_ns()
        data, error = _read(path)
        if error:
            return ReportFacts(path=path, error=error)
        try:
            conv = _convert(data, path)
            text = conv.text if conv is not None else decode(data, path)[0]
        except ReadError as exc:
            return ReportFacts(path=path, error=str(exc))
        linter = _linter(cfg)
        doc, diags = linter.lint_text(text, path)
        if conv is not None:
            diags = _place_in_original(diags, conv)
        facts = extract(doc, diags, path)
        facts.digest, facts.read_at = hashlib.sha256(data).hexdigest(), read_at
        facts.internal = [e.partition("\n")[0] for e in linter.errors]
        linter.errors.clear()
        return facts
    except (ConfigError, RuleError):
        raise
    except Exception as exc:  # noqa: BLE001 - a bug of ours must not lose the other files
        return ReportFacts(path=path, error=f"{path}: 内部错误：{type(exc).__name__}: {exc}")


class AuditCache(Cache):
    """The result cache of `audit` (check's: same folder, same safety and signed pruning; a
    file of its own, keyed by the rule set and configuration), holding each report's audit
    facts — one line of JSON — instead of its findings."""

    @staticmethod
    def _decode(text: str) -> list:
        """An entry's facts: one `facts<TAB>JSON` line."""
        kind, _, payload = text.rstrip("\n").partition("\t")
        if kind != "facts" or not payload.startswith("{"):
            raise ValueError("not audit facts")
        return [["facts", payload]]


def audit_caches(items: list, use: bool):
    """For each (path, configuration) item: its cache (one per project root and rule set) and
    the facts it holds for the file unchanged since (by size and modification time), or None."""
    from ..audit.facts import FORMAT, from_json

    caches: dict = {}
    out = []
    for path, cfg in items:
        if not use:
            out.append((None, None, None))
            continue
        key = f"audit facts {FORMAT}\n" + ruleset_fingerprint(tuple(str(d) for d in cfg.rule_dirs)) + "\n" + repr(cfg.key())
        root = cfg.root if cfg.path else Path.cwd()
        cache = caches.get((str(root), key))
        if cache is None:
            cache = caches[(str(root), key)] = AuditCache(root, key)
        try:
            st = os.stat(path)
        except OSError:
            out.append((cache, None, None))
            continue
        hit = cache.get_by_stat(path, st)
        facts = None
        if hit is not None:
            try:
                facts = from_json(hit[4][0][1], path)
            except ValueError:
                facts = None
        out.append((cache, st, facts))
    return out, list(caches.values())


def audit_store(cache, st, facts) -> None:
    """Record a report's facts (not a file that could not be read, nor one a rule crashed on)."""
    from ..audit.facts import to_json

    if cache is None or facts.error or facts.internal or not facts.digest:
        return
    cache.put(facts.path, facts.digest, st, facts.read_at, [["facts", to_json(facts)]], facts.not_report)
