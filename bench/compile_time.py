#!/usr/bin/env python3
"""Compile-time cost of attesto_migration!, against hand-written floors and
against sqlx's migrate! and refinery's embed_migrations!.

Builds small host crates in a scratch directory and times `cargo build` on
them, interleaving the variants round by round so that a slow moment of the
machine hits all of them alike. Reports the median with min-max and the
ratios, the machine and the exact command. See BENCHMARKS.md.

    python3 bench/compile_time.py [--rounds N] [--clean-rounds N] [--sizes 1,10,100] [--out DIR]

Needs network access once (to fetch sqlx and refinery), then runs offline.
"""

import argparse
import hashlib
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tarfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MACROS = REPO / "attesto-macros"


def run(cmd, cwd, env=None, capture=False):
    """Runs cmd in cwd; raises with its output when it fails."""
    result = subprocess.run(
        cmd,
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    if result.returncode != 0:
        sys.exit(f"error: {shlex.join(cmd)} in {cwd} failed:\n{result.stderr}")
    return result.stdout if capture else ""


def timed(cmd, cwd):
    """Seconds cmd takes in cwd."""
    start = time.perf_counter()
    run(cmd, cwd)
    return time.perf_counter() - start


class Host:
    """A host crate of its own (its own workspace and target directory)."""

    def __init__(self, root, name, deps, main, files=None, lock=None, vendor=None):
        self.name = name
        self.dir = root / name
        if self.dir.exists():
            shutil.rmtree(self.dir)
        (self.dir / "src").mkdir(parents=True)
        (self.dir / "Cargo.toml").write_text(
            f'[package]\nname = "{name}"\nversion = "0.0.0"\nedition = "2024"\npublish = false\n\n'
            f"[dependencies]\n{deps}\n[workspace]\n"
        )
        (self.dir / "src" / "main.rs").write_text(main)
        for rel, text in (files or {}).items():
            path = self.dir / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        if lock:
            shutil.copy(lock, self.dir / "Cargo.lock")
        if vendor:
            # Dependencies come from a registry-like source, as a user's
            # would: cargo fingerprints path dependencies file by file.
            (self.dir / ".cargo").mkdir()
            (self.dir / ".cargo" / "config.toml").write_text(
                '[source.crates-io]\nreplace-with = "vendored"\n\n'
                f'[source.vendored]\ndirectory = "{vendor}"\n'
            )
        # Resolve and download now, untimed; the timed builds are offline.
        run(["cargo", "fetch"], self.dir)

    def clean_build(self, package=None):
        shutil.rmtree(self.dir / "target", ignore_errors=True)
        cmd = ["cargo", "build", "--offline"]
        if package:
            cmd += ["-p", package]
        return timed(cmd, self.dir)

    def incremental_build(self):
        """Rebuild after touching the host's source (as an edit would)."""
        main = self.dir / "src" / "main.rs"
        if not (self.dir / "target").exists():
            run(["cargo", "build", "--offline"], self.dir)
        # A whitespace edit: a new mtime and new contents, same program.
        text = main.read_text()
        main.write_text(text + "\n" if not text.endswith("\n\n") else text.rstrip("\n") + "\n")
        return timed(["cargo", "build", "--offline"], self.dir)

    def dependency_count(self, package):
        out = run(
            ["cargo", "tree", "--offline", "-p", package, "-e", "normal,build", "--prefix", "none"],
            self.dir,
            capture=True,
        )
        names = {line.split(" ")[0] for line in out.splitlines() if line.strip()}
        names.discard(package)
        return len(names)


def expansion(args):
    """The macro's expansion for args, as formatted Rust source."""
    tokens = run(
        ["cargo", "run", "-q", "--release", "-p", "attesto-macros-core", "--example", "expand", "--", args],
        REPO,
        capture=True,
    )
    formatted = subprocess.run(
        ["rustfmt", "--edition", "2024"], input=tokens, text=True, capture_output=True
    )
    return formatted.stdout if formatted.returncode == 0 else tokens


def vendor_attesto(root, lock):
    """A vendored source holding attesto-schema and attesto-macros as
    packaged for crates.io, and their dependencies."""
    vendor = root / "vendor"
    if vendor.exists():
        shutil.rmtree(vendor)
    run(["cargo", "package", "--no-verify", "--allow-dirty", "-q",
         "-p", "attesto-schema", "-p", "attesto-macros-core", "-p", "attesto-macros"], REPO)
    seed = Host(root, "vendor-seed", f'attesto-macros = {{ path = "{MACROS}" }}\n', "fn main() {}\n", lock=lock)
    run(["cargo", "vendor", "--versioned-dirs", "--offline", str(vendor)], seed.dir)
    for name in ("attesto-schema", "attesto-macros"):
        crate = REPO / "target" / "package" / f"{name}-0.1.0.crate"
        with tarfile.open(crate) as archive:
            archive.extractall(vendor, filter="data")
        checksum = hashlib.sha256(crate.read_bytes()).hexdigest()
        (vendor / f"{name}-0.1.0" / ".cargo-checksum.json").write_text(
            json.dumps({"files": {}, "package": checksum})
        )
    return vendor


def attesto_hosts(root, n, vendor):
    """The host with n invocations, and its floor with them written out."""
    prefixes = [f"p{i}_" for i in range(n)]
    use = "".join(f"    n += db{i}::UP_SQL.len() + db{i}::DpopReplayRow::COLUMNS.len();\n" for i in range(n))
    main_fn = f"fn main() {{\n    let mut n = 0;\n{use}    println!(\"{{n}}\");\n}}\n"
    macro_mods = "".join(
        f'mod db{i} {{\n    attesto_macros::attesto_migration!(prefix = "{p}");\n}}\n'
        for i, p in enumerate(prefixes)
    )
    floor_mods = "".join(
        f"#[allow(dead_code)]\nmod db{i} {{\n{expansion(f'prefix = {chr(34)}{p}{chr(34)}')}}}\n"
        for i, p in enumerate(prefixes)
    )
    macro = Host(
        root,
        f"attesto-{n}",
        'attesto-macros = "0.1.0"\n',
        "#![allow(dead_code)]\n" + macro_mods + main_fn,
        vendor=vendor,
    )
    floor = Host(root, f"floor-{n}", "", "#![allow(dead_code)]\n" + floor_mods + main_fn)
    return macro, floor


def control_host(root, floor, vendor):
    """The floor with attesto-macros declared but never invoked: what having
    the dependency costs, apart from expanding it."""
    return Host(
        root,
        f"{floor.name}-with-dep",
        'attesto-macros = "0.1.0"\n',
        (floor.dir / "src" / "main.rs").read_text(),
        vendor=vendor,
    )


def migration_files(root):
    """The equivalent migration, as sqlx and refinery files."""
    scratch = root / "gen"
    if scratch.exists():
        shutil.rmtree(scratch)
    scratch.mkdir(parents=True)
    attesto = [
        "cargo", "run", "-q", "-p", "attesto-schema", "--features", "cli", "--bin", "attesto",
        "--manifest-path", str(REPO / "Cargo.toml"), "--",
    ]
    run(attesto + ["gen-migration", "--table-prefix", "p0_", "--migrations-path", "sqlx"], scratch)
    run(attesto + ["gen-migration", "--table-prefix", "p0_", "--migrations-path", "refinery",
                   "--format", "refinery"], scratch)
    files = lambda d: {f"migrations/{p.name}": p.read_text() for p in (scratch / d).iterdir()}
    return files("sqlx"), files("refinery")


def stats(samples):
    return statistics.median(samples), min(samples), max(samples)


def fmt(samples):
    med, lo, hi = stats(samples)
    if hi < 1.0:
        # Incremental rebuilds differ by milliseconds.
        return f"{med * 1000:5.0f} ms ({lo * 1000:.0f}-{hi * 1000:.0f})"
    return f"{med:7.2f} s ({lo:.2f}-{hi:.2f})"


def ratio(a, b):
    return statistics.median(a) / statistics.median(b)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9, help="incremental rounds (default 9)")
    parser.add_argument("--clean-rounds", type=int, default=3, help="clean-build rounds (default 3)")
    parser.add_argument("--out", default=str(REPO / "target" / "compile-bench"), help="scratch dir")
    parser.add_argument("--sizes", default="1,10,100", help="invocation counts (default 1,10,100)")
    args = parser.parse_args()
    root = Path(args.out)
    root.mkdir(parents=True, exist_ok=True)
    sizes = [int(s) for s in args.sizes.split(",")]
    lock = REPO / "Cargo.lock"

    print("setting up hosts (untimed)...", file=sys.stderr)
    run(["cargo", "build", "-q", "--release", "-p", "attesto-macros-core", "--example", "expand"], REPO)
    vendor = vendor_attesto(root, lock)
    pairs = {n: attesto_hosts(root, n, vendor) for n in sizes}
    control = control_host(root, pairs[sizes[0]][1], vendor)
    sqlx_files, refinery_files = migration_files(root)
    sqlx = Host(
        root,
        "sqlx-migrate",
        'sqlx = { version = "0.9", default-features = false, features = ["migrate", "macros"] }\n',
        'static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");\n'
        'fn main() {\n    println!("{}", MIGRATOR.iter().count());\n}\n',
        sqlx_files,
    )
    refinery = Host(
        root,
        "refinery-embed",
        'refinery = { version = "0.10", default-features = false }\n',
        'mod embedded {\n    refinery::embed_migrations!("migrations");\n}\n'
        'fn main() {\n    println!("{}", embedded::migrations::runner().get_migrations().len());\n}\n',
        refinery_files,
    )

    incremental = {h.name: [] for n in sizes for h in pairs[n]}
    incremental.update({control.name: [], sqlx.name: [], refinery.name: []})
    clean = {name: [] for name in incremental}
    macro_crates = {
        "attesto-macros": (pairs[sizes[0]][0], "attesto-macros"),
        "sqlx-macros (migrate)": (sqlx, "sqlx-macros"),
        "refinery-macros": (refinery, "refinery-macros"),
    }
    macro_clean = {name: [] for name in macro_crates}
    hosts = [h for n in sizes for h in pairs[n]] + [control, sqlx, refinery]

    for r in range(args.clean_rounds):
        print(f"clean round {r + 1}/{args.clean_rounds}", file=sys.stderr)
        for name, (host, package) in macro_crates.items():
            macro_clean[name].append(host.clean_build(package))
        for host in hosts:
            clean[host.name].append(host.clean_build())
    for r in range(args.rounds):
        print(f"incremental round {r + 1}/{args.rounds}", file=sys.stderr)
        for host in hosts:
            incremental[host.name].append(host.incremental_build())

    deps = {name: host.dependency_count(pkg) for name, (host, pkg) in macro_crates.items()}
    cpu = next(
        (l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines()
         if l.startswith("model name")),
        platform.processor(),
    ) if Path("/proc/cpuinfo").exists() else platform.processor()
    rustc = run(["rustc", "-V"], REPO, capture=True).strip()

    out = []
    out.append(f"command: python3 bench/compile_time.py {' '.join(shlex.quote(a) for a in sys.argv[1:])}")
    out.append(f"machine: {os.cpu_count()} cores, {cpu}; {platform.system()} {platform.release()}")
    out.append(f"toolchain: {rustc}; dev profile; {args.clean_rounds} clean rounds, "
               f"{args.rounds} incremental rounds, interleaved; median (min-max)")
    out.append("")
    out.append("| host | clean build | incremental rebuild | clean ratio | incremental ratio |")
    out.append("|---|---|---|---|---|")
    for n in sizes:
        macro, floor = pairs[n]
        out.append(f"| {n} x attesto_migration! | {fmt(clean[macro.name])} | {fmt(incremental[macro.name])} "
                   f"| {ratio(clean[macro.name], clean[floor.name]):.2f} x floor "
                   f"| {ratio(incremental[macro.name], incremental[floor.name]):.2f} x floor |")
        out.append(f"| {n} x hand-written floor | {fmt(clean[floor.name])} | {fmt(incremental[floor.name])} | 1.00 | 1.00 |")
    one = pairs[sizes[0]][0].name
    out.append(f"| {sizes[0]} x floor + attesto-macros dependency, unused | {fmt(clean[control.name])} "
               f"| {fmt(incremental[control.name])} | - "
               f"| attesto-{sizes[0]} is {ratio(incremental[one], incremental[control.name]):.2f} x this |")
    for host in (sqlx, refinery):
        out.append(f"| {host.name} | {fmt(clean[host.name])} | {fmt(incremental[host.name])} "
                   f"| {ratio(clean[host.name], clean[one]):.2f} x attesto-{sizes[0]} "
                   f"| {ratio(incremental[host.name], incremental[one]):.2f} x attesto-{sizes[0]} |")
    out.append("")
    out.append("| macro crate | crates in its tree | clean build, with dependencies | vs attesto-macros |")
    out.append("|---|---|---|---|")
    for name in macro_crates:
        out.append(f"| {name} | {deps[name]} | {fmt(macro_clean[name])} "
                   f"| {ratio(macro_clean[name], macro_clean['attesto-macros']):.2f} x |")
    out.append("")
    budgets = []
    n1, nmax = sizes[0], sizes[-1]
    r1 = ratio(incremental[pairs[n1][0].name], incremental[pairs[n1][1].name])
    budgets.append((f"{n1} invocation, incremental <= 1.10 x floor", r1 <= 1.10, f"{r1:.2f}"))
    rmax = ratio(incremental[pairs[nmax][0].name], incremental[pairs[nmax][1].name])
    budgets.append((f"{nmax} invocations, incremental <= 2 x floor", rmax <= 2.0, f"{rmax:.2f}"))
    rmaxc = ratio(clean[pairs[nmax][0].name], clean[pairs[nmax][1].name])
    budgets.append((f"{nmax} invocations, clean <= 2 x floor", rmaxc <= 2.0, f"{rmaxc:.2f}"))
    rs = ratio(macro_clean["attesto-macros"], macro_clean["sqlx-macros (migrate)"])
    budgets.append(("attesto-macros clean build below sqlx-macros", rs < 1.0, f"{rs:.2f} x sqlx"))
    out.append("| budget | figure | met |")
    out.append("|---|---|---|")
    for what, ok, figure in budgets:
        out.append(f"| {what} | {figure} | {'yes' if ok else 'NO'} |")
    report = "\n".join(out) + "\n"
    (root / "report.md").write_text(report)
    print(report)


if __name__ == "__main__":
    main()
