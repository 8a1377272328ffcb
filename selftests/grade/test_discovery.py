"""Finding the hand-ins: student folders, the lab-4 folder inside a whole course repository, the
handed-in report, and the folder whose manifests are judged."""
from __future__ import annotations

import pytest

from fixtures.gate.manifests import manifest_files
from grade.discovery import BadClass, class_folders, find_hand_in, judged_folder, lab_folders, report_files


def make(root, *paths):
    for rel in paths:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if not rel.endswith("/"):
            path.write_text("kind: ConfigMap\n")


@pytest.mark.parametrize("name", ["lab4", "Lab4", "LAB4", "lab_4", "lab-4", "Lab 4", "lab04", "lab.4", "lab4-calico"])
def test_lab_four_folders_by_any_usual_name(tmp_path, name):
    make(tmp_path, f"repo/{name}/deployment.yaml", "repo/lab3/deployment.yaml", "repo/lab40/x.yaml",
         "repo/lab14/x.yaml")
    assert lab_folders(tmp_path) == [tmp_path / "repo" / name]


def test_a_lab_four_folder_named_by_its_number_sign(tmp_path):
    """Seen in alik0000/labs_introduction_to_distributed_technologies_group_K4113C: the labs are folders
    "№1_installing Docker and Minikube, my first manifest" .. "№4_communication networks in Minikube, CNI
    and CoreDNS"; without the lab-4 folder found, the whole repository (lab 3's ReplicaSet too) was judged."""
    make(tmp_path, "№1_installing Docker and Minikube, my first manifest/my_pod.yaml",
         "№3_сertificates and secrets in Minikube, secure data storage/replicaset-manifest.yaml",
         "№4_communication networks in Minikube, CNI and CoreDNS/new-deployment.yaml", "Exam answers/report.md")
    assert find_hand_in(tmp_path).lab == tmp_path / "№4_communication networks in Minikube, CNI and CoreDNS"


@pytest.mark.parametrize("name", ["ЛР-4", "лр4", "Лаба 4", "Лабораторная работа 4", "laba4", "lab_work_4", "№ 4"])
def test_lab_four_folders_by_other_words_for_lab(tmp_path, name):
    """The course's own words: reports and diagrams of real hand-ins are named "ЛР-4_Схема_..." (seen in
    Adalin43/2024_2025-introduction_to_distributed_technologies-k4111c-tiurina_a_d:lab4/)."""
    make(tmp_path, f"{name}/deployment.yaml", "ЛР-3/deployment.yaml", "лаба14/x.yaml", "№40/x.yaml")
    assert lab_folders(tmp_path) == [tmp_path / name]


def test_the_shallowest_lab_four_folder_wins_and_the_others_are_named(tmp_path):
    make(tmp_path, "course/labs/lab4/a.yaml", "lab_4/b.yaml", "lab4-old/c.yaml", "lab4/inner/lab4/d.yaml")
    hand_in = find_hand_in(tmp_path)
    assert hand_in.lab == tmp_path / "lab4"
    assert [hand_in.relative(p) for p in hand_in.other_labs] == ["lab_4", "lab4-old", "course/labs/lab4"]


def test_without_a_lab_four_folder_the_whole_folder_is_judged(tmp_path):
    make(tmp_path, "manifesty/deployment.yaml", ".git/lab4/x.yaml", "node_modules/lab4/y.yaml")
    hand_in = find_hand_in(tmp_path)
    assert hand_in.lab == tmp_path and hand_in.relative(hand_in.lab) == "."


def test_class_folders_and_what_is_not_a_class(tmp_path):
    with pytest.raises(BadClass, match="does not exist"):
        class_folders(tmp_path / "nope")
    (tmp_path / "file").write_text("x")
    with pytest.raises(BadClass, match="is not a folder"):
        class_folders(tmp_path / "file")
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "roster.csv").write_text("folder,name,group\n")
    with pytest.raises(BadClass, match="holds no student folder"):
        class_folders(tmp_path / "empty")
    make(tmp_path, "empty/b/x.yaml", "empty/a/y.yaml", "empty/.hidden/z.yaml")
    assert [p.name for p in class_folders(tmp_path / "empty")] == ["a", "b"]


def test_manifests_and_reports_are_enumerated_as_the_suite_does(tmp_path):
    make(tmp_path, "a.yaml", "b.yml", "c.YAML", "sub/d.yaml", ".github/workflows/ci.yml", "ippool1", "r/report.html",
         "r/Report.HTM")
    assert manifest_files(tmp_path) == ["a.yaml", "b.yml", "sub/d.yaml"]
    assert [p.name for p in report_files(tmp_path)] == ["Report.HTM", "report.html"]


def test_the_judged_folder_is_where_the_reports_files_are(tmp_path):
    make(tmp_path, "lab4/README.yaml", "lab4/manifests/deployment.yaml", "lab4/manifests/service.yaml",
         "lab4/old/deployment.yaml")
    hand_in = find_hand_in(tmp_path)
    assert judged_folder(hand_in, ["deployment.yaml", "service.yaml"]) == tmp_path / "lab4" / "manifests"
    assert judged_folder(hand_in, ["nowhere.yaml"]) == tmp_path / "lab4"
    assert judged_folder(hand_in, None) == tmp_path / "lab4"


def test_a_copy_of_the_suite_in_the_hand_in_is_not_judged_as_manifests(tmp_path):
    make(tmp_path, "lab4/conftest.py", "lab4/pytest.ini", "lab4/tests/test_r01_cluster.py",
         "lab4/selftests/gate/sets/bad/manifests/x.yaml", "lab4/manifests/deployment.yaml")
    assert judged_folder(find_hand_in(tmp_path), None) == tmp_path / "lab4" / "manifests"
