"""The JSON that minikube v1.38.1 writes and prints, for the minikube stand-in (standins/minikube).

Built from kubernetes/minikube v1.38.1, not from what the suite expects:
- `config.json` of a profile = `ClusterConfig` (pkg/minikube/config/types.go), the fields in struct order with
  Go's zero values (nil slices and maps are `null`, `time.Duration` is nanoseconds), filled the way
  `generateNewConfigFromFlags` and `configureNodes` fill them for `minikube start -p NAME --cni=calico
  --nodes=2` (cmd/minikube/cmd/start_flags.go, start.go; defaults from their flag definitions);
- `minikube profile list -o json` = `{"invalid": [...], "valid": [...]}` (a Go map: keys sorted), each entry a
  `config.Profile` {Name, Status, Config, Active, ActiveKubeContext} (cmd/minikube/cmd/config/profile_list.go
  `printProfilesJSON`); a profile whose config.json is missing is invalid with `"Config": null` and no status
  (pkg/minikube/config/profile.go `ListProfiles`, `LoadProfile`); Status is a name of pkg/minikube/cluster/
  status.go `codeNames` ("OK" for a running cluster since v1.35.0).

Command line (used by the stand-in): `list STATE NAME`, `save STATE NAME [minikube start flags]`.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from emulator.base.cluster import KUBERNETES_VERSION

SECOND = 10**9
KICBASE = ("gcr.io/k8s-minikube/kicbase:v0.0.50"
           "@sha256:eb4fec00e8ad70adf8e6436f195cc429825ffb85f95afcdb5d8d9deb576f3e93")  # pkg/drivers/kic/types.go
# Every status name minikube v1.38.1 can print for a valid profile (status.go codeNames; "" for exit codes and
# Deleting, which have no name; "Skipped" only with --light).
STATUS_NAMES = ("Starting", "Pausing", "Unpausing", "Stopping", "Deleting", "OK", "HAppy", "Warning", "Degraded",
                "NotFound", "Stopped", "Paused", "Error", "InsufficientStorage", "Unknown", "")


def cluster_config(name: str, *, nodes: int = 2, driver: str = "docker", memory: int = 3072, cpus: int = 2,
                   kubernetes_version: str = KUBERNETES_VERSION, cni: str = "calico") -> dict:
    """`ClusterConfig` as `minikube start -p NAME --cni=calico --nodes=N --driver=D` saves it."""
    first_ip = 2  # the docker driver's first network is 192.168.49.0/24 (docs/platform.md §1.5)
    node_list = [_node("" if i == 0 else f"m{i + 1:02d}", f"192.168.49.{first_ip + i}", kubernetes_version,
                       control_plane=i == 0) for i in range(nodes)]
    return {
        "Name": name, "KeepContext": False, "EmbedCerts": False, "MinikubeISO": "",
        "KicBaseImage": KICBASE if driver in ("docker", "podman") else "", "Memory": memory, "CPUs": cpus,
        "DiskSize": 20000, "Driver": driver, "HyperkitVpnKitSock": "", "HyperkitVSockPorts": [],
        "DockerEnv": None, "ContainerVolumeMounts": None, "InsecureRegistry": None, "RegistryMirror": None,
        "HostOnlyCIDR": "192.168.59.1/24", "HypervVirtualSwitch": "", "HypervUseExternalSwitch": False,
        "HypervExternalAdapter": "", "KVMNetwork": "default", "KVMQemuURI": "qemu:///system", "KVMGPU": False,
        "KVMHidden": False, "KVMNUMACount": 1, "APIServerPort": 8443, "DockerOpt": None,
        "DisableDriverMounts": False, "NFSShare": [], "NFSSharesRoot": "/nfsshares", "UUID": "",
        "NoVTXCheck": False, "DNSProxy": False, "HostDNSResolver": True, "HostOnlyNicType": "virtio",
        "NatNicType": "virtio", "SSHIPAddress": "", "SSHUser": "root", "SSHKey": "", "SSHPort": 22,
        "KubernetesConfig": {
            "KubernetesVersion": kubernetes_version, "ClusterName": name, "Namespace": "default",
            "APIServerHAVIP": "", "APIServerName": "minikubeCA", "APIServerNames": None, "APIServerIPs": None,
            "DNSDomain": "cluster.local", "ContainerRuntime": "docker", "CRISocket": "", "NetworkPlugin": "cni",
            "FeatureGates": "", "ServiceCIDR": "10.96.0.0/12", "ImageRepository": "", "LoadBalancerStartIP": "",
            "LoadBalancerEndIP": "", "CustomIngressCert": "", "RegistryAliases": "", "ExtraOptions": None,
            "ShouldLoadCachedImages": True, "EnableDefaultCNI": False, "CNI": cni,
        },
        "Nodes": node_list,
        "Addons": {"default-storageclass": True, "storage-provisioner": True},
        "CustomAddonImages": None, "CustomAddonRegistries": None,
        "VerifyComponents": {"apiserver": True, "system_pods": True},  # kverify.DefaultComponents
        "StartHostTimeout": 360 * SECOND, "ScheduledStop": None, "ExposedPorts": [], "ListenAddress": "",
        "Network": "", "Subnet": "", "MultiNodeRequested": nodes > 1, "ExtraDisks": 0,
        "CertExpiration": 26280 * 3600 * SECOND, "MountString": "", "Mount9PVersion": "9p2000.L",
        "MountGID": "docker", "MountIP": "", "MountMSize": 262144, "MountOptions": [], "MountPort": 0,
        "MountType": "9p", "MountUID": "docker", "BinaryMirror": "", "DisableOptimizations": False,
        "DisableMetrics": False, "DisableCoreDNSLog": False, "CustomQemuFirmwarePath": "",
        "SocketVMnetClientPath": "", "SocketVMnetPath": "", "StaticIP": "", "SSHAuthSock": "", "SSHAgentPID": 0,
        "GPUs": "", "AutoPauseInterval": 60 * SECOND, "Rosetta": False,
    }


def _node(name: str, ip: str, kubernetes_version: str, *, control_plane: bool) -> dict:
    return {"Name": name, "IP": ip, "Port": 8443, "KubernetesVersion": kubernetes_version,
            "ContainerRuntime": "docker", "ControlPlane": control_plane, "Worker": True}


def profile_entry(name: str, status: str, config: dict | None, *, valid: bool = True) -> dict:
    """One `config.Profile`; an invalid one never gets a status (updateProfilesStatus runs on valid ones)."""
    return {"Name": name, "Status": status if valid else "", "Config": config, "Active": False,
            "ActiveKubeContext": valid and status == "OK"}


def profile_list(valid: list[dict], invalid: list[dict]) -> str:
    """What `minikube profile list -o json` writes: compact, keys of the map sorted, no trailing newline."""
    return json.dumps({"invalid": invalid, "valid": valid}, separators=(",", ":"))


def config_from_start_flags(name: str, flags: list[str]) -> dict:
    """The config a `minikube start` with these flags saves (only the flags the suite passes matter here)."""
    given = dict(flag[2:].split("=", 1) for flag in flags if flag.startswith("--") and "=" in flag)
    return cluster_config(name, nodes=int(given.get("nodes", "1")), driver=given.get("driver", "docker"),
                          memory=_megabytes(given.get("memory", "3072")), cpus=int(given.get("cpus", "2")),
                          cni=given.get("cni", ""),
                          kubernetes_version=given.get("kubernetes-version", KUBERNETES_VERSION))


def _megabytes(size: str) -> int:
    number = size.lower().rstrip("ib")
    if number.endswith("g"):
        return int(float(number[:-1]) * 1024)
    return int(number.rstrip("m")) if number.rstrip("m").isdigit() else 3072


# -- the stand-in's state: $STANDIN_STATE/profile.json is the profile's config.json ---------------------------

def _existing_config(state: Path, name: str) -> dict | None:
    saved = state / "profile.json"
    if saved.exists():
        return json.loads(saved.read_text())
    # A profile made before this test: STANDIN_STOPPED (stopped) or STANDIN_STATUS (in that state).
    if os.environ.get("STANDIN_STOPPED") or os.environ.get("STANDIN_STATUS") is not None:
        return cluster_config(name, nodes=int(os.environ.get("STANDIN_NODES", "2")),
                              driver=os.environ.get("STANDIN_PROFILE_DRIVER", "docker"),
                              memory=int(os.environ.get("STANDIN_PROFILE_MEMORY", "3072")))
    return None


def _running(state: Path) -> bool:
    try:
        os.kill(int((state / "pid").read_text()), 0)
    except (OSError, ValueError):
        return False
    return True


def listing(state: Path, name: str) -> str:
    if os.environ.get("STANDIN_INVALID"):  # the profile's directory without a config.json
        return profile_list([], [profile_entry(name, "", None, valid=False)])
    config = _existing_config(state, name)
    if config is None:
        return profile_list([], [])
    if _running(state):
        status = "OK"
    else:
        status = os.environ.get("STANDIN_STATUS", "Stopped")
    return profile_list([profile_entry(name, status, config)], [])


def save(state: Path, name: str, flags: list[str]) -> None:
    """`minikube start` saves the config of a new profile; an existing one keeps its own."""
    saved = state / "profile.json"
    if not saved.exists():
        config = _existing_config(state, name) or config_from_start_flags(name, flags)
        saved.write_text(json.dumps(config, indent=4))


if __name__ == "__main__":
    command, state_dir, profile_name, *rest = sys.argv[1:]
    if command == "list":
        sys.stdout.write(listing(Path(state_dir), profile_name))
    elif command == "save":
        save(Path(state_dir), profile_name, rest)
