"""Benchmarks: `make bench`. Figures, never assertions; the last line holds them all as JSON.

    python -m tests.bench [options]           the demo benchmark, then the national one
    python -m tests.bench pages               only the page weight of the search page
    python -m tests.bench demo                only the demo benchmark (tests/bench_demo.py)
    python -m tests.bench national [options]  only the national one (tests/bench_national.py)

Options of the national benchmark: --offers 250000, --databases sqlite,postgresql,
--searches 240, --seed 1, --rounds 4 and --slice-seconds 5 (the served part: that many slices
of that length per page), --no-http (skip the served part), --fresh (build the data anew
instead of reusing build/bench/).
"""
import argparse
import json
import sys

from tests.bench_data import DATABASES


def _parser():
    parser = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("part", nargs="?", choices=("pages", "demo", "national"))
    parser.add_argument("--offers", type=int, default=250_000)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--searches", type=int, default=240)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--slice-seconds", type=float, default=5.0)
    parser.add_argument("--no-http", action="store_true")
    parser.add_argument("--fresh", action="store_true")
    return parser


def main(argv=()):
    args = _parser().parse_args(list(argv))
    databases = [name.strip() for name in args.databases.split(",") if name.strip()]
    unknown = set(databases) - set(DATABASES)
    if unknown or not databases:
        sys.exit(f"--databases: choose from {', '.join(DATABASES)}")
    figures = {}
    if args.part in (None, "pages", "demo"):
        from tests import bench_demo

        figures["demo"] = bench_demo.run(only_pages=args.part == "pages")
    if args.part in (None, "national"):
        from tests import bench_national

        figures["national"] = bench_national.run(
            args.offers, databases, args.searches, args.seed, args.rounds, args.slice_seconds,
            fresh=args.fresh, http=not args.no_http)
    print("\n" + json.dumps({"bench": figures}, ensure_ascii=False, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
