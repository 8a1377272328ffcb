"""The roster file, the stable shard of a student, and the checks before a merge."""
from __future__ import annotations

import pytest

from grade import shards
from grade.roster import BadRoster, Entry, read_roster
from grade.shards import BadShards, Shard, check_complete, parse_shard, shard_of, write_run


def test_the_roster_by_folder(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("\ufeffName,Folder,Group,email\nIvan Petrov,ivanov,K3321,x@y\n,, ,\nPetr Sidorov,sidorov,K3322,\n",
                    encoding="utf-8")
    assert read_roster(path) == {"ivanov": Entry("Ivan Petrov", "K3321"), "sidorov": Entry("Petr Sidorov", "K3322")}
    assert read_roster(tmp_path / "absent.csv") == {}


@pytest.mark.parametrize("text, says", [("name,group\nA,B\n", "no column folder"),
                                        ("folder,name,group\na,A,B\na,C,D\n", "listed twice")])
def test_a_bad_roster_says_what_to_fix(tmp_path, text, says):
    (tmp_path / "roster.csv").write_text(text)
    with pytest.raises(BadRoster, match=says):
        read_roster(tmp_path / "roster.csv")


def test_a_students_shard_is_stable_and_the_shards_cover_the_class_once():
    students = [f"student{n:02}" for n in range(1, 31)] + ["Иванов", "o'brien"]
    for count in (1, 2, 3, 7):
        slices = [[s for s in students if Shard(i, count).holds(s)] for i in range(1, count + 1)]
        assert sorted(s for part in slices for s in part) == sorted(students)
    # From SHA-256 of the id (student01: 0be117d5582e282b... mod 3 = 2, shard 3), not Python's per-process
    # hash(): the same on every machine and in every run.
    students = ("student01", "student02", "student03", "student04", "student05")
    assert [shard_of(s, 3) for s in students] == [3, 2, 2, 2, 1]


@pytest.mark.parametrize("text", ["0/2", "3/2", "1", "a/b", "1/0", ""])
def test_a_bad_shard_option(text):
    with pytest.raises(BadShards, match="is not I/N"):
        parse_shard(text)


def test_a_merge_needs_every_shard_exactly_once(tmp_path):
    folders = []
    for index in (1, 2, 2):
        folder = tmp_path / f"g{len(folders)}"
        folder.mkdir()
        write_run(folder, class_name="k3321", shard=Shard(index, 3), students=[], options={})
        folders.append(folder)
    with pytest.raises(BadShards, match="there twice"):
        check_complete(folders)
    with pytest.raises(BadShards, match="3/3 missing"):
        check_complete(folders[:2])
    (tmp_path / "plain").mkdir()
    with pytest.raises(BadShards, match="not an output of python -m grade"):
        check_complete([tmp_path / "plain"])


def test_an_output_folder_is_new_empty_or_the_graders_own(tmp_path):
    other = tmp_path / "photos"
    other.mkdir()
    (other / "cat.jpg").write_text("x")
    with pytest.raises(BadShards, match="not an output of python -m grade"):
        shards.prepare_out(other)
    previous = tmp_path / "graded"
    (previous / "ivanov").mkdir(parents=True)
    write_run(previous, class_name="k", shard=Shard(1, 1), students=["ivanov"], options={})
    shards.prepare_out(previous)
    assert list(previous.iterdir()) == []
