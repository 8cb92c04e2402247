"""The TOML reader every plan goes through: tomli's compiled wheel when installed, else tomllib.

tomli (2.2.1 and later) ships mypyc-compiled wheels with tomllib's API, messages and TOML
version (tomllib is tomli 2.0.1 vendored): it reads a 5,000-item plan in about half the
time. It stays below 2.4, which reads TOML 1.1 (multi-line inline tables, `\\e`, times
without seconds) that tomlkit, the key scanner and `roadmap set` would not understand.
"""

from __future__ import annotations

try:
    from tomli import TOMLDecodeError, loads
except ImportError:  # pragma: no cover - tomli is a dependency; tomllib is the fallback
    from tomllib import TOMLDecodeError, loads

__all__ = ["TOMLDecodeError", "loads"]
