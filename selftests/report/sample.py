"""A topology as the reference solution leaves it (docs/lab.md), for the drawing's unit tests."""
from fixtures.report.topology import (
    APP,
    CALICO_NODE,
    COREDNS,
    KUBE_CONTROLLERS,
    Node,
    Pod,
    Pool,
    PortForward,
    Service,
    Topology,
)


def reference_topology(**changes) -> Topology:
    base = dict(
        api_server="https://192.168.49.2:8443",
        nodes=(Node("lab4", "192.168.49.2", True, (("rack", "0"),), ("rack-0-ippool",)),
               Node("lab4-m02", "192.168.49.3", True, (("rack", "1"),), ("rack-1-ippool",))),
        pools=(Pool("rack-0-ippool", "192.168.0.0/24", 'rack == "0"'),
               Pool("rack-1-ippool", "192.168.1.0/24", 'rack == "1"')),
        pods=(Pod("react-app-7c9f8d6b5-x2x4k", "default", "lab4", "192.168.0.66", APP, True, "rack-0-ippool"),
              Pod("react-app-7c9f8d6b5-q8w7e", "default", "lab4-m02", "192.168.1.2", APP, True, "rack-1-ippool"),
              Pod("calico-node-abcde", "kube-system", "lab4", "192.168.49.2", CALICO_NODE, True),
              Pod("calico-node-fghij", "kube-system", "lab4-m02", "192.168.49.3", CALICO_NODE, True),
              Pod("calico-kube-controllers-5d8f9c7b6-k2l3m", "kube-system", "lab4", "192.168.0.65",
                  KUBE_CONTROLLERS, True, "rack-0-ippool"),
              Pod("coredns-668d6bf9bc-z9y8x", "kube-system", "lab4-m02", "192.168.1.1", COREDNS, True,
                  "rack-1-ippool")),
        service=Service("react-service", "default", "ClusterIP", "10.96.120.7", "3000->http",
                        ("192.168.0.66", "192.168.1.2")),
        forward=PortForward("react-service", 3000, "react-app-7c9f8d6b5-q8w7e", 3000),
    )
    return Topology(**(base | changes))
