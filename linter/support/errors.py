"""The errors a user can cause, each one line and exit 2; costs nothing (no import of its own).

The errors a user can cause (a bad file, configuration or rule pack): each is reported as
one clear line and exit code 2, never a traceback. Kept in a module of their own so that the
command line can catch them without importing anything heavy."""

from __future__ import annotations


class ConfigError(Exception):
    """A configuration file that cannot be used: says which file and which key."""

    def __init__(self, path, key: str, message: str):
        self.path, self.key, self.message = str(path), key, message
        super().__init__(f"{path}: {key}: {message}")

    def __reduce__(self):  # survives pickling (errors come back from worker processes)
        return (type(self), (self.path, self.key, self.message))


class RuleError(Exception):
    """A rule file that cannot be loaded: says which file and which key."""

    def __init__(self, path, key: str, message: str):
        self.path, self.key, self.message = str(path), key, message
        super().__init__(f"{path}: {key}: {message}")

    def __reduce__(self):
        return (type(self), (self.path, self.key, self.message))


class ReadError(Exception):
    """A file that cannot be linted: the message says which file and why (Chinese)."""
