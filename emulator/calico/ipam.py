"""Calico IPAM over the store's IPPool, IPAMBlock, BlockAffinity and IPAMHandle objects
(docs/platform.md §2.3-2.6), as `libcalico-go/lib/ipam/ipam.go` (v3.31) assigns and releases.

    ipam.assign(node, handle, attributes, namespace=..., requested=[...])  -> "192.168.1.1"
    ipam.release(handle)

- Pools (`determinePools`): the pools named by the pod's or namespace's
  `cni.projectcalico.org/ipv4pools` annotation, unconditionally; otherwise every enabled IPv4
  pool in Automatic mode whose nodeSelector selects the node's labels and whose
  namespaceSelector selects the namespace, then those whose allowedUses include the use.
  No enabled pool at all: "cannot find a qualified ippool"; none selecting the node:
  "no configured Calico pools for node <node>" (`prepareAffinityBlocksForHost`); an enabled pool whose
  selector does not parse fails every assignment with the parser's error (docs/platform.md §2.7).
- Blocks (`prepareAffinityBlocksForHost`, `findOrClaimBlock`): the node's affine blocks in
  BlockAffinity name order, those inside an allowed pool first; an empty affine block whose pool
  no longer selects the node is released; otherwise a new block is claimed, starting at a
  random block seeded by the host name (`ipam_block_reader_writer.go` randomBlockGenerator:
  FNV-32 of the host; Python's RNG stands in for Go's math/rand, so the offsets differ).
- Addresses (`ipam_block.go` autoAssign / release): ordinals are taken from the front of the
  block's `unallocated` list, released ones go to its back; `.0` is a valid address.
- Existing allocations are never moved: a pool change only affects the next assignment.
- Fault `ipam-ignores-selectors`: every assignment comes from blocks of the default
  10.244.0.0/16, whatever the pools say.
"""
from __future__ import annotations

import ipaddress
import json
import random
import time
from dataclasses import dataclass
from typing import Any, Iterator

from ..apiserver.store import Store
from ..base.cluster import POD_SUBNET
from ..base.errors import ApiError
from ..base.faults import IPAM_IGNORES_SELECTORS
from . import calico_selector

GROUP = "crd.projectcalico.org"
POOLS, BLOCKS, AFFINITIES, HANDLES = (f"{plural}.{GROUP}" for plural in
                                      ("ippools", "ipamblocks", "blockaffinities", "ipamhandles"))
POOLS_ANNOTATION = "cni.projectcalico.org/ipv4pools"
Obj = dict[str, Any]


class IpamError(Exception):
    """Why an assignment failed, worded as calico-ipam reports it to the CNI plugin."""


def cidr_name(cidr: str) -> str:
    """lib/names/cidr.go CIDRToName."""
    return cidr.replace(".", "-").replace(":", "-").replace("/", "-")


def fnv32(text: str) -> int:
    value = 0x811C9DC5
    for byte in text.encode():
        value = (value * 0x01000193) % 2 ** 32 ^ byte
    return value


@dataclass(frozen=True)
class Pool:
    name: str
    network: ipaddress.IPv4Network
    block_size: int
    node_selector: str
    namespace_selector: str
    uses: tuple[str, ...]
    automatic: bool
    disabled: bool

    @classmethod
    def from_object(cls, obj: Obj) -> "Pool":
        """Defaults as clientv3 fills them on read (docs/platform.md §2.2)."""
        spec = obj.get("spec") or {}
        try:
            network = ipaddress.ip_network(str(spec.get("cidr", "")), strict=False)   # net.ParseCIDR masks
        except ValueError:
            raise IpamError(f"invalid CIDR address: {spec.get('cidr')}") from None
        return cls(obj["metadata"]["name"], network, int(spec.get("blockSize") or 26),
                   spec.get("nodeSelector") or "all()", spec.get("namespaceSelector") or "",
                   tuple(spec.get("allowedUses") or ("Workload", "Tunnel")),
                   spec.get("assignmentMode", "Automatic") != "Manual", bool(spec.get("disabled")))

    def selects(self, node: str, node_labels: dict[str, str], namespace_labels: dict[str, str] | None) -> bool:
        try:
            on_node = calico_selector.parse(self.node_selector)(node_labels)
            in_namespace = namespace_labels is None or calico_selector.parse(self.namespace_selector)(namespace_labels)
        except calico_selector.SelectorError as error:   # determinePools returns the parser's error as it is
            raise IpamError(str(error)) from None
        return on_node and in_namespace

    def blocks(self, host: str) -> Iterator[ipaddress.IPv4Network]:
        """randomBlockGenerator: every block of the pool, from a start seeded by the host name."""
        if self.block_size < self.network.prefixlen or self.block_size > 32:
            return
        count = 2 ** (self.block_size - self.network.prefixlen)
        start = random.Random(fnv32(host)).randrange(count)
        size = 2 ** (32 - self.block_size)
        for i in range(count):
            index = (start + i) % count
            yield ipaddress.ip_network((int(self.network.network_address) + index * size, self.block_size))


DEFAULT_POOL = Pool("default-ipv4-ippool", ipaddress.ip_network(POD_SUBNET), 26, "all()", "",
                    ("Workload", "Tunnel"), True, False)


class Ipam:
    def __init__(self, store: Store, faults: frozenset[str], manager: str = "calico-ipam") -> None:
        self.store, self.faults, self.manager = store, faults, manager

    # --- pools ------------------------------------------------------------------------------------
    def pools(self) -> list[Pool]:
        """Every IPv4 pool in name order (IPv6 ones are never chosen: minikube's Calico is IPv4 only)."""
        found = [Pool.from_object(obj) for obj in self.store.list(POOLS)[0]]
        return [p for p in found if p.network.version == 4]

    def choose_pools(self, node: str, use: str, namespace: Obj | None,
                     requested: list[str] | None = None) -> list[Pool]:
        if IPAM_IGNORES_SELECTORS in self.faults:
            return [DEFAULT_POOL]
        enabled = [p for p in self.pools() if not p.disabled]
        if not enabled:
            raise IpamError("cannot find a qualified ippool")
        if requested:
            return [self._requested(enabled, wanted) for wanted in requested]
        labels = self.store.get("nodes", None, node)["metadata"].get("labels") or {}
        namespace_labels = (namespace["metadata"].get("labels") or {}) if namespace else None
        selecting = [p for p in enabled if p.automatic and p.selects(node, labels, namespace_labels)]
        if not selecting:
            raise IpamError(f"no configured Calico pools for node {node}")
        allowed = [p for p in selecting if use in p.uses]
        if not allowed:
            raise IpamError(f"cannot find a qualified ippool, no pools match the required use ({use})")
        return allowed

    @staticmethod
    def _requested(enabled: list[Pool], wanted: str) -> Pool:
        """cni-plugin utils ResolvePools: a pool name or a CIDR, which must be an enabled pool."""
        for pool in enabled:
            if wanted == pool.name:
                return pool
        try:
            network = ipaddress.ip_network(wanted, strict=False)
        except ValueError:
            raise IpamError(f"the given pool ({wanted}) does not exist, or is not enabled") from None
        for pool in enabled:
            if pool.network == network:
                return pool
        raise IpamError(f"the given pool ({network}) does not exist, or is not enabled")

    @staticmethod
    def requested_pools(pod: Obj, namespace: Obj | None) -> list[str] | None:
        """The pod's, else the namespace's `cni.projectcalico.org/ipv4pools` (a JSON list)."""
        for obj in (pod, namespace):
            text = ((obj or {}).get("metadata", {}).get("annotations") or {}).get(POOLS_ANNOTATION)
            if text:
                try:
                    pools = json.loads(text)
                except ValueError as error:
                    raise IpamError(f"failed to parse {POOLS_ANNOTATION} {text!r}: {error}") from None
                if not isinstance(pools, list) or not all(isinstance(p, str) for p in pools):
                    raise IpamError(f"{POOLS_ANNOTATION} must be a JSON list of pool names or CIDRs")
                return pools
        return None

    # --- assignment -------------------------------------------------------------------------------
    def assign(self, node: str, handle: str, attributes: dict[str, str], *, use: str = "Workload",
               namespace: Obj | None = None, requested: list[str] | None = None) -> str:
        pools = self.choose_pools(node, use, namespace, requested)
        selecting_all = self._pools_selecting(node) if not requested else pools
        affine = self._affine_blocks(node)
        for cidr in affine:
            if not _inside(cidr, pools) and not _inside(cidr, selecting_all):
                self._release_if_empty(cidr)
        for cidr in affine:
            if _inside(cidr, pools):
                address = self._assign_in(cidr, handle, attributes)
                if address:
                    return address
        for pool in pools:
            for block in pool.blocks(node):
                if not self._claimed(str(block)):
                    self._claim(str(block), node)
                    return self._assign_in(ipaddress.ip_network(block), handle, attributes)
        raise IpamError("Assigned 0 out of 1 requested IPv4 addresses; No more free affine blocks "
                        f"in pools {', '.join(p.name for p in pools)}")

    def release(self, handle: str) -> None:
        """ReleaseByHandle: free every address of the handle, then delete the handle."""
        try:
            record = self.store.get(HANDLES, None, handle.lower())
        except ApiError:
            return
        for cidr in (record.get("spec") or {}).get("block") or {}:
            try:
                block = self.store.get(BLOCKS, None, cidr_name(cidr))
            except ApiError:
                continue
            _free(block["spec"], handle)
            self.store.update(BLOCKS, block, manager=self.manager)
        self.store.delete(HANDLES, None, handle.lower())

    def _pools_selecting(self, node: str) -> list[Pool]:
        labels = self.store.get("nodes", None, node)["metadata"].get("labels") or {}
        result = []
        for pool in self.pools():
            try:
                if not pool.disabled and pool.selects(node, labels, None):
                    result.append(pool)
            except IpamError:
                continue
        return result

    def _affine_blocks(self, node: str) -> list[ipaddress.IPv4Network]:
        affinities = [a for a in self.store.list(AFFINITIES)[0]
                      if (a.get("spec") or {}).get("node") == node and a["spec"].get("state") == "confirmed"
                      and a["spec"].get("deleted") != "true"]
        return [ipaddress.ip_network(a["spec"]["cidr"])
                for a in sorted(affinities, key=lambda a: a["metadata"]["name"])]

    def _claimed(self, cidr: str) -> bool:
        try:
            self.store.get(BLOCKS, None, cidr_name(cidr))
            return True
        except ApiError:
            return False

    def _claim(self, cidr: str, node: str) -> None:
        size = ipaddress.ip_network(cidr).num_addresses
        self.store.create(AFFINITIES, {"metadata": {"name": f"{node}-{cidr_name(cidr)}"}, "spec": {
            "cidr": cidr, "deleted": "false", "node": node, "state": "confirmed", "type": "host"}},
            manager=self.manager)
        self.store.create(BLOCKS, {"metadata": {"name": cidr_name(cidr)}, "spec": {
            "affinity": f"host:{node}", "allocations": [None] * size, "attributes": [], "cidr": cidr,
            "deleted": False, "sequenceNumber": time.time_ns(), "sequenceNumberForAllocation": {},
            "strictAffinity": False, "unallocated": list(range(size))}}, manager=self.manager)

    def _assign_in(self, cidr: ipaddress.IPv4Network, handle: str, attributes: dict[str, str]) -> str | None:
        try:
            block = self.store.get(BLOCKS, None, cidr_name(str(cidr)))
        except ApiError:
            return None
        spec = block["spec"]
        if not spec.get("unallocated"):
            return None
        ordinal = spec["unallocated"].pop(0)
        entry = {"handle_id": handle, "secondary": attributes}
        if entry not in spec["attributes"]:
            spec["attributes"].append(entry)
        spec["allocations"][ordinal] = spec["attributes"].index(entry)
        spec["sequenceNumber"] = spec.get("sequenceNumber", 0) + 1
        spec.setdefault("sequenceNumberForAllocation", {})[str(ordinal)] = spec["sequenceNumber"]
        self.store.update(BLOCKS, block, manager=self.manager)
        self._count_in_handle(handle, str(cidr))
        return str(cidr.network_address + ordinal)

    def _count_in_handle(self, handle: str, cidr: str) -> None:
        try:
            record = self.store.get(HANDLES, None, handle.lower())
        except ApiError:
            self.store.create(HANDLES, {"metadata": {"name": handle.lower()}, "spec": {
                "block": {cidr: 1}, "deleted": False, "handleID": handle}}, manager=self.manager)
            return
        blocks = record["spec"].setdefault("block", {})
        blocks[cidr] = blocks.get(cidr, 0) + 1
        self.store.update(HANDLES, record, manager=self.manager)

    def _release_if_empty(self, cidr: ipaddress.IPv4Network) -> None:
        """releaseBlockAffinity(RequireEmpty): an empty block and its affinity go."""
        try:
            block = self.store.get(BLOCKS, None, cidr_name(str(cidr)))
        except ApiError:
            return
        if any(a is not None for a in block["spec"].get("allocations") or []):
            return
        node = (block["spec"].get("affinity") or "").removeprefix("host:")
        self.store.delete(BLOCKS, None, block["metadata"]["name"])
        try:
            self.store.delete(AFFINITIES, None, f"{node}-{cidr_name(str(cidr))}")
        except ApiError:
            pass


def _inside(block: ipaddress.IPv4Network, pools: list[Pool]) -> bool:
    return any(block.subnet_of(p.network) for p in pools if block.version == p.network.version)


def _free(spec: Obj, handle: str) -> None:
    """ipam_block.go release + deleteAttributes: free the ordinals, compact the attribute list."""
    attributes = spec.get("attributes") or []
    doomed = {i for i, a in enumerate(attributes) if a.get("handle_id") == handle}
    allocations = spec.get("allocations") or []
    for ordinal, index in enumerate(allocations):
        if index in doomed:
            allocations[ordinal] = None
            spec.setdefault("unallocated", []).append(ordinal)
            (spec.get("sequenceNumberForAllocation") or {}).pop(str(ordinal), None)
    kept = [i for i in range(len(attributes)) if i not in doomed]
    renumber = {old: new for new, old in enumerate(kept)}
    spec["attributes"] = [attributes[i] for i in kept]
    spec["allocations"] = [renumber.get(i) if i is not None else None for i in allocations]
