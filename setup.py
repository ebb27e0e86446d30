"""The one compiled module: the audit chain's link check (`baomi/audit/_links.c`).

Everything else about the package is in pyproject.toml. The module is optional: where it
cannot be built (no C compiler; no OpenSSL, SQLite or libpq headers) verification runs the
same check in Python at a third to a half of the speed.
"""

import shutil
import subprocess

from setuptools import Extension, setup


def postgres_headers() -> list[str]:
    if pg_config := shutil.which("pg_config"):
        return [
            subprocess.run(
                [pg_config, "--includedir"], capture_output=True, text=True
            ).stdout.strip()
        ]
    return ["/usr/include/postgresql"]


setup(
    ext_modules=[
        Extension(
            "baomi.audit._links",
            sources=["baomi/audit/_links.c"],
            include_dirs=postgres_headers(),
            libraries=["crypto", "sqlite3", "pq"],
            extra_compile_args=["-O2"],
            optional=True,
        )
    ]
)
