"""Two (here three) shards merged equal one unsharded run: the same CSV rows (seconds aside) and the
same flags, including a copied report whose two students fall into different shards, which neither
shard alone can see."""
from __future__ import annotations

from grade import cli
from grade.class_csv import read
from grade.shards import shard_of

SHARDS = 3


def rows_without_seconds(folder) -> dict[str, dict]:
    return {row["student"]: {k: v for k, v in row.items() if k != "seconds"} for row in read(folder / "class.csv")}


def test_merged_shards_equal_one_run(planted_class, stand_in_suite, tmp_path):
    # The planted copy's two students are in different shards (and one shard holds nobody).
    assert shard_of("copy-a", SHARDS) != shard_of("copy-b", SHARDS)
    whole = tmp_path / "whole"
    assert cli.main([str(planted_class), "--out", str(whole)]) == 1   # its crashing hand-in
    shards = [tmp_path / f"graded-{i}" for i in range(1, SHARDS + 1)]
    for index, out in enumerate(shards, start=1):
        cli.main([str(planted_class), "--out", str(out), "--shard", f"{index}/{SHARDS}"])
    alone = rows_without_seconds(shards[shard_of("copy-a", SHARDS) - 1])
    assert "same-cluster" not in alone["copy-a"]["flags"]
    merged = tmp_path / "graded"
    assert cli.main(["merge", *map(str, shards), "--out", str(merged)]) == 1
    assert rows_without_seconds(merged) == rows_without_seconds(whole)
    assert "same cluster identity as copy-b's report" in rows_without_seconds(merged)["copy-a"]["flags"]
    assert (merged / "copy-b" / "report.html").is_file() and (merged / "class.html").is_file()


def test_a_merge_refuses_an_incomplete_set_of_shards(planted_class, stand_in_suite, tmp_path, capsys):
    out = tmp_path / "graded-1"
    cli.main([str(planted_class), "--out", str(out), "--shard", "1/2"])
    capsys.readouterr()
    assert cli.main(["merge", str(out), "--out", str(tmp_path / "graded")]) == 2
    error = capsys.readouterr().err.strip()
    assert error == "grade: error: shard(s) 2/2 missing: merge every shard's folder"
