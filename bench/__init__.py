"""`python -m bench`: how long a verdict takes, and what the harness adds to the cluster's own time.

Measured, each as a whole process as a student or CI would run it (issue 7):
- the suite against the emulator on its benchmark timeline (`--timeline benchmark`, see
  emulator/base/cluster.py `Timeline.benchmark`), browser step off: its wall time, and the emulator's own
  time to its last milestone (every app pod listening), read from the milestone record the emulator
  writes at exit; the difference is the harness's overhead;
- the offline gate (`pytest --cluster=none`) on generated manifests in the lab's shapes, against the
  kubernetes-validate command line on the same files;
- the suite against a Deployment of 20 replicas.
"""
