"""Every kind of bad input, met through the installed `safeplace` as a person would meet it.

Exercise files, config.yaml, import files, history databases and export targets: each case
runs the installed command in a child process (SAFEPLACE_HOME a fresh folder, the working
folder and HOME other empty folders) and one helper checks the same five things for all:

1. one clear sentence on stderr per problem, naming the file: no traceback, no class name;
2. the exit code of its kind (see KINDS);
3. nothing lost: the history keeps its practice, and the bad file is still there as it was,
   or moved aside whole, never deleted;
4. nothing written outside SAFEPLACE_HOME (for an export, the target is what is tested: it
   is left out of that look and must itself be unchanged);
5. no ESC, BEL, other control or C1 character reaches the terminal. SAFEPLACE_HOME and the
   folder holding imports and export targets have escapes, a BEL, a C1 CSI and a newline in
   their names, so every sentence that names a file could carry them.

The case tables of the other robustness modules are reused: with no ``__init__.py`` under
tests/, pytest's default (prepend) import mode puts this folder on sys.path, so they import
by their own names, as the same modules pytest collects.
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, NamedTuple

import pytest
from test_bad_imports import BAD as BAD_IMPORTS
from test_bad_settings import BAD as BAD_SETTINGS
from test_export_targets import OWN as OWN_FILES
from test_hostile_files import HEAD
from test_hostile_files import HOSTILE as HOSTILE_EXERCISES

import history_seed
from safeplace.history.store import HistoryStore

SAFEPLACE = Path(sys.executable).with_name("safeplace")  # the installed console script
TIMEOUT = 30  # a guard against a hang, not a measure of speed
HOSTILE_NAME = "\x1b]0;owned\x07\n\u009b[2J"  # sets a title, forges a line, clears the screen
SEEDED_TITLE = "A kind pause"
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # C0 but newline and tab, DEL, C1
CLASS_NAME = re.compile(r"\b[A-Z]\w*(Error|Exception)\b")
pytestmark = pytest.mark.skipif(os.name != "posix", reason="pipes, links and modes are POSIX")
ROOT = os.name == "posix" and os.geteuid() == 0

Kind = Literal["exercise", "config", "import", "database", "export"]
# "it": the bad file is still there unchanged, or (config, database) moved aside whole.
# "a-file": a file is still at its place (an empty file holds nothing that could be lost).
# "nothing": nothing of the person's to keep (a missing file; SQLite's own -wal or -shm,
# whose garbage SQLite ignores and may remove: it never replays a frame it cannot check).
Keep = Literal["it", "a-file", "nothing"]


class Places(NamedTuple):
    home: Path  # SAFEPLACE_HOME
    papers: Path  # the person's own folder, for files to import and export targets
    root: Path  # everything of the test: the working folder, HOME, TMPDIR, papers, home


@dataclass(frozen=True)
class Case:
    kind: Kind
    make: Callable[[Places], Path]  # makes the bad input; returns its path
    words: tuple[str, ...] = ()  # what the first sentence must hold besides the file
    sentences: int = 1
    code: int | None = None  # when it differs from its kind's
    keeps: Keep = "it"
    session_kept: bool = True  # the seeded practice is still in the history afterwards
    force: bool = False  # export with --force
    shows: str | None = None  # stdout holds this; None: the kind's


@dataclass(frozen=True)
class KindRule:
    command: Callable[[Case, Path], list[str]]
    code: int
    shows: str  # in stdout when the command goes on (exit 0) and the practice is kept
    aside: str = ""  # how a file moved aside is named after its own name; "" never moved


KINDS: dict[Kind, KindRule] = {
    # The library goes on with every other exercise: the broken file is said and skipped, 0.
    "exercise": KindRule(lambda case, path: ["list"], 0, "box-breathing"),
    # The command goes on with the defaults or the good values beside a bad one, 0; `history`
    # reads the settings and shows the practice too.
    "config": KindRule(lambda case, path: ["history"], 0, SEEDED_TITLE, aside="{name}.broken-"),
    # Refused whole, nothing imported, 1.
    "import": KindRule(lambda case, path: ["import", str(path)], 1, ""),
    # Refused and left as it is, 1, unless a damaged file is moved aside and a new history
    # begun, or there is nothing to tell (an empty file, a value read around): 0 (per case).
    "database": KindRule(lambda case, path: ["history"], 1, SEEDED_TITLE, aside="{stem}.corrupt-"),
    # Refused, nothing written, 1.
    "export": KindRule(
        lambda case, path: ["export", "-o", str(path), *(["--force"] if case.force else [])],
        1,
        "",
    ),
}


# --- the bad inputs ------------------------------------------------------------------------

Build = Callable[[Path], None]  # makes something at a path


def at(where: Callable[[Places], Path], name: str, build: Build) -> Callable[[Places], Path]:
    def make(places: Places) -> Path:
        path = where(places) / name
        build(path)
        return path

    return make


def exercises(places: Places) -> Path:
    (places.home / "data" / "exercises").mkdir(exist_ok=True)
    return places.home / "data" / "exercises"


def config(places: Places) -> Path:
    (places.home / "config").mkdir(exist_ok=True)
    return places.home / "config"


def papers(places: Places) -> Path:
    return places.papers


def data(places: Places) -> Path:
    return places.home / "data"


def written(content: str | bytes) -> Build:
    def write(path: Path) -> None:
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:  # a lone surrogate stays, as a broken export could hold it
            path.write_text(content, encoding="utf-8", errors="surrogatepass")

    return write


def fifo(path: Path) -> None:
    os.mkfifo(path)


def link(to: str | Path) -> Build:
    return lambda path: path.symlink_to(to)


def loop(path: Path) -> None:
    path.symlink_to(path.name)


def folder(path: Path) -> None:
    path.mkdir()
    (path / "inside.txt").write_text("kept\n", encoding="utf-8")


def nothing(path: Path) -> None:
    """Nothing at the path: a missing file."""


TAG = HOSTILE_EXERCISES["python-name"][0]
STEPS = b"steps:\n  - say: hi\n"
EXERCISES: dict[str, Case] = {
    **{
        name: Case("exercise", at(exercises, f"{name}.yaml", written(content)))
        for name, (content, _) in HOSTILE_EXERCISES.items()
    },
    "fifo": Case("exercise", at(exercises, "pipe.yaml", fifo), ("not a regular file",)),
    "link-to-dev-zero": Case(
        "exercise", at(exercises, "zero.yaml", link("/dev/zero")), ("not a regular file",)
    ),
    "link-loop": Case("exercise", at(exercises, "loop.yaml", loop), ("cannot be opened",)),
    "dangling-link": Case(
        "exercise", at(exercises, "gone.yaml", link("nowhere.yaml")), ("no such file",)
    ),
    "escapes-in-the-title": Case(
        "exercise",
        at(
            exercises,
            "t.yaml",
            written(HEAD.replace("Calm", '"Calm\\e]0;owned\\a"') + STEPS.decode()),
        ),
        ("control character",),
    ),
    "c1-csi-in-the-title": Case(
        "exercise",
        at(exercises, "c1.yaml", written(HEAD.replace("Calm", "Calm\u009b2J") + STEPS.decode())),
        ("control character",),
    ),
    "bidi-override-in-the-summary": Case(
        "exercise",
        at(
            exercises, "bidi.yaml", written(HEAD.replace("A calm", "A \u202ecalm") + STEPS.decode())
        ),
    ),
    "escapes-and-a-newline-in-the-name": Case(
        "exercise", at(exercises, f"calm{HOSTILE_NAME}.yaml", written(TAG)), ("not supported",)
    ),
    "name-not-utf-8": Case(
        "exercise", at(exercises, os.fsdecode(b"calm\x9b2J.yaml"), written(TAG))
    ),
}

CONFIGS: dict[str, Case] = {
    name: Case(
        "config",
        at(config, "config.yaml", bad.make),
        (f"config.yaml:{bad.line}:",) if bad.line is not None else (),
        sentences=bad.sentences,  # 500 unknown names: five are said, then how many more
    )
    for name, bad in BAD_SETTINGS.items()
}


def sparse(path: Path) -> None:
    with path.open("wb") as out:  # 10 GiB that spend no disk
        out.truncate(10 * 1024**3)


REFUSED = "nothing was imported"
NOT_JSON = written(BAD_IMPORTS["not-json"][0])
IMPORTS: dict[str, Case] = {
    **{
        name: Case("import", at(papers, f"{name}.json", written(content)), (word, REFUSED))
        for name, (content, word) in BAD_IMPORTS.items()
    },
    "fifo": Case("import", at(papers, "pipe.json", fifo), ("not a regular file", REFUSED)),
    "link-to-dev-zero": Case(
        "import", at(papers, "zero.json", link("/dev/zero")), ("not a regular file", REFUSED)
    ),
    "link-loop": Case("import", at(papers, "loop.json", loop), (REFUSED,)),
    "dangling-link": Case("import", at(papers, "gone.json", link("nowhere.json")), (REFUSED,)),
    "folder": Case("import", at(papers, "exports.json", folder), ("folder", REFUSED)),
    "missing": Case("import", at(papers, "gone.json", nothing), ("no such file", REFUSED)),
    "ten-gigabytes": Case("import", at(papers, "huge.json", sparse), ("too large", REFUSED)),
    "escapes-and-a-newline-in-the-name": Case(
        "import", at(papers, f"export{HOSTILE_NAME}.json", NOT_JSON), ("not JSON", REFUSED)
    ),
    "name-not-utf-8": Case(
        "import", at(papers, os.fsdecode(b"export\x9b2J.json"), NOT_JSON), ("not JSON", REFUSED)
    ),
}


def seeded_db(places: Places) -> Path:
    return places.home / "data" / "history.db"


def changed(build: Build, name: str = "history.db") -> Callable[[Places], Path]:
    """The seeded history changed by ``build``; the bad input is the file ``name`` beside it."""

    def make(places: Places) -> Path:
        build(seeded_db(places))
        return seeded_db(places).with_name(name)

    return make


def beside(suffix: str, build: Build) -> Callable[[Places], Path]:
    """The seeded history, with ``build`` made at its name plus ``suffix``."""
    return at(data, f"history.db{suffix}", build)


def instead(build: Build, words: tuple[str, ...] = (), **options: Any) -> Case:
    """The history replaced by what ``build`` makes: the seeded practice is not in it."""

    def put(db: Path) -> None:
        db.unlink()
        build(db)

    return Case("database", changed(put), words, session_kept=False, **options)


def sql(*statements: str) -> Build:
    def run(db: Path) -> None:
        connection = sqlite3.connect(db, isolation_level=None)
        try:
            for statement in statements:
                connection.execute(statement)
        finally:
            connection.close()

    return run


def truncated(db: Path) -> None:
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 2])


def read_only(db: Path) -> None:
    db.chmod(0o400)


NOTES = "CREATE TABLE notes (body TEXT)", "INSERT INTO notes VALUES ('a note')"
MOVED = ("was kept as",)  # moved aside whole, and a new history begun
UNUSABLE = ("cannot be used", "move it elsewhere")
QUIET: dict[str, Any] = {"sentences": 0, "code": 0}  # nothing wrong to tell
DATABASES: dict[str, Case] = {
    "fifo": instead(fifo, UNUSABLE),
    "folder": instead(folder, MOVED, code=0),
    "foreign-sqlite": instead(sql(*NOTES), ("left it as it is",)),
    "foreign-marked-empty": instead(
        sql("PRAGMA application_id = 1179407188"), ("left it as it is",)
    ),
    "not-sqlite": instead(written(b"not a database \x1b[2J\x07\n" * 200), MOVED, code=0),
    "header-then-garbage": instead(written(b"SQLite format 3\x00" + b"\xff" * 4000), MOVED, code=0),
    "truncated": Case("database", changed(truncated), MOVED, code=0, session_kept=False),
    # An empty file is an empty SQLite database: nothing to tell, and nothing in it to lose.
    "zero-bytes": instead(written(b""), keeps="a-file", **QUIET),
    "link-loop": instead(loop, UNUSABLE),
    "dangling-link": instead(link("nowhere.db"), UNUSABLE),
    "link-to-dev-zero": instead(link("/dev/zero"), UNUSABLE),
    "newer-version": Case("database", changed(sql("PRAGMA user_version = 99")), ("newer",)),
    "read-only": Case("database", changed(read_only), **QUIET),
    # A value no safeplace writes is read around, never a crash; the title is shown plainly.
    "infinite-seconds-and-escapes-in-the-title": Case(
        "database",
        changed(
            sql(
                "UPDATE sessions SET practised_seconds = 9e999, "
                "title = 'Calm' || char(27) || ']0;owned' || char(7) || char(155) || '[2J'"
            )
        ),
        shows="Calm]0;owned[2J",
        **QUIET,
    ),
    "wal-of-garbage": Case(
        "database", beside("-wal", written(b"\x1b[2J garbage \x07" * 300)), keeps="nothing", **QUIET
    ),
    "shm-of-garbage": Case(
        "database", beside("-shm", written(b"\xff" * 32768)), keeps="nothing", **QUIET
    ),
    "wal-a-folder": Case("database", beside("-wal", folder), ("could not be opened",)),
}


def notes(path: Path) -> None:
    path.write_text("my own notes\n", encoding="utf-8")


def link_to_notes(places: Places) -> Path:
    notes(places.papers / "notes.txt")
    return at(papers, "x.json", link(places.papers / "notes.txt"))(places)


def link_to_history(places: Places) -> Path:
    return at(papers, "x.json", link(seeded_db(places)))(places)


def hard_link_to_history(places: Places) -> Path:
    os.link(seeded_db(places), places.papers / "x.json")
    return places.papers / "x.json"


def history_through_a_linked_folder(places: Places) -> Path:
    (places.papers / "door").symlink_to(data(places))
    return places.papers / "door" / "history.db"


def under_a_file(places: Places) -> Path:
    notes(places.papers / "notes.txt")
    return places.papers / "notes.txt" / "x.json"


def own(name: str) -> Callable[[Places], Path]:
    return lambda places: OWN_FILES[name](places.home)


EXPORTS: dict[str, Case] = {
    **{f"own-{name}": Case("export", own(name), force=True) for name in OWN_FILES},
    "existing-file": Case("export", at(papers, "notes.txt", notes), ("already exists", "--force")),
    "existing-file-with-escapes-and-a-newline": Case(
        "export", at(papers, f"notes{HOSTILE_NAME}.txt", notes), ("already exists", "--force")
    ),
    "existing-file-name-not-utf-8": Case(
        "export", at(papers, os.fsdecode(b"notes\x9b2J.txt"), notes), ("already exists",)
    ),
    "link-to-a-file": Case("export", link_to_notes, ("link",), force=True),
    "dangling-link": Case("export", at(papers, "gone.json", link("no/such.json")), ("link",)),
    "link-loop": Case("export", at(papers, "loop.json", loop), ("link",), force=True),
    "folder": Case("export", at(papers, "exports", folder), ("folder",), force=True),
    "missing-folder": Case(
        "export", at(papers, "no-such/x.json", nothing), ("could not be written",)
    ),
    "under-a-file": Case("export", under_a_file, ("could not be written",)),
    "name-too-long": Case(
        "export", at(papers, "x" * 300 + ".json", nothing), ("could not be written",)
    ),
    "full-disk": Case("export", lambda places: Path("/dev/full"), ("could not be written",)),
    "link-to-the-history": Case("export", link_to_history, ("safeplace",), force=True),
    "hard-link-to-the-history": Case("export", hard_link_to_history, ("safeplace",), force=True),
    "history-through-a-linked-folder": Case(
        "export", history_through_a_linked_folder, ("safeplace",), force=True
    ),
}

TABLES: dict[Kind, dict[str, Case]] = {
    "exercise": EXERCISES,
    "config": CONFIGS,
    "import": IMPORTS,
    "database": DATABASES,
    "export": EXPORTS,
}
MARKS: dict[str, pytest.MarkDecorator] = {
    "database-read-only": pytest.mark.skipif(ROOT, reason="root writes a 0400 file anyway"),
    "export-full-disk": pytest.mark.skipif(
        not Path("/dev/full").exists(), reason="no /dev/full here"
    ),
}
CASES = [
    pytest.param(case, id=f"{kind}-{name}", marks=MARKS.get(f"{kind}-{name}", ()))
    for kind, table in TABLES.items()
    for name, case in table.items()
]


# --- the five checks -----------------------------------------------------------------------


def shown(text: str) -> str:
    """A file name as a sentence may show it: control characters dropped, line breaks
    folded, a byte that is not UTF-8 as '?' (see :func:`unescaped`)."""
    text = CONTROL.sub("", re.sub(r"[\udc80-\udcff]", "?", text))
    return re.sub(r"[\t\n]+", " ", text)


def unescaped(sentence: str) -> str:
    """``sentence`` with Python's escape for a byte that is not UTF-8 (``\\udc9b``, as stderr
    writes one) read as '?', the other way such a byte is shown."""
    return re.sub(r"\\udc[89a-f][0-9a-f]", "?", sentence)


def describe(path: Path) -> tuple[object, ...] | None:
    """What is at path, never following a link at the end nor reading a pipe or device."""
    try:
        info = path.lstat()
    except OSError:  # missing, under a file, or a name too long: nothing is there
        return None
    if stat.S_ISLNK(info.st_mode):
        return "link", os.readlink(path)
    if stat.S_ISDIR(info.st_mode):
        return "folder", sorted(child.name for child in path.iterdir())
    if stat.S_ISREG(info.st_mode):
        if info.st_size > 4 * 1024**2:  # the sparse 10 GiB: never read it
            return "file", info.st_size, info.st_mtime_ns
        return "file", path.read_bytes()
    return "special", stat.S_IFMT(info.st_mode), info.st_rdev


def snapshot(root: Path, skip: set[Path]) -> dict[str, tuple[int, int, int]]:
    """Everything under root but skip: kind, size and modification time, never following
    links."""
    found = {}
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        dirnames[:] = [name for name in dirnames if here / name not in skip]
        for name in dirnames + filenames:
            if here / name in skip:
                continue
            info = (here / name).lstat()
            found[str(here / name)] = (stat.S_IFMT(info.st_mode), info.st_size, info.st_mtime_ns)
    return found


def history_rows(db: Path) -> list[list[tuple[object, ...]]]:
    """Every row of the history, read without safeplace from a copy of the file and its
    -wal, so that the read itself leaves nothing beside the history."""
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "history.db"
        shutil.copyfile(db, copy)
        wal = db.with_name(db.name + "-wal")
        if wal.is_file():
            shutil.copyfile(wal, copy.with_name("history.db-wal"))
        connection = sqlite3.connect(copy)
        try:
            return [
                connection.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
                for table in ("sessions", "answers", "remembered")
            ]
        finally:
            connection.close()


def asides(path: Path, rule: KindRule) -> list[Path]:
    if not rule.aside or not path.parent.is_dir():
        return []
    start = rule.aside.format(name=path.name, stem=path.stem)
    return [sibling for sibling in path.parent.iterdir() if sibling.name.startswith(start)]


def environment(places: Places) -> dict[str, str]:
    """A person's environment whose own folders are all outside SAFEPLACE_HOME."""
    person = places.root / "person"
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("XDG_", "SAFEPLACE_"))
    }
    env.update(SAFEPLACE_HOME=str(places.home), HOME=str(person), TMPDIR=str(places.root / "tmp"))
    env["LANG"] = "C.UTF-8"
    env.pop("LC_ALL", None)
    for name in ("CONFIG", "DATA", "STATE", "CACHE"):
        env[f"XDG_{name}_HOME"] = str(person / name.lower())
    return env


def limited_memory() -> None:
    """1 GiB of address space: a file that grows without end fails fast, not the machine."""
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


def safeplace(places: Places, argv: list[str]) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [str(SAFEPLACE), *argv],
        env=environment(places),
        cwd=places.root / "cwd",
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=TIMEOUT,
        preexec_fn=limited_memory,
        check=False,
    )


class Before(NamedTuple):
    rows: list[list[tuple[object, ...]]]  # the history, seeded
    bad: tuple[object, ...] | None  # the bad input, described
    skip: set[Path]  # SAFEPLACE_HOME, and an export's target
    outside: dict[str, tuple[int, int, int]]  # everything else of the test


def assert_met_safely(
    case: Case, places: Places, bad: Path, done: subprocess.CompletedProcess[bytes], before: Before
) -> None:
    rule = KINDS[case.kind]
    # (5) no escape, BEL or other control character, and no byte that is not UTF-8 (a lone
    # 0x9b is CSI to an 8-bit terminal).
    for stream in (done.stdout, done.stderr):
        text = stream.decode("utf-8")
        found = CONTROL.search(text)
        assert found is None, f"{found.group()!r} reached the terminal: {text!r}"
    out, err = done.stdout.decode(), done.stderr.decode()

    # (1) one clear sentence per problem, on one line, naming the file.
    assert "Traceback" not in err, err
    said = [line for line in err.splitlines() if line.strip()]
    assert len(said) == case.sentences, said
    for sentence in said:
        assert not CLASS_NAME.search(sentence), sentence
        named = unescaped(sentence)
        assert shown(str(bad.parent)) in named and shown(bad.stem) in named, sentence
    for word in case.words:
        assert word in said[0], (word, said[0])

    # (2) the exit code of the kind, and what a command that goes on shows.
    code = rule.code if case.code is None else case.code
    assert done.returncode == code, (done.returncode, err)
    if code == 0:
        shows = rule.shows if case.session_kept else ""  # a new, empty history
        assert (shows if case.shows is None else case.shows) in out, out
    else:
        assert out == "", out

    # (3) nothing lost: the practice, and the bad file itself.
    db = seeded_db(places)
    if case.kind != "database":
        assert history_rows(db) == before.rows
    elif case.session_kept:  # found by its id: a changed row may be the case itself
        session_id = before.rows[0][0][0]
        assert session_id in [row[0] for row in history_rows(db)[0]]
    if case.keeps == "it":
        kept = [describe(bad)] + [describe(aside) for aside in asides(bad, rule)]
        assert before.bad in kept, (before.bad, kept)
    elif case.keeps == "a-file":
        assert bad.is_file() and not bad.is_symlink()

    # (4) nothing written outside SAFEPLACE_HOME.
    assert snapshot(places.root, before.skip) == before.outside


# --- the test ------------------------------------------------------------------------------


class Seed(NamedTuple):
    db: Path
    rows: list[list[tuple[object, ...]]]


@pytest.fixture(scope="module")
def seed(tmp_path_factory: pytest.TempPathFactory) -> Seed:
    """A real history with one practice and its answer, made once and copied into each home."""
    db = tmp_path_factory.mktemp("seed") / "history.db"
    started = datetime(2026, 2, 27, 7, 0, tzinfo=UTC)
    with HistoryStore.open(db) as store:
        first = history_seed.begin(
            store, "kind-pause", SEEDED_TITLE, "h", 300, day_start_hour=4, started_at=started
        )
        history_seed.add_answer(store, first, "What helps?", "Tea", "what_helps")
        history_seed.finish(store, first, "completed", 300, 5)
    return Seed(db, history_rows(db))


@pytest.fixture
def places(tmp_path: Path, seed: Seed) -> Places:
    places = Places(
        home=tmp_path / f"home{HOSTILE_NAME}",
        papers=tmp_path / f"papers{HOSTILE_NAME}",
        root=tmp_path,
    )
    for name in ("cwd", "person", "tmp"):
        (tmp_path / name).mkdir()
    places.papers.mkdir()
    data(places).mkdir(parents=True)
    shutil.copyfile(seed.db, seeded_db(places))
    return places


@pytest.mark.parametrize("case", CASES)
def test_a_bad_input_is_met_safely(case: Case, places: Places, seed: Seed) -> None:
    bad = case.make(places)
    skip = {places.home} | ({bad} if case.kind == "export" else set())
    before = Before(seed.rows, describe(bad), skip, snapshot(places.root, skip))
    done = safeplace(places, KINDS[case.kind].command(case, bad))
    assert_met_safely(case, places, bad, done, before)


def test_every_kind_has_a_dozen_cases_or_more() -> None:
    """Counting only the cases that run everywhere (no xfail, no skip)."""
    counts = {
        kind: len([name for name in table if f"{kind}-{name}" not in MARKS])
        for kind, table in TABLES.items()
    }
    assert min(counts.values()) >= 12 and sum(counts.values()) >= 60, counts
