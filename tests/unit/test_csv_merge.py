"""The cell-wise CSV merge: a column added on one branch merges with row edits on another."""

from __future__ import annotations

from pathlib import Path

from bookkit import csv_merge

BASE = "id,value,note\na,1,first\nb,2,second\nc,3,third\n"


def test_added_column_merges_with_edited_and_added_rows() -> None:
    ours = "id,value,note\na,1,first edited\nb,2,second\nc,3,third\nd,4,new\n"
    theirs = "id,value,note,quote\na,1,first,words a\nb,2,second,words b\nc,3,third,\n"
    text, conflicts = csv_merge.merge(BASE, ours, theirs)
    assert conflicts == []
    assert text == ("id,value,note,quote\na,1,first edited,words a\nb,2,second,words b\nc,3,third,\nd,4,new,\n")


def test_deleted_and_inserted_rows_keep_their_place() -> None:
    ours = "id,value,note\na,1,first\nc,3,third\n"  # b deleted
    theirs = "id,value,note\na,1,first\nb,2,second\nab,9,between\nc,3,third\n"
    text, conflicts = csv_merge.merge(BASE, ours, theirs)
    assert conflicts == []
    assert [line.split(",")[0] for line in text.splitlines()] == ["id", "a", "ab", "c"]


def test_a_cell_changed_both_ways_is_a_conflict_keeping_ours() -> None:
    ours = BASE.replace("2,second", "2,ours")
    theirs = BASE.replace("2,second", "2,theirs")
    text, conflicts = csv_merge.merge(BASE, ours, theirs)
    assert conflicts == ["id b, column note: ours 'ours', theirs 'theirs', base 'second'"]
    assert "b,2,ours" in text


def test_driver_rewrites_ours_and_refuses_a_table_without_a_unique_key(tmp_path: Path) -> None:
    paths = []
    for name, text in (("base", BASE), ("ours", BASE.replace("first", "one")), ("theirs", BASE.replace("3,", "30,"))):
        (tmp_path / name).write_text(text, encoding="utf-8")
        paths.append(str(tmp_path / name))
    assert csv_merge.main(paths) == 0
    assert (tmp_path / "ours").read_text(encoding="utf-8") == "id,value,note\na,1,one\nb,2,second\nc,30,third\n"
    (tmp_path / "theirs").write_text("id,value\na,1\na,2\n", encoding="utf-8")
    assert csv_merge.main(paths) == 2
