"""The pod runtime: what runs inside the pods, behind exec, port-forward and the app's port.

The exec and port-forward channel protocols, in-process pipes, the pod network (ping, TCP),
CoreDNS and the pods' resolver, BusyBox applets and `sh`, the lab's React app, and the files and
environment of a container. It sees the cluster only through the read-only `ClusterView` protocol.
"""
