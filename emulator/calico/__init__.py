"""Calico: the CNI plugin and its IPAM (kindnet's host-local under no-calico), the selector
language, and calico-node's start-up, tunnel address and readiness."""
