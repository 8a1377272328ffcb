"""Random identifiers in the formats Kubernetes and Docker use, from one RNG."""
from __future__ import annotations

import random
import uuid

NAME_CHARS = "bcdfghjklmnpqrstvwxz2456789"    # apimachinery/pkg/util/rand: no vowels, no 0/1/3


class Ids:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def suffix(self, length: int = 5) -> str:
        return "".join(self.rng.choice(NAME_CHARS) for _ in range(length))

    def template_hash(self) -> str:
        """pod-template-hash: a rand.SafeEncodeString'd FNV hash, 8-10 characters."""
        return self.suffix(self.rng.choice((9, 10)))

    def hex(self, length: int) -> str:
        return "".join(self.rng.choice("0123456789abcdef") for _ in range(length))

    def uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
