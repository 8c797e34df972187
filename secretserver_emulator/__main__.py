"""`python -m secretserver_emulator --port 8100 --seed demo [--state-file PATH] [--host 127.0.0.1]
[--users N --groups M]`."""
from __future__ import annotations

import argparse

from .server import EmulatorServer


def main(argv=None):
    parser = argparse.ArgumentParser(prog="secretserver_emulator", description="Delinea Secret Server emulator")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8100)
    parser.add_argument("--seed", default="demo", help="seed name under seed/ or a path to a seed JSON file")
    parser.add_argument("--state-file", default=None, help="persist state here after each write; loaded at start")
    parser.add_argument("--users", type=int, default=0, help="also generate N users (user00001...)")
    parser.add_argument("--groups", type=int, default=0, help="also generate M groups (group0001...)")
    args = parser.parse_args(argv)
    if args.users < 0 or args.groups < 0:
        parser.error("--users and --groups must be >= 0")
    generate = {"users": args.users, "groups": args.groups} if args.users or args.groups else None
    server = EmulatorServer(seed=args.seed, host=args.host, port=args.port, state_file=args.state_file,
                            generate=generate)
    extra = f", {args.users} generated users, {args.groups} generated groups" if generate else ""
    print(f"Secret Server emulator on http://{args.host}:{args.port} (seed {args.seed}{extra})", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
