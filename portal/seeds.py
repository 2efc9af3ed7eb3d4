"""Where the reference and demo data files live."""
import json
from pathlib import Path

SEEDS_DIR = Path(__file__).resolve().parent.parent / "seeds"


def read_seed(name):
    """A JSON file from seeds/, e.g. read_seed("sectors.json")."""
    with open(SEEDS_DIR / name, encoding="utf-8") as handle:
        return json.load(handle)
