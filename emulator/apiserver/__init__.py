"""The emulated kube-apiserver: the store and its HTTP face.

Objects, defaulting, validation, patches, server-side apply, watch, discovery, OpenAPI, server-side
printing, routing and verbs, the request journal and middleware, and the Event recorders.
"""
