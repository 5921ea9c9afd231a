"""RULES_VERSION names the exact rules an answer was computed with.

It ends with a digest of the parameter and variable files, so editing a
parameter YAML (the way staff correct a figure) changes the version without any
code change, and a stored answer can always be traced to its rules.
"""

import hashlib
import os

RULES_SERIES = "1"

_HERE = os.path.dirname(os.path.abspath(__file__))


def _digest():
    sha = hashlib.sha256()
    for folder in ("parameters", "variables"):
        root = os.path.join(_HERE, folder)
        for directory, subdirectories, files in sorted(os.walk(root)):
            subdirectories.sort()
            for name in sorted(files):
                if name.endswith((".yaml", ".yml", ".py")):
                    path = os.path.join(directory, name)
                    sha.update(os.path.relpath(path, _HERE).encode())
                    with open(path, "rb") as file:
                        sha.update(file.read())
    return sha.hexdigest()[:10]


RULES_VERSION = f"{RULES_SERIES}+{_digest()}"
