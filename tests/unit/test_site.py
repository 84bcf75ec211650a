def test_a_change_to_the_build_code_reads_and_writes_every_page_again(tmp_path) -> None:
    """The fingerprint Sphinx compares between builds (config value ``phb_build_code``, rebuilt for
    the whole environment) changes with bookkit's Python and Node code, and with nothing else."""
    from bookkit.site import build_code_fingerprint

    (tmp_path / "light_pages.py").write_text("DEFERRED = {'a.js'}\n")
    (tmp_path / "compile.cjs").write_text("// compile\n")
    before = build_code_fingerprint(tmp_path)
    (tmp_path / "notes.txt").write_text("not code\n")
    assert build_code_fingerprint(tmp_path) == before, "only code counts"
    (tmp_path / "light_pages.py").write_text("DEFERRED = {'a.js', 'b.js'}\n")
    after_python = build_code_fingerprint(tmp_path)
    assert after_python != before
    (tmp_path / "compile.cjs").write_text("// compile, changed\n")
    assert build_code_fingerprint(tmp_path) != after_python
