"""The emulated kube-apiserver: the store and its HTTP face.

Objects, defaulting, validation, patches, server-side apply, watch, discovery, OpenAPI, server-side
printing, routing and verbs, the request journal and middleware, and the Event recorders. It knows
nothing of the controllers, kubelets or pod runtime that use it: they plug in through the
`PodStreams` (exec, port-forward) and `LogSource` (`pods/log`) protocols of `server`.
"""
