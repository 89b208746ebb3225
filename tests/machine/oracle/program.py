"""Corpus programs: directives in the source and assembly into flat images.

A corpus program is a GNU ``as`` source for s390 restricted to System/370
instructions. Lines starting with ``#@`` are directives for the harness (the
``#`` makes them comments to the assembler); see ``corpus/README.md``:

    #@ compare 10000-100ff   also compare this storage range (hex, inclusive)
    #@ keys 0-1fff           compare storage keys (key and fetch bit) per 2K block
    #@ ignore gpr 5          leave general register 5 out (also cr N, fpr N, psw)
    #@ ignore 400-407        leave these storage bytes out
    #@ expect gpr 1 0000000c the Hercules result must have this value (also cr N,
                             fpr N, psw, or a storage address: 400 c1c2)
    #@ timeout 5             seconds Hercules may run before it is stopped
    #@ limit 500000          instruction limit for Machine.run (default 200,000)

Storage from 0 to the end of the image is always compared, except the
restart old PSW (0x08-0x0F) and the interval timer (0x50-0x53).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

CORPUS_DIR = Path(__file__).resolve().parent.parent / "corpus"
INCLUDE_FILE = CORPUS_DIR / "s370.inc"

# Bytes never compared: the restart old PSW (Hercules stores the stopped PSW
# there on "restart"; Machine starts from set_psw) and the interval timer,
# which Hercules keeps ticking in real time.
DEFAULT_IGNORED_STORAGE: tuple[tuple[int, int], ...] = ((0x08, 0x0F), (0x50, 0x53))

AS = "s390x-linux-gnu-as"
LD = "s390x-linux-gnu-ld"
OBJCOPY = "s390x-linux-gnu-objcopy"


class DirectiveError(ValueError):
    """A ``#@`` line that the harness cannot understand."""


@dataclass(frozen=True)
class Expectation:
    """``#@ expect``: a value the program's author knows the result must have."""

    kind: str  # "gpr", "cr", "fpr", "psw" or "storage"
    index: int  # register number or storage address (0 for psw)
    value: bytes


@dataclass
class Program:
    """One corpus program: its source, directives and (once built) its image."""

    name: str
    source: Path
    compare: list[tuple[int, int]] = field(default_factory=list)
    keys: list[tuple[int, int]] = field(default_factory=list)
    ignore_storage: list[tuple[int, int]] = field(default_factory=list)
    ignore_registers: set[str] = field(default_factory=set)  # "gpr5", "cr0", "fpr2", "psw"
    expect: list[Expectation] = field(default_factory=list)
    timeout: float = 3.0
    limit: int = 200_000
    image: bytes = b""
    image_path: Path | None = None

    def storage_ranges(self) -> list[tuple[int, int]]:
        """Inclusive ranges to compare: the whole image rounded to 16 bytes, then ``compare``."""
        end = (len(self.image) + 15) // 16 * 16 - 1
        ranges = [(0, max(end, 0x1FF))]
        ranges.extend(self.compare)
        return ranges

    def ignored(self, address: int) -> bool:
        """True when storage byte ``address`` is left out of comparisons."""
        for low, high in (*DEFAULT_IGNORED_STORAGE, *self.ignore_storage):
            if low <= address <= high:
                return True
        return False


def _range(text: str) -> tuple[int, int]:
    low, _, high = text.partition("-")
    start = int(low, 16)
    end = int(high, 16) if high else start
    if end < start:
        raise DirectiveError(f"empty range {text!r}")
    return start, end


def _register(kind: str, number: str) -> str:
    limit = {"gpr": 15, "cr": 15, "fpr": 6}[kind]
    index = int(number)
    if not 0 <= index <= limit or (kind == "fpr" and index % 2):
        raise DirectiveError(f"no such register {kind} {number}")
    return f"{kind}{index}"


def _expectation(words: list[str]) -> Expectation:
    if words[0] == "psw":
        return Expectation("psw", 0, bytes.fromhex("".join(words[1:])))
    if words[0] in ("gpr", "cr", "fpr"):
        index = int(_register(words[0], words[1])[len(words[0]) :])
        return Expectation(words[0], index, bytes.fromhex("".join(words[2:])))
    return Expectation("storage", int(words[0], 16), bytes.fromhex("".join(words[1:])))


def _apply(program: Program, verb: str, words: list[str]) -> None:
    if verb == "compare":
        program.compare.extend(_range(word) for word in words)
    elif verb == "keys":
        program.keys.extend(_range(word) for word in words)
    elif verb == "ignore" and words and words[0] in ("gpr", "cr", "fpr"):
        program.ignore_registers.update(_register(words[0], n) for n in words[1:])
    elif verb == "ignore" and words == ["psw"]:
        program.ignore_registers.add("psw")
    elif verb == "ignore":
        program.ignore_storage.extend(_range(word) for word in words)
    elif verb == "expect":
        item = _expectation(words)
        program.expect.append(item)
        if item.kind == "storage":  # what is expected is also compared
            program.compare.append((item.index, item.index + len(item.value) - 1))
    elif verb == "timeout":
        program.timeout = float(words[0])
    elif verb == "limit":
        program.limit = int(words[0])
    elif verb != "title":
        raise DirectiveError(f"unknown directive {verb!r}")


def parse(source: Path) -> Program:
    """Read the ``#@`` directives of ``source`` into a :class:`Program` (not yet assembled)."""
    program = Program(name=source.stem, source=source)
    for number, line in enumerate(source.read_text().splitlines(), 1):
        if not line.startswith("#@"):
            continue
        words = line[2:].replace(",", " ").split()
        if not words:
            continue
        try:
            _apply(program, words[0].lower().rstrip(":"), [w.lower() for w in words[1:]])
        except (DirectiveError, ValueError, IndexError, KeyError) as error:
            raise DirectiveError(f"{source.name}:{number}: {line!r}: {error}") from error
    return program


def cache_dir() -> Path:
    """Directory holding assembled images, keyed by a hash of their sources."""
    path = Path(os.environ.get("VM370_CORPUS_CACHE", Path(tempfile.gettempdir()) / "vm370-corpus"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def _digest(source: Path) -> str:
    hasher = hashlib.sha256()
    hasher.update(source.read_bytes())
    hasher.update(INCLUDE_FILE.read_bytes())
    return hasher.hexdigest()[:20]


def assemble(program: Program) -> Program:
    """Assemble ``program`` into a flat image loaded at address 0 (cached per source hash)."""
    target = cache_dir() / f"{program.name}-{_digest(program.source)}.bin"
    if not target.exists():
        with tempfile.TemporaryDirectory(dir=cache_dir()) as work:
            obj, elf, flat = (Path(work) / f"t.{ext}" for ext in ("o", "elf", "bin"))
            steps = [
                [AS, "-m31", "-mesa", f"-I{CORPUS_DIR}", "-o", str(obj), str(program.source)],
                [LD, "-m", "elf_s390", "-Ttext=0", "-e", "0", "-o", str(elf), str(obj)],
                [OBJCOPY, "-O", "binary", "-j", ".text", str(elf), str(flat)],
            ]
            for step in steps:
                result = subprocess.run(step, capture_output=True, text=True, check=False)
                if result.returncode != 0:
                    raise RuntimeError(f"{program.name}: {step[0]} failed:\n{result.stderr}")
            os.replace(flat, target)
    program.image = target.read_bytes()
    program.image_path = target
    return program


def corpus() -> list[Path]:
    """Every program in the corpus directory, sorted by name."""
    return sorted(CORPUS_DIR.glob("*.s"))
