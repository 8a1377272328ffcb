"""The emulator's foundations, imported by every other layer and importing none of them.

Errors as the API server words them, ids, quantities, structured label selectors, list merge
keys, the fault catalogue, the cluster's shape (nodes, versions, Timeline, Milestones), container
images, and the level-triggered work loop that every controller runs on.
"""
