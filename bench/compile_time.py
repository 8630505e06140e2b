#!/usr/bin/env python3
"""Compile-time cost of attesto_migration!, against hand-written floors and
against sqlx's migrate! and refinery's embed_migrations!.

Builds small host crates in a scratch directory and times `cargo build` on
them, interleaving the variants round by round so that a slow moment of the
machine hits all of them alike. Reports the median with min-max and the
ratios, the machine and the exact command. See BENCHMARKS.md.

    python3 bench/compile_time.py [--rounds N] [--clean-rounds N] [--sizes 1,10,100]
                                  [--integrations LIST|none] [--out DIR]

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


def timed(cmd, cwd, env=None):
    """Seconds cmd takes in cwd."""
    start = time.perf_counter()
    run(cmd, cwd, env)
    return time.perf_counter() - start


class Host:
    """A host crate of its own (its own workspace and target directory)."""

    def __init__(self, root, name, deps, main, files=None, lock=None, vendor=None, target=None):
        self.name = name
        self.dir = root / name
        # A target directory shared with another host, so that the
        # dependencies both have are built once; `None`: the host's own.
        self.target = Path(target) if target else self.dir / "target"
        self.env = dict(os.environ, CARGO_TARGET_DIR=str(self.target))
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
        shutil.rmtree(self.target, ignore_errors=True)
        cmd = ["cargo", "build", "--offline"]
        if package:
            cmd += ["-p", package]
        return timed(cmd, self.dir, self.env)

    def incremental_build(self):
        """Rebuild after touching the host's source (as an edit would)."""
        main = self.dir / "src" / "main.rs"
        run(["cargo", "build", "--offline"], self.dir, self.env)
        # A whitespace edit: a new mtime and new contents, same program.
        text = main.read_text()
        main.write_text(text + "\n" if not text.endswith("\n\n") else text.rstrip("\n") + "\n")
        return timed(["cargo", "build", "--offline"], self.dir, self.env)

    def dependency_count(self, package):
        out = run(
            ["cargo", "tree", "--offline", "-p", package, "-e", "normal,build", "--prefix", "none"],
            self.dir,
            capture=True,
        )
        names = {line.split(" ")[0] for line in out.splitlines() if line.strip()}
        names.discard(package)
        return len(names)


def expansion(args, host_dir=REPO):
    """The macro's expansion for args, in the crate at host_dir (whose
    Cargo.toml the integrations' dependency check reads), as formatted Rust
    source. Runs the `expand` example that main() built: cargo, run in a
    host's directory, would take the host's vendored source for the
    workspace's."""
    tokens = run([str(REPO / "target" / "release" / "examples" / "expand"), args], host_dir, capture=True)
    formatted = subprocess.run(
        ["rustfmt", "--edition", "2024"], input=tokens, text=True, capture_output=True
    )
    return formatted.stdout if formatted.returncode == 0 else tokens


def vendor_attesto(root, lock, extra_deps="", name="vendor"):
    """A vendored source, `root/name`, holding attesto-schema and
    attesto-macros as packaged for crates.io, their dependencies, and
    `extra_deps` (the integrations' drivers) with theirs. The drivers get
    a source of their own: cargo reads every package of a directory source
    on each build, and hundreds of them would add tens of milliseconds to
    every rebuild of the hosts that need none of them."""
    vendor = root / name
    if vendor.exists():
        shutil.rmtree(vendor)
    run(["cargo", "package", "--no-verify", "--allow-dirty", "-q",
         "-p", "attesto-schema", "-p", "attesto-macros-core", "-p", "attesto-macros"], REPO)
    seed = Host(root, f"{name}-seed", f'attesto-macros = {{ path = "{MACROS}" }}\n' + extra_deps,
                "fn main() {}\n", lock=lock)
    run(["cargo", "vendor", "--versioned-dirs", "--offline", str(vendor)], seed.dir)
    for name in ("attesto-schema", "attesto-macros-core", "attesto-macros"):
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


def control_host(root, floor, vendor, name="dep", dep='attesto-macros = "0.1.0"'):
    """The floor with `dep` declared but never used. With attesto-macros:
    what having the dependency costs, apart from expanding it. With syn
    (as attesto uses it): the part of that every syn-based macro's tree
    has."""
    return Host(
        root,
        f"{floor.name}-with-{name}",
        dep + "\n",
        (floor.dir / "src" / "main.rs").read_text(),
        vendor=vendor,
    )


def prebuilt_host(root, macro):
    """One invocation's expansion, returned as text by a proc macro that
    has no dependencies and computes nothing: what any macro handing the
    compiler this much code costs (loading it, the compiler lexing its
    output), before attesto's own work."""
    crate = root / "prebuilt-macro"
    if crate.exists():
        shutil.rmtree(crate)
    (crate / "src").mkdir(parents=True)
    (crate / "Cargo.toml").write_text(
        '[package]\nname = "prebuilt-macro"\nversion = "0.0.0"\nedition = "2024"\npublish = false\n\n'
        "[lib]\nproc-macro = true\n\n[workspace]\n"
    )
    (crate / "src" / "expansion.txt").write_text(expansion('prefix = "p0_"'))
    (crate / "src" / "lib.rs").write_text(
        "use proc_macro::TokenStream;\n\n"
        "#[proc_macro]\npub fn attesto_migration(_: TokenStream) -> TokenStream {\n"
        '    include_str!("expansion.txt").parse().expect("the expansion lexes")\n}\n'
    )
    main = (macro.dir / "src" / "main.rs").read_text()
    return Host(
        root,
        "prebuilt-1",
        f'prebuilt-macro = {{ path = "{crate}" }}\n',
        main.replace("attesto_macros::attesto_migration!", "prebuilt_macro::attesto_migration!"),
    )


def migration_files(root):
    """The equivalent migration, as sqlx and refinery files."""
    scratch = root / "gen"
    if scratch.exists():
        shutil.rmtree(scratch)
    scratch.mkdir(parents=True)
    attesto = [
        "cargo", "run", "-q", "-p", "attesto-cli", "--no-default-features", "--bin", "attesto",
        "--manifest-path", str(REPO / "Cargo.toml"), "--",
    ]
    run(attesto + ["gen-migration", "--table-prefix", "p0_", "--migrations-path", "sqlx"], scratch)
    run(attesto + ["gen-migration", "--table-prefix", "p0_", "--migrations-path", "refinery",
                   "--format", "refinery"], scratch)
    files = lambda d: {f"migrations/{p.name}": p.read_text() for p in (scratch / d).iterdir()}
    return files("sqlx"), files("refinery")


# Each integration's host: the invocation's dialect, the dependencies its
# glue needs (as the README's recipes have them), and a use of the glue.
CHRONO = 'chrono = { version = "0.4", default-features = false, features = ["std", "clock"] }\n'
INTEGRATIONS = {
    "sqlx": ('prefix = "p0_", integrations(sqlx)',
             'sqlx = { version = "0.9", default-features = false, features = ["runtime-tokio", "postgres", "chrono", "uuid", "json"] }\n'
             + CHRONO + 'serde_json = "1"\nuuid = "1"\n',
             "{ let pool = sqlx::PgPool::connect_lazy(\"postgres://localhost/x\").expect(\"a URL\"); std::mem::size_of_val(&db0::verify(&pool)) }"),
    "postgres": ('prefix = "p0_", integrations(postgres)',
                 'postgres = { version = "0.19", features = ["with-chrono-0_4", "with-uuid-1", "with-serde_json-1"] }\n'
                 + CHRONO + 'serde_json = "1"\nuuid = "1"\n',
                 "db0::DpopReplayRow { jti: String::new(), expires_at: Default::default(), inserted_at: Default::default() }.params().len()"),
    "tokio_postgres": ('prefix = "p0_", integrations(tokio_postgres)',
                       'tokio-postgres = { version = "0.7", features = ["with-chrono-0_4", "with-uuid-1", "with-serde_json-1"] }\n'
                       + CHRONO + 'serde_json = "1"\nuuid = "1"\n',
                       "db0::DpopReplayRow { jti: String::new(), expires_at: Default::default(), inserted_at: Default::default() }.params().len()"),
    "rusqlite": ('dialect = "sqlite", prefix = "p0_", integrations(rusqlite)',
                 'rusqlite = { version = "0.39", features = ["bundled", "chrono", "uuid", "serde_json"] }\n'
                 + CHRONO + 'serde_json = "1"\nuuid = "1"\n',
                 "db0::DpopReplayRow { jti: String::new(), expires_at: Default::default(), inserted_at: Default::default() }.params().len()"),
    "diesel": ('prefix = "p0_", integrations(diesel)',
               'diesel = { version = "2.3", features = ["postgres", "chrono", "uuid", "serde_json"] }\n'
               + CHRONO + 'serde_json = "1"\nuuid = "1"\n',
               "{ use diesel::QueryDsl; diesel::debug_query::<diesel::pg::Pg, _>(&db0::dpop_replays::table.select(db0::dpop_replays::jti)).to_string().len() }"),
    "sea_orm": ('dialect = "sqlite", prefix = "p0_", integrations(sea_orm)',
                'sea-orm = { version = "2", default-features = false, features = ["sqlx-sqlite", "runtime-tokio", "with-chrono", "with-uuid", "with-json", "macros"] }\n'
                + CHRONO + 'serde_json = "1"\nuuid = "1"\n',
                "{ use sea_orm::EntityName; db0::dpop_replays::Entity.table_name().len() }"),
}


def integration_hosts(root, name, vendor):
    """One invocation with integration `name`, and its floor: the same
    program with the expansion written out and the same dependencies but
    attesto-macros. Both share a target directory, so that the driver's
    crates are built once."""
    args, deps, use = INTEGRATIONS[name]
    # The generated `verify` and `ensure` name attesto-schema, which the
    # host depends on (the macro's check asks for it).
    deps = 'attesto-schema = "0.1.0"\n' + deps
    main_fn = f"fn main() {{\n    println!(\"{{}}\", {use});\n}}\n"
    target = root / f"target-{name}"
    macro = Host(
        root,
        f"attesto-{name}",
        'attesto-macros = "0.1.0"\n' + deps,
        "#![allow(dead_code)]\n" + f"mod db0 {{\n    attesto_macros::attesto_migration!({args});\n}}\n" + main_fn,
        vendor=vendor,
        target=target,
    )
    floor_mod = f"#[allow(dead_code)]\nmod db0 {{\n{expansion(args, macro.dir)}}}\n"
    floor = Host(root, f"floor-{name}", deps, "#![allow(dead_code)]\n" + floor_mod + main_fn,
                 vendor=vendor, target=target)
    return macro, floor


def rotated(hosts, r):
    """`hosts`, starting at the r-th: each host takes every place in a round
    in turn, so that no host always follows the same one (the first of a
    round follows the heaviest builds of the last)."""
    k = r % len(hosts)
    return hosts[k:] + hosts[:k]


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


def paired(a, b):
    """The median of the round-by-round ratios of a to b: each pair was
    measured in the same round, so that the machine's drift over a run
    (a few percent) cancels out."""
    return statistics.median(x / y for x, y in zip(a, b))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9, help="incremental rounds (default 9)")
    parser.add_argument("--clean-rounds", type=int, default=3, help="clean-build rounds (default 3)")
    parser.add_argument("--out", default=str(REPO / "target" / "compile-bench"), help="scratch dir")
    parser.add_argument("--sizes", default="1,10,100", help="invocation counts (default 1,10,100)")
    parser.add_argument("--integrations", default=",".join(INTEGRATIONS),
                        help=f"integrations to measure, or none (default {','.join(INTEGRATIONS)})")
    args = parser.parse_args()
    root = Path(args.out)
    root.mkdir(parents=True, exist_ok=True)
    sizes = [int(s) for s in args.sizes.split(",")]
    chosen = [] if args.integrations == "none" else args.integrations.split(",")
    for name in chosen:
        if name not in INTEGRATIONS:
            sys.exit(f"error: unknown integration {name!r}; known: {', '.join(INTEGRATIONS)}")
    lock = REPO / "Cargo.lock"

    print("setting up hosts (untimed)...", file=sys.stderr)
    run(["cargo", "build", "-q", "--release", "-p", "attesto-bench-expand", "--example", "expand"], REPO)
    drivers = {}
    for name in chosen:
        for line in INTEGRATIONS[name][1].splitlines():
            drivers.setdefault(line.split(" ")[0], line)
    vendor = vendor_attesto(root, lock)
    drivers_vendor = (
        vendor_attesto(root, lock, "".join(line + "\n" for line in drivers.values()), "vendor-drivers")
        if chosen
        else None
    )
    pairs = {n: attesto_hosts(root, n, vendor) for n in sizes}
    control = control_host(root, pairs[sizes[0]][1], vendor)
    syn_control = control_host(
        root, pairs[sizes[0]][1], vendor, "syn",
        'syn = { version = "3", default-features = false, features = ["parsing", "proc-macro"] }')
    prebuilt = prebuilt_host(root, pairs[sizes[0]][0])
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

    integrations = {name: integration_hosts(root, name, drivers_vendor) for name in chosen}
    for name, (macro, floor) in integrations.items():
        # The driver's crates, built once per shared target (untimed).
        print(f"building the {name} hosts (untimed)...", file=sys.stderr)
        run(["cargo", "build", "--offline"], macro.dir, macro.env)
        run(["cargo", "build", "--offline"], floor.dir, floor.env)

    incremental = {h.name: [] for n in sizes for h in pairs[n]}
    for macro, floor in integrations.values():
        incremental.update({macro.name: [], floor.name: []})
    incremental.update({control.name: [], syn_control.name: [], prebuilt.name: [], sqlx.name: [], refinery.name: []})
    clean = {name: [] for name in incremental}
    integration_hosts_flat = [h for pair in integrations.values() for h in pair]
    macro_crates = {
        "attesto-macros": (pairs[sizes[0]][0], "attesto-macros"),
        "sqlx-macros (migrate)": (sqlx, "sqlx-macros"),
        "refinery-macros": (refinery, "refinery-macros"),
    }
    macro_clean = {name: [] for name in macro_crates}
    hosts = [h for n in sizes for h in pairs[n]] + [control, syn_control, prebuilt, sqlx, refinery]

    for r in range(args.clean_rounds):
        print(f"clean round {r + 1}/{args.clean_rounds}", file=sys.stderr)
        for name, (host, package) in macro_crates.items():
            macro_clean[name].append(host.clean_build(package))
        for host in rotated(hosts, r):
            clean[host.name].append(host.clean_build())
    # The integrations' hosts are measured incrementally only: a clean build
    # is the driver's own build, tens of seconds that are not attesto's.
    for r in range(args.rounds):
        print(f"incremental round {r + 1}/{args.rounds}", file=sys.stderr)
        for host in rotated(hosts + integration_hosts_flat, r):
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
    floor1 = pairs[sizes[0]][1].name
    out.append(f"| {sizes[0]} x floor + attesto-macros dependency, unused | {fmt(clean[control.name])} "
               f"| {fmt(incremental[control.name])} | - "
               f"| {ratio(incremental[control.name], incremental[floor1]):.2f} x floor; "
               f"attesto-{sizes[0]} is {ratio(incremental[one], incremental[control.name]):.2f} x this |")
    out.append(f"| {sizes[0]} x floor + syn dependency, unused | {fmt(clean[syn_control.name])} "
               f"| {fmt(incremental[syn_control.name])} | - "
               f"| {ratio(incremental[syn_control.name], incremental[floor1]):.2f} x floor |")
    out.append(f"| {sizes[0]} x the expansion from a prebuilt macro (no dependencies, no work) | {fmt(clean[prebuilt.name])} "
               f"| {fmt(incremental[prebuilt.name])} | - "
               f"| {ratio(incremental[prebuilt.name], incremental[floor1]):.2f} x floor |")
    for host in (sqlx, refinery):
        out.append(f"| {host.name} | {fmt(clean[host.name])} | {fmt(incremental[host.name])} "
                   f"| {ratio(clean[host.name], clean[one]):.2f} x attesto-{sizes[0]} "
                   f"| {ratio(incremental[host.name], incremental[one]):.2f} x attesto-{sizes[0]} |")
    if integrations:
        out.append("")
        out.append("| integration: 1 invocation | incremental rebuild | hand-written floor, same dependencies | ratio |")
        out.append("|---|---|---|---|")
        for name, (macro, floor) in integrations.items():
            out.append(f"| `integrations({name})` | {fmt(incremental[macro.name])} | {fmt(incremental[floor.name])} "
                       f"| {ratio(incremental[macro.name], incremental[floor.name]):.2f} x floor |")
    out.append("")
    out.append("| macro crate | crates in its tree | clean build, with dependencies | vs attesto-macros |")
    out.append("|---|---|---|---|")
    for name in macro_crates:
        out.append(f"| {name} | {deps[name]} | {fmt(macro_clean[name])} "
                   f"| {ratio(macro_clean[name], macro_clean['attesto-macros']):.2f} x |")
    out.append("")
    # The budgets of the brief, each against the control that already holds
    # the tree it needs.
    budgets = []
    n1, nmax = sizes[0], sizes[-1]
    one_name = pairs[n1][0].name
    r1 = ratio(incremental[one_name], incremental[control.name])
    p1 = paired(incremental[one_name], incremental[control.name])
    budgets.append((f"{n1} invocation, incremental <= 1.05 x the host that only declares the dependency",
                    p1 <= 1.05, f"{r1:.2f} (round by round: {p1:.3f})"))
    rmax = ratio(incremental[pairs[nmax][0].name], incremental[pairs[nmax][1].name])
    budgets.append((f"{nmax} invocations, incremental <= 1.15 x floor", rmax <= 1.15, f"{rmax:.2f}"))
    rs = ratio(macro_clean["attesto-macros"], macro_clean["sqlx-macros (migrate)"])
    budgets.append(("attesto-macros' tree clean <= 0.2 x sqlx-macros", rs <= 0.2, f"{rs:.2f} x sqlx"))
    for name, (macro, floor) in integrations.items():
        ri = ratio(incremental[macro.name], incremental[floor.name])
        pi = paired(incremental[macro.name], incremental[floor.name])
        budgets.append((f"integrations({name}) <= 1.05 x a floor with the same drivers", pi <= 1.05,
                        f"{ri:.2f} (round by round: {pi:.3f})"))
    out.append("| budget | figure | met |")
    out.append("|---|---|---|")
    for what, ok, figure in budgets:
        out.append(f"| {what} | {figure} | {'yes' if ok else 'NO'} |")
    report = "\n".join(out) + "\n"
    (root / "report.md").write_text(report)
    # Every sample, in seconds, round by round, for a second look.
    (root / "samples.json").write_text(json.dumps(
        {"incremental": incremental, "clean": clean, "macro_clean": macro_clean}, indent=1))
    print(report)


if __name__ == "__main__":
    main()
