"""`python -m grade CLASS --out OUT`: every hand-in of a class judged on its own emulated cluster, and
every handed-in report cross-checked (issue 14). `python -m grade merge DIR...` joins shards.

discovery (hand-ins, lab-4 folders, handed-in reports) -> runner/pool (one suite run per hand-in)
-> verdicts (what the run found) + submitted (what the student's report says) -> crosscheck (flags)
-> records (one grade.json per student) -> class_page / class_csv; shards splits and merges.
"""
