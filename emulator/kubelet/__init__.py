"""The kubelets: pod start-up, status, probes, container exits and restarts, image pulls, logs.

A kubelet calls the CNI (`emulator.calico`) for a pod's sandbox and asks the pod runtime's lab app
(`emulator.runtime.react_app`) when it listens.
"""
