"""`python -m secretserver_emulator --port 8100 --seed demo [--state-file PATH] [--host 127.0.0.1]`."""
from __future__ import annotations

import argparse

from .server import EmulatorServer


def main(argv=None):
    parser = argparse.ArgumentParser(prog="secretserver_emulator", description="Delinea Secret Server emulator")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8100)
    parser.add_argument("--seed", default="demo", help="seed name under seed/ or a path to a seed JSON file")
    parser.add_argument("--state-file", default=None, help="persist state here after each write; loaded at start")
    args = parser.parse_args(argv)
    server = EmulatorServer(seed=args.seed, host=args.host, port=args.port, state_file=args.state_file)
    print(f"Secret Server emulator on http://{args.host}:{args.port} (seed {args.seed})", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
