"""SQLite storage of the ledger: connection settings and versioned migrations.

* The schema version is ``PRAGMA user_version``; ``MIGRATIONS[i]`` upgrades version ``i`` to ``i + 1``.
  Migrations run inside ``BEGIN IMMEDIATE`` and re-read the version once the write lock is held, so
  two processes opening a fresh database at the same time migrate it exactly once.
* WAL journal (readers never block the writer), ``busy_timeout`` so concurrent writers wait for the
  lock instead of failing, foreign keys on. Every write goes through ``transaction()``
  (``BEGIN IMMEDIATE`` … ``COMMIT``, rolled back on error).
"""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from pathlib import Path

from ..errors import LedgerError

BUSY_TIMEOUT_MS = 30_000

MIGRATIONS: tuple[str, ...] = (
    # 0 -> 1: requests, the kept copy of each submitted file, reviews, comparisons
    """
    CREATE TABLE requests (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        file_name    TEXT NOT NULL,
        source_path  TEXT,
        sha256       TEXT NOT NULL,
        size         INTEGER NOT NULL,
        unit         TEXT NOT NULL,
        received     TEXT NOT NULL,
        due          TEXT NOT NULL,
        due_fallback INTEGER NOT NULL DEFAULT 0,
        doc_type     TEXT,
        type_given   INTEGER NOT NULL DEFAULT 0,
        title        TEXT,
        status       TEXT NOT NULL DEFAULT 'registered' CHECK (status IN ('registered', 'reviewed', 'closed')),
        materials    TEXT,
        resubmit_of  INTEGER REFERENCES requests(id),
        conclusion   TEXT,
        adopted      TEXT,
        closed_at    TEXT,
        note         TEXT,
        created_at   TEXT NOT NULL,
        updated_at   TEXT NOT NULL
    );
    CREATE INDEX requests_status_due ON requests(status, due);
    CREATE INDEX requests_sha ON requests(sha256);
    CREATE TABLE files (
        request_id INTEGER PRIMARY KEY REFERENCES requests(id) ON DELETE CASCADE,
        content    BLOB NOT NULL
    );
    CREATE TABLE reviews (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        request_id  INTEGER NOT NULL REFERENCES requests(id) ON DELETE CASCADE,
        reviewed_at TEXT NOT NULL,
        errors      INTEGER NOT NULL,
        warnings    INTEGER NOT NULL,
        infos       INTEGER NOT NULL,
        conclusion  TEXT NOT NULL,
        rule_packs  TEXT,
        report_json TEXT NOT NULL,
        outputs     TEXT
    );
    CREATE INDEX reviews_request ON reviews(request_id);
    CREATE TABLE comparisons (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        request_id      INTEGER NOT NULL REFERENCES requests(id) ON DELETE CASCADE,
        previous_id     INTEGER NOT NULL REFERENCES requests(id),
        created_at      TEXT NOT NULL,
        resolved        INTEGER NOT NULL,
        remaining       INTEGER NOT NULL,
        new             INTEGER NOT NULL,
        comparison_json TEXT NOT NULL
    );
    """,
    # 1 -> 2: laws cited by each review (for `ledger impact`), and an audit trail of actions
    """
    CREATE TABLE cited_laws (
        review_id  INTEGER NOT NULL REFERENCES reviews(id) ON DELETE CASCADE,
        request_id INTEGER NOT NULL REFERENCES requests(id) ON DELETE CASCADE,
        law        TEXT NOT NULL,
        law_key    TEXT NOT NULL,
        article    TEXT,
        via        TEXT NOT NULL CHECK (via IN ('citation', 'basis'))
    );
    CREATE INDEX cited_laws_key ON cited_laws(law_key);
    CREATE TABLE events (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        request_id INTEGER NOT NULL REFERENCES requests(id) ON DELETE CASCADE,
        at         TEXT NOT NULL,
        action     TEXT NOT NULL,
        detail     TEXT
    );
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


def connect(path: str | Path) -> sqlite3.Connection:
    """Open (creating and migrating as needed) the ledger database at ``path``."""
    p = Path(path)
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(p), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                               check_same_thread=False)
    except (OSError, sqlite3.Error) as e:
        raise LedgerError("无法打开审查台账数据库", path=p, cause=str(e)) from e
    conn.row_factory = sqlite3.Row
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        # WAL where the file system supports it (not on some network shares: then the default
        # rollback journal, still safe with BEGIN IMMEDIATE, only less concurrent)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = NORMAL")
        migrate(conn, p)
    except sqlite3.DatabaseError as e:
        conn.close()
        raise LedgerError("审查台账数据库无法使用（文件损坏或不是 SQLite 数据库）", path=p, cause=str(e)) from e
    return conn


def migrate(conn: sqlite3.Connection, path: Path | None = None) -> int:
    """Apply pending migrations; returns the resulting schema version."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise LedgerError(f"审查台账数据库版本（{version}）高于本程序支持的版本（{SCHEMA_VERSION}），请升级 legalreview",
                          path=path, cause="database schema is newer than this program")
    while version < SCHEMA_VERSION:
        with transaction(conn):
            # re-read under the write lock: another process may have migrated meanwhile
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version >= SCHEMA_VERSION:
                break
            try:
                for stmt in _statements(MIGRATIONS[version]):
                    conn.execute(stmt)
                conn.execute(f"PRAGMA user_version = {version + 1}")
            except sqlite3.Error as e:
                raise LedgerError(f"审查台账数据库升级失败（版本 {version} → {version + 1}）", path=path,
                                  cause=str(e)) from e
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    return version


def _statements(script: str) -> list[str]:
    # executescript() would COMMIT our transaction; split the (trigger-free) script ourselves
    return [s.strip() for s in script.split(";") if s.strip()]


@contextmanager
def transaction(conn: sqlite3.Connection):
    """``BEGIN IMMEDIATE`` … ``COMMIT``; rolls back on any exception."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")
