"""kube-controller-manager and kube-scheduler: the control loops that make the cluster live.

Deployments, ReplicaSets, DaemonSets, Endpoints/EndpointSlices, the scheduler, garbage collection
and namespace termination (`lifecycle`), and the manager that wires every loop (the kubelets and
calico-node included) to the store's change feed.
"""
